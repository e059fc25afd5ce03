"""What the key service leaves on disk (issue 5): the root key options (generated developer key,
a 0600 `--root-key-file`, SEALQ_ROOT_PASSPHRASE with Argon2id) and the refusal to open a data
directory with another root key; a scan of every file of the data directory (SQLite database,
-wal, -shm and anything else) and of the daemon's logs for plaintexts, data keys, HMAC messages
and the root key; and a round trip through the AWS Encryption SDK (`aws-encryption-sdk`) with
the daemon as its KMS."""

import base64
import json
import os
import shutil
import stat
import uuid

import pytest


from conftest import (ACCOUNT, ADMIN_KEY, ADMIN_SECRET, REGION, Daemon,
                      expect_error, make_client, kms_client, write_policies_dir)


# --------------------------------------------------------------------------- helpers

def write_key_file(path, data, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def encodings(secret):
    """Byte strings under which `secret` could show up in a file: raw, hex, and base64 (standard
    and URL-safe) at each of the three alignments it can have inside a longer base64 text —
    only the characters that depend on nothing but the secret's own bytes."""
    out = {"raw": secret, "hex": secret.hex().encode(), "HEX": secret.hex().upper().encode(),
           "decimal bytes": ", ".join(str(b) for b in secret).encode()}  # Swift's [UInt8] description
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + secret)
        first_group = -(-shift // 3)                    # groups that hold prefix bytes
        last_group = (shift + len(secret)) // 3         # groups made of secret bytes only
        inner = enc[first_group * 4:last_group * 4]
        if len(inner) >= 12:
            out[f"b64+{shift}"] = inner
            out[f"b64url+{shift}"] = inner.replace(b"+", b"-").replace(b"/", b"_")
    return out


def all_files(root):
    for dirpath, _, names in os.walk(root):
        for name in names:
            yield os.path.join(dirpath, name)


def scan(paths_and_bytes, secrets):
    """[(where, secret name, encoding)] for every secret found."""
    found = []
    for where, data in paths_and_bytes:
        for name, secret in secrets.items():
            for enc_name, needle in encodings(secret).items():
                if needle in data:
                    found.append((where, name, enc_name))
    return found


def read_tree(root):
    out = []
    for path in all_files(root):
        with open(path, "rb") as f:
            out.append((os.path.relpath(path, root), f.read()))
    return out


# --------------------------------------------------------------------------- root key options

def test_generated_developer_root_key(tmp_path):
    d = Daemon(str(tmp_path))
    d.start()
    generated = tmp_path / "keys" / "root.key"
    try:
        assert generated.exists(), os.listdir(tmp_path)
        assert len(generated.read_bytes()) == 32
        assert mode_of(generated) == 0o600
        warning = d.stderr_tail(20000)
        assert "root.key" in warning and "ROOT KEY" in warning.upper(), warning
        assert (tmp_path / "data" / "root-key.check").exists()
        kms = kms_client(d)
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=kid, Plaintext=b"dev key")["CiphertextBlob"]
    finally:
        d.stop()
    root = generated.read_bytes()
    assert not scan(read_tree(d.data_dir), {"root key": root})

    # the same key is used again
    d.start()
    try:
        assert generated.read_bytes() == root
        assert kms_client(d).decrypt(CiphertextBlob=blob)["Plaintext"] == b"dev key"
    finally:
        d.stop()

    # without it, the data directory cannot be opened: no new key silently replaces it
    aside = tmp_path / "root.key.aside"
    shutil.move(str(generated), str(aside))
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "no root key at" in err, err
    assert not generated.exists(), "no stray key generated"
    shutil.move(str(aside), str(generated))
    d.start()
    try:
        assert kms_client(d).decrypt(CiphertextBlob=blob)["Plaintext"] == b"dev key"
    finally:
        d.stop()


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o666])
def test_root_key_file_must_be_private(tmp_path, mode):
    key_file = write_key_file(str(tmp_path / "secret" / "root.key"), os.urandom(32), mode)
    d = Daemon(str(tmp_path), extra_args=["--root-key-file", key_file])
    rc, err = d.start_expecting_failure()
    assert rc != 0, err
    assert "600" in err or "owner only" in err or "mode" in err.lower(), err
    assert key_file in err, err
    assert not (tmp_path / "keys" / "root.key").exists()


@pytest.mark.parametrize("size", [0, 16, 31, 33, 64])
def test_root_key_file_must_hold_32_bytes(tmp_path, size):
    key_file = write_key_file(str(tmp_path / "secret" / "root.key"), os.urandom(size))
    d = Daemon(str(tmp_path), extra_args=["--root-key-file", key_file])
    rc, err = d.start_expecting_failure()
    assert rc != 0, err
    assert not (tmp_path / "keys" / "root.key").exists()


def test_missing_root_key_file_is_refused(tmp_path):
    d = Daemon(str(tmp_path), extra_args=["--root-key-file", str(tmp_path / "nowhere" / "root.key")])
    rc, err = d.start_expecting_failure()
    assert rc != 0, err
    assert not (tmp_path / "keys" / "root.key").exists()


def test_root_key_file_and_mismatch(tmp_path):
    root = os.urandom(32)
    key_file = write_key_file(str(tmp_path / "secret" / "root.key"), root)
    d = Daemon(str(tmp_path), extra_args=["--root-key-file", key_file])
    d.start()
    try:
        assert "GENERATED A ROOT KEY" not in d.stderr_tail(20000).upper()
        assert not (tmp_path / "keys" / "root.key").exists()
        kms = kms_client(d)
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=kid, Plaintext=b"file key", EncryptionContext={"a": "b"})["CiphertextBlob"]
    finally:
        d.stop()
    assert (tmp_path / "data" / "root-key.check").exists()

    d.start()
    try:
        assert kms_client(d).decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"file key"
    finally:
        d.stop()

    other = write_key_file(str(tmp_path / "secret" / "other.key"), os.urandom(32))
    d.extra_args = ["--root-key-file", other]
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "does not match" in err, err
    # the environment variable names the same option
    d.extra_args, d.extra_env = [], {"SEALQ_ROOT_KEY_FILE": other}
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "does not match" in err, err
    # nor is a developer key generated for it
    d.extra_env = {}
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "no root key at" in err, err
    # a passphrase neither (and no passphrase parameters are written for it)
    d.extra_env = {"SEALQ_ROOT_PASSPHRASE": "not the key file"}
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "root-key.params is missing" in err, err
    assert not os.path.exists(os.path.join(d.data_dir, "root-key.params"))

    # the right key still works after all those refusals, through the environment too
    d.extra_args, d.extra_env = [], {"SEALQ_ROOT_KEY_FILE": key_file}
    d.start()
    try:
        assert kms_client(d).decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"file key"
    finally:
        d.stop()
    assert not scan(read_tree(d.data_dir) + [("logs", d.logs())], {"root key": root})


def test_root_passphrase(tmp_path):
    passphrase = "correct horse battery staple " + uuid.uuid4().hex
    d = Daemon(str(tmp_path), env={"SEALQ_ROOT_PASSPHRASE": passphrase})
    d.start()
    try:
        assert "GENERATED A ROOT KEY" not in d.stderr_tail(20000).upper()
        assert not (tmp_path / "keys" / "root.key").exists()
        kms = kms_client(d)
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=kid, Plaintext=b"passphrase key")["CiphertextBlob"]
    finally:
        d.stop()
    params = tmp_path / "data" / "root-key.params"
    assert params.exists() and params.stat().st_size > 0
    assert (tmp_path / "data" / "root-key.check").exists()

    d.start()
    try:
        assert kms_client(d).decrypt(CiphertextBlob=blob)["Plaintext"] == b"passphrase key"
    finally:
        d.stop()

    # Parameters lost (a backup that left them out): said so, not "does not match".
    params = os.path.join(d.data_dir, "root-key.params")
    shutil.move(params, params + ".aside")
    d.extra_env = {"SEALQ_ROOT_PASSPHRASE": passphrase}
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "root-key.params is missing" in err and not os.path.exists(params), err
    shutil.move(params + ".aside", params)
    for wrong in (passphrase + " ", passphrase.upper(), "something else entirely"):
        d.extra_env = {"SEALQ_ROOT_PASSPHRASE": wrong}
        rc, err = d.start_expecting_failure()
        assert rc != 0 and "does not match" in err, (wrong, err)
    d.extra_env = {}
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "no root key at" in err, err

    d.extra_env = {"SEALQ_ROOT_PASSPHRASE": passphrase}
    d.start()
    try:
        assert kms_client(d).decrypt(CiphertextBlob=blob)["Plaintext"] == b"passphrase key"
    finally:
        d.stop()
    leaks = scan(read_tree(d.data_dir) + [("logs", d.logs())], {"passphrase": passphrase.encode()})
    assert not leaks, leaks


def test_secrets_leave_the_environment_and_core_dumps_are_off(tmp_path):
    """The passphrase and the admin secret are wiped from the daemon's environment once read
    (so /proc/PID/environ and children do not show them), and the daemon makes no core file."""
    passphrase = "environ marker " + uuid.uuid4().hex
    d = Daemon(str(tmp_path), env={"SEALQ_ROOT_PASSPHRASE": passphrase})
    d.start()
    try:
        with open(f"/proc/{d.proc.pid}/environ", "rb") as f:
            environ = f.read()
        assert b"SEALQ_ADMIN_ACCESS_KEY_ID=" + ADMIN_KEY.encode() in environ  # not secret, left alone
        assert passphrase.encode() not in environ
        assert ADMIN_SECRET.encode() not in environ
        with open(f"/proc/{d.proc.pid}/limits") as f:
            core = [line.split() for line in f if line.startswith("Max core file size")][0]
        assert core[4:6] == ["0", "0"], core
        # the secrets still did their work: the admin signs, the passphrase opened the root key
        kms = kms_client(d)
        blob = kms.encrypt(KeyId=kms.create_key()["KeyMetadata"]["KeyId"], Plaintext=b"still works")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"still works"
    finally:
        d.stop()


def test_an_empty_passphrase_is_refused(tmp_path):
    """SEALQ_ROOT_PASSPHRASE set but empty (an unset shell variable, most likely) is refused,
    not taken as "no passphrase" with a generated root key."""
    d = Daemon(str(tmp_path), env={"SEALQ_ROOT_PASSPHRASE": ""})
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "SEALQ_ROOT_PASSPHRASE is set but empty" in err, err
    assert not (tmp_path / "keys" / "root.key").exists()


# --------------------------------------------------------------------------- data directory scan

def test_no_secret_reaches_the_data_directory_or_logs(tmp_path):
    """At the most verbose log level too: the service descriptions logged at start once held
    the admin's secret access key."""
    root = os.urandom(32)
    key_file = write_key_file(str(tmp_path / "secret" / "root.key"), root)
    d = Daemon(str(tmp_path), extra_args=["--root-key-file", key_file, "--log-level", "trace"])
    d.start()
    secrets = {"root key": root}
    try:
        kms = kms_client(d)
        sym = kms.create_key(Description="scan")["KeyMetadata"]["KeyId"]
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        mac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/scan", TargetKeyId=sym)
        blobs = []

        # Encrypt plaintexts of several sizes, with and without context, across a rotation
        for i, size in enumerate((16, 100, 1000, 4096)):
            marker = f"SEALQ-PLAINTEXT-CANARY-{i}-{uuid.uuid4().hex}-".encode()
            data = (marker * (size // len(marker) + 1))[:size] if size >= len(marker) else os.urandom(size)
            secrets[f"plaintext {size}"] = data
            ctx = {"purpose": f"scan-{i}"} if i % 2 else {}
            blobs.append((kms.encrypt(KeyId="alias/scan", Plaintext=data, EncryptionContext=ctx)["CiphertextBlob"],
                          ctx, data))
            if i == 1:
                kms.rotate_key_on_demand(KeyId=sym)

        # data keys, with and without plaintext in the answer
        for i, args in enumerate(({"KeySpec": "AES_256"}, {"KeySpec": "AES_128"}, {"NumberOfBytes": 64},
                                  {"NumberOfBytes": 1024})):
            dk = kms.generate_data_key(KeyId=sym, EncryptionContext={"dk": str(i)}, **args)
            secrets[f"data key {args}"] = dk["Plaintext"]
            blobs.append((dk["CiphertextBlob"], {"dk": str(i)}, dk["Plaintext"]))
        wp = kms.generate_data_key_without_plaintext(KeyId=sym, KeySpec="AES_256")
        wp_plain = kms.decrypt(CiphertextBlob=wp["CiphertextBlob"])["Plaintext"]
        secrets["data key without plaintext"] = wp_plain

        # ReEncrypt moves a plaintext between keys inside the service
        moved_data = b"SEALQ-REENCRYPT-CANARY-" + uuid.uuid4().hex.encode()
        secrets["re-encrypted plaintext"] = moved_data
        src = kms.encrypt(KeyId=sym, Plaintext=moved_data)["CiphertextBlob"]
        moved = kms.re_encrypt(CiphertextBlob=src, DestinationKeyId=other)["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=moved)["Plaintext"] == moved_data

        # HMAC messages
        for i in range(3):
            msg = f"SEALQ-HMAC-MESSAGE-CANARY-{i}-{uuid.uuid4().hex}".encode()
            secrets[f"hmac message {i}"] = msg
            mac = kms.generate_mac(KeyId=mac_key, Message=msg, MacAlgorithm="HMAC_SHA_256")["Mac"]
            assert kms.verify_mac(KeyId=mac_key, Message=msg, MacAlgorithm="HMAC_SHA_256", Mac=mac)["MacValid"]

        # random bytes handed out
        secrets["random"] = kms.generate_random(NumberOfBytes=64)["Plaintext"]

        # everything decrypts, failed attempts included
        for blob, ctx, data in blobs:
            assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"] == data
        expect_error(kms.decrypt, "InvalidCiphertextException", 400, CiphertextBlob=blobs[1][0],
                     EncryptionContext={"purpose": "wrong"})

        # while running: whatever is in the files now (the WAL holds the newest pages)
        running = read_tree(d.data_dir)
    finally:
        stopped_cleanly = d.stop()
    assert stopped_cleanly
    after = read_tree(d.data_dir)
    names = sorted(n for n, _ in after)
    assert any(n.endswith(".sqlite") or n.endswith(".db") for n in names), names

    leaks = scan([("running:" + n, b) for n, b in running] + [("stopped:" + n, b) for n, b in after]
                 + [("logs", d.logs())], secrets)
    # The admin's secret belongs in admin-credentials (0600) and nowhere else.
    leaks += scan([("logs", d.logs())] + [("stopped:" + n, b) for n, b in after if n != "admin-credentials"],
                  {"admin secret access key": ADMIN_SECRET.encode()})
    assert not leaks, f"secrets found on disk: {leaks}"


# --------------------------------------------------------------------------- AWS Encryption SDK

@pytest.fixture
def encryption_sdk(monkeypatch, daemon):
    try:
        import aws_encryption_sdk  # noqa: F401
    except ImportError:
        pytest.fail("aws-encryption-sdk is missing: run scripts/ensure-deps.sh --with-test-clients "
                    "(or python3 -m pip install aws-encryption-sdk)")
    import aws_encryption_sdk
    import botocore.session

    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", daemon.url)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")

    def session():
        s = botocore.session.Session()
        s.set_credentials(ADMIN_KEY, ADMIN_SECRET)
        s.set_config_variable("region", REGION)
        return s

    return aws_encryption_sdk, session


def test_encryption_sdk_round_trip(encryption_sdk, daemon):
    sdk, session = encryption_sdk
    from aws_encryption_sdk.key_providers.kms import DiscoveryFilter
    kms = kms_client(daemon)
    arn = kms.create_key(Description="encryption sdk")["KeyMetadata"]["Arn"]
    second = kms.create_key(Description="encryption sdk, second")["KeyMetadata"]["Arn"]
    client = sdk.EncryptionSDKClient(commitment_policy=sdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    message = b"through the AWS Encryption SDK " + os.urandom(4000)
    context = {"tenant": "acme", "purpose": "e2e"}

    provider = sdk.StrictAwsKmsMasterKeyProvider(key_ids=[arn, second], botocore_session=session())
    ciphertext, header = client.encrypt(source=message, key_provider=provider, encryption_context=context)
    assert message not in ciphertext
    assert {k.key_provider.key_info.decode() if isinstance(k.key_provider.key_info, bytes)
            else k.key_provider.key_info for k in header.encrypted_data_keys} == {arn, second}

    # each key alone decrypts it (the second one's copy came from KMS Encrypt, the first one's
    # from GenerateDataKey)
    for key in (arn, second):
        only = sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key], botocore_session=session())
        plaintext, dheader = client.decrypt(source=ciphertext, key_provider=only)
        assert plaintext == message
        for k, v in context.items():
            assert dheader.encryption_context[k] == v

    # discovery within this account
    discovery = sdk.DiscoveryAwsKmsMasterKeyProvider(
        discovery_filter=DiscoveryFilter(account_ids=[ACCOUNT], partition="aws"),
        botocore_session=session())
    assert client.decrypt(source=ciphertext, key_provider=discovery)[0] == message

    # a key that holds no copy cannot decrypt it; neither can a disabled one
    unrelated = kms.create_key()["KeyMetadata"]["Arn"]
    with pytest.raises(Exception):
        client.decrypt(source=ciphertext,
                       key_provider=sdk.StrictAwsKmsMasterKeyProvider(key_ids=[unrelated], botocore_session=session()))
    kms.disable_key(KeyId=arn)
    try:
        with pytest.raises(Exception):
            client.decrypt(source=ciphertext,
                           key_provider=sdk.StrictAwsKmsMasterKeyProvider(key_ids=[arn], botocore_session=session()))
    finally:
        kms.enable_key(KeyId=arn)

    # a flipped byte in the message body is detected
    tampered = bytearray(ciphertext)
    tampered[len(tampered) // 2] ^= 1
    with pytest.raises(Exception):
        client.decrypt(source=bytes(tampered),
                       key_provider=sdk.StrictAwsKmsMasterKeyProvider(key_ids=[arn], botocore_session=session()))

    # streaming, in small frames
    framed, _ = client.encrypt(source=message, key_provider=provider, frame_length=512)
    with client.stream(mode="d", source=framed,
                       key_provider=sdk.StrictAwsKmsMasterKeyProvider(key_ids=[second],
                                                                      botocore_session=session())) as dec:
        assert b"".join(dec) == message


def test_every_file_the_daemon_writes_is_its_owners_alone(tmp_path):
    """umask 077 from the start: the database, its log, keys, credentials and the audit key are
    never readable by others, not even for a moment; an older 0644 database is tightened."""
    d = Daemon(str(tmp_path))
    d.start()
    make_client(d).create_queue(QueueName="private")
    d.stop()
    written = [os.path.join(root, name) for root, _, names in os.walk(d.data_dir) for name in names]
    written += [str(tmp_path / "keys" / "root.key")]
    loose = {path: oct(mode_of(path)) for path in written if mode_of(path) & 0o077}
    assert not loose, loose
    os.chmod(os.path.join(d.data_dir, "sealq.sqlite"), 0o644)
    d.start()
    d.stop()
    assert mode_of(os.path.join(d.data_dir, "sealq.sqlite")) == 0o600


ADMIN_KEEPS_KEY = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "kms:*", "Resource": "*"}


@pytest.mark.parametrize("policy, words", [
    ({"Version": "2012-10-17", "Statement": "nope"}, "malformed"),
    ({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                              "Action": "kms:*", "Resource": "*"}]}, "lock the admin out"),
    ({"Version": "2012-10-17", "Statement": [
        ADMIN_KEEPS_KEY, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/no-such-user"},
                          "Action": "kms:Decrypt", "Resource": "*"}]}, "invalid principals"),
    ({"Version": "2012-10-17", "Statement": [
        ADMIN_KEEPS_KEY, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}, "Action": "kms:Decrypt",
                          "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContext:dept": "ops"}}}]},
     "OverlyPermissiveCondition"),
    ({"Version": "2012-10-17", "Statement": [
        ADMIN_KEEPS_KEY, {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::000000000000:root"},
                          "Action": "kms:Decrypt", "Resource": "*"}]}, "NotPrincipal"),
    ({"Version": "2012-10-17", "Statement": [ADMIN_KEEPS_KEY], "Id": "x" * 33_000}, "larger than 32 KB"),
])
def test_a_defined_key_policy_gets_the_checks_create_key_makes(tmp_path, policy, words):
    """A definition never changes a key once made, so a policy nobody could manage must stop the
    start before the key exists, as CreateKey would refuse it."""
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "bad.json").write_text(json.dumps({"Alias": "alias/stuck", "Policy": policy}))
    d = Daemon(str(tmp_path))
    code, err = d.start_expecting_failure()
    assert code != 0 and "bad.json" in err and words in err, err


def test_a_defined_key_that_exists_is_not_checked_again(tmp_path):
    """The checks are CreateKey's, made when a definition creates its key: once the key exists,
    a user its policy names may be deleted (KMS keeps such a policy working) and the daemon
    still starts."""
    keys = tmp_path / "keys"
    keys.mkdir()
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/reader"}, "Action": "kms:Decrypt", "Resource": "*"}]}
    (keys / "orders.json").write_text(json.dumps({"Alias": "alias/orders", "Policy": policy}))
    policies = tmp_path / "policies"
    write_policies_dir(str(policies), {"Users": [{"Name": "admin", "Policies": ["admin"]}, {"Name": "reader"}]},
                       {"admin": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}})
    d = Daemon(str(tmp_path), policies_dir=str(policies))
    d.start()
    key_id = kms_client(d).describe_key(KeyId="alias/orders")["KeyMetadata"]["KeyId"]
    d.stop()
    write_policies_dir(str(policies), {"Users": [{"Name": "admin", "Policies": ["admin"]}]}, {})
    d.start()
    assert kms_client(d).describe_key(KeyId="alias/orders")["KeyMetadata"]["KeyId"] == key_id
    d.stop()
