"""awscli (v1, AWS JSON 1.0) against the daemon, via subprocess."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import ADMIN_KEY, ADMIN_SECRET, ACCOUNT, SEALQ_BIN, md5_hex, run_sealq, unique_name

AWS = shutil.which("aws")
pytestmark = pytest.mark.skipif(AWS is None, reason="awscli not installed")


@pytest.fixture(scope="module")
def aws(daemon, tmp_path_factory):
    d = tmp_path_factory.mktemp("awscli")
    cfg, creds = d / "config", d / "credentials"
    cfg.write_text("[default]\nregion = us-east-1\noutput = json\n")
    creds.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": ADMIN_KEY,
        "AWS_SECRET_ACCESS_KEY": ADMIN_SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(cfg),
        "AWS_SHARED_CREDENTIALS_FILE": str(creds),
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
    })

    def run(*args, check=True):
        p = subprocess.run([AWS, "--endpoint-url", daemon.url, "--output", "json", "sqs", *args],
                           env=env, capture_output=True, text=True, timeout=60)
        if check:
            assert p.returncode == 0, (args, p.returncode, p.stderr)
            return json.loads(p.stdout) if p.stdout.strip() else {}
        return p

    return run


def test_cli_queue_and_message_lifecycle(aws, daemon):
    name = unique_name("cli")
    url = aws("create-queue", "--queue-name", name, "--attributes", "VisibilityTimeout=40")["QueueUrl"]
    assert url == f"{daemon.url}/{ACCOUNT}/{name}"

    assert aws("get-queue-url", "--queue-name", name)["QueueUrl"] == url
    assert aws("list-queues", "--queue-name-prefix", name)["QueueUrls"] == [url]

    attrs = aws("get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
    assert attrs["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
    assert attrs["VisibilityTimeout"] == "40"

    body = "from the cli \u00fc"
    sent = aws("send-message", "--queue-url", url, "--message-body", body,
               "--message-attributes", json.dumps({"k": {"DataType": "String", "StringValue": "v"}}))
    assert sent["MD5OfMessageBody"] == md5_hex(body)
    assert sent["MD5OfMessageAttributes"]

    got = aws("receive-message", "--queue-url", url, "--wait-time-seconds", "1",
              "--message-attribute-names", "All", "--attribute-names", "All")
    assert len(got["Messages"]) == 1
    m = got["Messages"][0]
    assert m["Body"] == body
    assert m["MessageId"] == sent["MessageId"]
    assert m["MessageAttributes"]["k"]["StringValue"] == "v"
    assert m["Attributes"]["ApproximateReceiveCount"] == "1"

    aws("delete-message", "--queue-url", url, "--receipt-handle", m["ReceiptHandle"])
    attrs = aws("get-queue-attributes", "--queue-url", url, "--attribute-names",
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")["Attributes"]
    assert attrs == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}

    aws("delete-queue", "--queue-url", url)
    p = aws("get-queue-url", "--queue-name", name, check=False)
    assert p.returncode != 0
    assert "NonExistentQueue" in p.stderr


def test_cli_batch_and_tags(aws):
    name = unique_name("clib")
    url = aws("create-queue", "--queue-name", name, "--tags", "team=e2e")["QueueUrl"]
    assert aws("list-queue-tags", "--queue-url", url)["Tags"] == {"team": "e2e"}
    entries = [{"Id": f"m{i}", "MessageBody": f"b{i}"} for i in range(3)]
    res = aws("send-message-batch", "--queue-url", url, "--entries", json.dumps(entries))
    assert sorted(e["Id"] for e in res["Successful"]) == ["m0", "m1", "m2"]
    attrs = aws("get-queue-attributes", "--queue-url", url, "--attribute-names", "ApproximateNumberOfMessages")
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "3"
    aws("purge-queue", "--queue-url", url)
    p = aws("purge-queue", "--queue-url", url, check=False)
    assert p.returncode != 0 and "PurgeQueueInProgress" in p.stderr


def test_cli_error_for_bad_attribute(aws):
    name = unique_name("clie")
    p = aws("create-queue", "--queue-name", name, "--attributes", "DelaySeconds=901", check=False)
    assert p.returncode != 0
    assert "InvalidAttributeValue" in p.stderr


def test_rotate_root_refuses_a_new_passphrase_and_a_new_key_file_together(tmp_path):
    """SEALQ_NEW_ROOT_PASSPHRASE used to win silently over --new-root-key-file; now neither
    loses: the rotation is refused and the root key stays as it was."""
    from conftest import SEALQ_BIN, Daemon
    d = Daemon(str(tmp_path))
    d.start()
    d.stop()
    new_key = tmp_path / "new.key"
    new_key.write_bytes(os.urandom(32))
    os.chmod(new_key, 0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEALQ_")}
    env["SEALQ_NEW_ROOT_PASSPHRASE"] = "a new passphrase from the environment"
    p = subprocess.run([SEALQ_BIN, "keys", "rotate-root", "--data-dir", d.data_dir, "--new-root-key-file", str(new_key)],
                       cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 64, (p.returncode, p.stdout, p.stderr)
    assert "SEALQ_NEW_ROOT_PASSPHRASE or --new-root-key-file, not both" in p.stderr
    d.start()
    d.stop()


def test_tools_say_what_they_cannot_read_and_what_is_missing(tmp_path):
    """check-proof on a standard input that cannot be read is a one-line error, not a crash;
    who-can and create-access-key say on standard error that a directory they were given does
    not exist (a typo would otherwise answer for the admin alone, or make a directory no daemon uses)."""
    fd = os.open("/", os.O_RDONLY)
    try:
        p = subprocess.run([SEALQ_BIN, "audit", "check-proof", "-", "--public-key", "0" * 64],
                           stdin=fd, capture_output=True, text=True, timeout=60)
    finally:
        os.close(fd)
    assert p.returncode not in (0, 132, -4) and "Cannot read standard input" in p.stderr, (p.returncode, p.stderr[-500:])
    assert "Fatal error" not in p.stderr
    p = run_sealq("policy", "who-can", "--action", "sqs:SendMessage", "--resource", f"arn:aws:sqs:us-east-1:{ACCOUNT}:q",
                  "--data-dir", str(tmp_path / "data"), "--policies", str(tmp_path / "policiez"))
    assert "policies directory" in p.stderr and "policiez does not exist" in p.stderr, p.stdout + p.stderr
    p = run_sealq("principals", "create-access-key", "admin", "--data-dir", str(tmp_path / "dta"))
    assert p.returncode == 0 and "dta does not exist yet" in p.stderr, p.stdout + p.stderr
    # Inputs are read up to 64 MiB, not whole: a 3 GB file is refused at once, not read into memory.
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(3 << 30)
    p = run_sealq("policy", "validate", str(big))
    assert p.returncode == 1 and "CANNOT_READ" in p.stdout and "larger than 64 MiB" in p.stdout, p.stdout + p.stderr
    binary_key = tmp_path / "binary.pub"
    binary_key.write_bytes(os.urandom(32))
    (tmp_path / "proof.json").write_text("{}")
    p = run_sealq("audit", "check-proof", str(tmp_path / "proof.json"), "--public-key", str(binary_key))
    assert p.returncode == 64 and "--public-key must be the log's public key" in p.stderr, (p.returncode, p.stdout, p.stderr)
    p = run_sealq("audit", "lookup", "--data-dir", str(tmp_path / "dta"), "--start-time", "nan")
    assert p.returncode != 0 and "--start-time must be a number of seconds" in p.stderr, p.stderr


def test_location_options_earlier_versions_listed_are_still_accepted(tmp_path):
    """`--policies`, `--account-id` and `--region` were once listed on every subcommand; the
    ones that never read them no longer show them, but scripts that pass them keep working."""
    data = str(tmp_path / "data")
    earlier = ["--policies", str(tmp_path / "policies"), "--account-id", "000000000000", "--region", "us-east-1"]
    listing = run_sealq("principals", "list", "--data-dir", data, *earlier)
    assert listing.returncode == 0, listing.stderr
    for command in (["audit", "verify"], ["audit", "lookup"], ["audit", "key-usage"]):
        result = run_sealq(*command, "--data-dir", data, *earlier)
        assert "Unknown option" not in result.stderr and "Error: Unknown" not in result.stderr, (command, result.stderr)
        assert "does not exist" in result.stderr, (command, result.stderr)
        shown = run_sealq(*command, "--help").stdout
        assert "--account-id" not in shown and "--region" not in shown and "--policies" not in shown, (command, shown)
