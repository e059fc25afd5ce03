"""A second real SDK: the AWS SDK for Go (v1, from Debian's golang-github-aws-aws-sdk-go-dev)
drives the daemon through `clients/sdkcheck.go`. Unlike boto3, it checks the MD5OfMessageBody of
every SendMessage, SendMessageBatch and ReceiveMessage answer (a mismatch fails the call), and it
has its own Query serializer and XML parser for SQS, STS and IAM and JSON 1.1 codec for KMS and
CloudTrail. scripts/ensure-deps.sh --with-test-clients installs Go and the SDK."""

import os
import shutil
import subprocess

import pytest

from conftest import ADMIN_KEY, ADMIN_SECRET

SDK = "/usr/share/gocode/src/github.com/aws/aws-sdk-go"
SOURCE = os.path.join(os.path.dirname(__file__), "clients", "sdkcheck.go")


@pytest.fixture(scope="module")
def sdkcheck(tmp_path_factory):
    go = shutil.which("go")
    if go is None or not os.path.isdir(SDK):
        pytest.fail("missing: golang-go and golang-github-aws-aws-sdk-go-dev "
                    "(sudo apt-get install golang-go golang-github-aws-aws-sdk-go-dev, or scripts/ensure-deps.sh --with-test-clients as root)")
    build = tmp_path_factory.mktemp("go-sdk")
    binary = str(build / "sdkcheck")
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode", GOFLAGS="", GOCACHE=str(build / "cache"))
    p = subprocess.run([go, "build", "-o", binary, SOURCE], env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return binary


def test_the_go_sdk_drives_sqs_kms_sts_iam_and_cloudtrail_and_accepts_every_md5(fresh_daemon, sdkcheck):
    # A daemon of its own: the LookupEvents step must find the Go client's own SendMessageBatch.
    daemon = fresh_daemon()
    env = dict(os.environ, SEALQ_URL=daemon.url, AWS_ACCESS_KEY_ID=ADMIN_KEY, AWS_SECRET_ACCESS_KEY=ADMIN_SECRET)
    for name in ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]:
        env.pop(name, None)
    p = subprocess.run([sdkcheck], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    steps = {line[3:] for line in p.stdout.splitlines() if line.startswith("ok ")}
    for step in ["SendMessage (the SDK checks the body's MD5)", "SendMessageBatch (the SDK checks each body's MD5)",
                 "ReceiveMessage (the SDK checks each body's MD5)", "ReceiveMessage (FIFO)", "Decrypt",
                 "Decrypt without its encryption context", "GetCallerIdentity", "LookupEvents", "DeleteQueue",
                 "CreateAccessKey past the quota", "GetCallerIdentity with the new key", "ListAccessKeys (next page)",
                 "GetAccessKeyLastUsed", "GetCallerIdentity with the disabled key", "GetCredentialReport",
                 "DeleteAccessKey again"]:
        assert step in steps, p.stdout
