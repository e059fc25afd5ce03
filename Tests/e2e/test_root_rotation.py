"""`sealq keys rotate-root`: every key's material re-wrapped under a new root key, with the
daemon running (it keeps serving) or stopped, and the data directory refusing the old key."""

import os
import subprocess

import boto3
from botocore.config import Config

from conftest import ADMIN_KEY, ADMIN_SECRET, REGION, SEALQ_BIN, Daemon


def key_file(path):
    with open(path, "wb") as f:
        f.write(os.urandom(32))
    os.chmod(path, 0o600)
    return str(path)


def kms(daemon):
    return boto3.session.Session().client(
        "kms", endpoint_url=daemon.url, region_name=REGION, aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key=ADMIN_SECRET, config=Config(retries={"max_attempts": 1}))


def rotate(daemon, current, new):
    return subprocess.run([SEALQ_BIN, "keys", "rotate-root", "--data-dir", daemon.data_dir, "--root-key-file", current,
                           "--new-root-key-file", new], capture_output=True, text=True, timeout=90)


def refuses_to_start(daemon, root_key):
    result = subprocess.run([SEALQ_BIN, "serve", "--port", "1", "--data-dir", daemon.data_dir, "--root-key-file", root_key],
                            capture_output=True, text=True, timeout=30,
                            env=dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET))
    return result.returncode != 0 and "does not match" in result.stderr


def test_rotation_while_serving_then_offline(tmp_path):
    first, second, third = (key_file(tmp_path / name) for name in ("a.key", "b.key", "c.key"))
    daemon = Daemon(str(tmp_path / "daemon"), extra_args=["--root-key-file", first])
    daemon.start()
    client = kms(daemon)
    key = client.create_key(Description="rotating root")["KeyMetadata"]["KeyId"]
    blob = client.encrypt(KeyId=key, Plaintext=b"before", EncryptionContext={"t": "1"})["CiphertextBlob"]
    client.rotate_key_on_demand(KeyId=key)

    online = rotate(daemon, first, second)
    assert online.returncode == 0, online.stderr
    assert "running daemon" in online.stdout
    assert not os.path.exists(os.path.join(daemon.data_dir, "root-key.next"))
    # Readers never stopped: old and new ciphertexts decrypt, new keys work.
    assert client.decrypt(CiphertextBlob=blob, EncryptionContext={"t": "1"})["Plaintext"] == b"before"
    later = client.encrypt(KeyId=key, Plaintext=b"during")["CiphertextBlob"]
    daemon.stop()

    assert refuses_to_start(daemon, first)
    daemon.extra_args = ["--root-key-file", second]
    daemon.start()
    client = kms(daemon)
    assert client.decrypt(CiphertextBlob=blob, EncryptionContext={"t": "1"})["Plaintext"] == b"before"
    assert client.decrypt(CiphertextBlob=later)["Plaintext"] == b"during"
    daemon.stop()

    offline = rotate(daemon, second, third)
    assert offline.returncode == 0, offline.stderr
    assert "Re-wrapped" in offline.stdout
    assert refuses_to_start(daemon, second)
    daemon.extra_args = ["--root-key-file", third]
    daemon.start()
    assert kms(daemon).decrypt(CiphertextBlob=blob, EncryptionContext={"t": "1"})["Plaintext"] == b"before"
    daemon.stop()


def test_rotation_needs_the_current_root_key(tmp_path):
    first, wrong, new = (key_file(tmp_path / name) for name in ("a.key", "wrong.key", "new.key"))
    daemon = Daemon(str(tmp_path / "daemon"), extra_args=["--root-key-file", first])
    daemon.start()
    daemon.stop()
    result = rotate(daemon, wrong, new)
    assert result.returncode != 0
    assert "does not match" in result.stderr and "refusing to start" not in result.stderr, result.stderr
    same = rotate(daemon, first, first)
    assert same.returncode == 0 and "already in use; nothing to re-wrap" in same.stdout, same.stdout + same.stderr
    daemon.start()
    daemon.stop()


def test_running_a_finished_rotation_again_says_it_has_finished(tmp_path):
    """When the tool gives up waiting on a busy daemon, the daemon still rotates later; running
    the command again with the same keys, as its message says, then reports the rotation done
    (the old key no longer opens the directory: that must not read as a failure)."""
    first, new = (key_file(tmp_path / name) for name in ("a.key", "new.key"))
    daemon = Daemon(str(tmp_path / "daemon"), extra_args=["--root-key-file", first])
    daemon.start()
    daemon.stop()
    assert rotate(daemon, first, new).returncode == 0
    again = rotate(daemon, first, new)
    assert again.returncode == 0 and "already in use; nothing to re-wrap" in again.stdout, again.stdout + again.stderr
    # The same with a new passphrase, whose salt was promoted when the rotation finished.
    def to_passphrase():
        return subprocess.run([SEALQ_BIN, "keys", "rotate-root", "--data-dir", daemon.data_dir, "--root-key-file", new],
                              env=dict(os.environ, SEALQ_NEW_ROOT_PASSPHRASE="a new passphrase"),
                              capture_output=True, text=True, timeout=90)
    first_time = to_passphrase()
    assert first_time.returncode == 0, first_time.stdout + first_time.stderr
    again = to_passphrase()
    assert again.returncode == 0 and "already in use; nothing to re-wrap" in again.stdout, again.stdout + again.stderr
    assert not os.path.exists(os.path.join(daemon.data_dir, "root-key.params.next"))


def test_a_rotation_refused_for_a_newer_database_leaves_nothing_to_finish(tmp_path):
    """A data directory a newer SealQ migrated is refused before any rotation request is left:
    otherwise the next daemon start would finish the rotation the tool said it refused, and
    the key kept would stop working."""
    import sqlite3
    first, new = (key_file(tmp_path / name) for name in ("a.key", "new.key"))
    daemon = Daemon(str(tmp_path / "daemon"), extra_args=["--root-key-file", first])
    daemon.start()
    daemon.stop()
    database = os.path.join(daemon.data_dir, "sealq.sqlite")
    db = sqlite3.connect(database)
    db.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v999-from-the-future')")
    db.commit()
    result = rotate(daemon, first, new)
    assert result.returncode != 0 and "newer SealQ" in result.stderr, result.stderr
    assert not os.path.exists(os.path.join(daemon.data_dir, "root-key.next"))
    db.execute("DELETE FROM grdb_migrations WHERE identifier = 'v999-from-the-future'")
    db.commit()
    db.close()
    daemon.start()
    daemon.stop()
    assert refuses_to_start(daemon, new)


def test_a_second_daemon_on_the_same_data_directory_is_refused(tmp_path):
    daemon = Daemon(str(tmp_path / "daemon"))
    daemon.start()
    try:
        other = subprocess.run([SEALQ_BIN, "serve", "--port", "1", "--data-dir", daemon.data_dir], capture_output=True, text=True,
                               timeout=30, cwd=daemon.base_dir)
        assert other.returncode != 0
        assert "another sealq process" in other.stderr
        assert daemon.healthy()
    finally:
        daemon.stop()


def _rotate_to_passphrase(daemon, current, new, timeout=90):
    env = dict(os.environ, SEALQ_ROOT_PASSPHRASE=current, SEALQ_NEW_ROOT_PASSPHRASE=new)
    return subprocess.Popen([SEALQ_BIN, "keys", "rotate-root", "--data-dir", daemon.data_dir], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _interrupted_rotation(tmp_path, new_passphrase):
    """A daemon frozen (SIGSTOP) while a rotation to `new_passphrase` is requested, then both
    killed: the request and the new passphrase's salt are left, as after a crash."""
    import signal
    import time
    daemon = Daemon(str(tmp_path / "daemon"), env={"SEALQ_ROOT_PASSPHRASE": "old passphrase"})
    daemon.start()
    key = kms(daemon).create_key(Description="survives")["KeyMetadata"]["KeyId"]
    blob = kms(daemon).encrypt(KeyId=key, Plaintext=b"kept")["CiphertextBlob"]
    os.kill(daemon.proc.pid, signal.SIGSTOP)
    tool = _rotate_to_passphrase(daemon, "old passphrase", new_passphrase)
    request = os.path.join(daemon.data_dir, "root-key.next")
    deadline = time.monotonic() + 30
    while not os.path.exists(request) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    tool.kill()
    tool.wait()
    daemon.proc.kill()
    os.kill(daemon.proc.pid, signal.SIGCONT)
    daemon.proc.wait()
    assert os.path.exists(request) and os.path.exists(os.path.join(daemon.data_dir, "root-key.params.next"))
    return daemon, blob


def test_an_interrupted_rotation_is_finished_by_running_it_again_and_never_redirected(tmp_path):
    daemon, blob = _interrupted_rotation(tmp_path, "new passphrase")
    other = _rotate_to_passphrase(daemon, "old passphrase", "another passphrase")
    _, err = other.communicate(timeout=90)
    assert other.returncode != 0 and "interrupted rotation to another root key" in err, err
    again = _rotate_to_passphrase(daemon, "old passphrase", "new passphrase")
    out, err = again.communicate(timeout=90)
    assert again.returncode == 0 and "Re-wrapped" in out, err
    assert not os.path.exists(os.path.join(daemon.data_dir, "root-key.next"))
    _still_decrypts(daemon, blob, "new passphrase")


def test_a_daemon_started_with_the_old_key_finishes_an_interrupted_rotation(tmp_path):
    daemon, blob = _interrupted_rotation(tmp_path, "new passphrase")
    _still_decrypts(daemon, blob, "old passphrase")
    assert b"finished an interrupted root key rotation" in daemon.logs()
    assert not os.path.exists(os.path.join(daemon.data_dir, "root-key.next"))
    _still_decrypts(daemon, blob, "new passphrase")


def _still_decrypts(daemon, blob, passphrase):
    """Starts `daemon` with `passphrase` as its root, checks `blob` opens, and stops it."""
    daemon.extra_env = {"SEALQ_ROOT_PASSPHRASE": passphrase}
    daemon.start()
    try:
        assert kms(daemon).decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    finally:
        daemon.stop()


def test_an_offline_rotation_keeps_a_daemon_from_starting_until_it_is_done(tmp_path):
    """`keys rotate-root` with no daemon running holds the data directory's lock while it
    re-wraps, so a daemon started meanwhile is refused instead of re-wrapping alongside it."""
    import signal
    import time
    first, second = key_file(tmp_path / "a.key"), key_file(tmp_path / "b.key")
    daemon = Daemon(str(tmp_path / "daemon"), extra_args=["--root-key-file", first])
    daemon.start()
    client = kms(daemon)
    blob = client.encrypt(KeyId=client.create_key()["KeyMetadata"]["KeyId"], Plaintext=b"kept")["CiphertextBlob"]
    for _ in range(150):  # enough versions that the re-wrap takes a while
        client.create_key()
    daemon.stop()
    tool = subprocess.Popen([SEALQ_BIN, "keys", "rotate-root", "--data-dir", daemon.data_dir, "--root-key-file", first,
                             "--new-root-key-file", second], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = os.path.join(daemon.data_dir, "sealq.lock")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and tool.poll() is None:
        try:
            held = any(os.readlink(f"/proc/{tool.pid}/fd/{fd}") == lock for fd in os.listdir(f"/proc/{tool.pid}/fd"))
        except OSError:
            held = False
        if held:
            break
        time.sleep(0.01)
    assert held, "the tool takes the lock before it re-wraps"
    os.kill(tool.pid, signal.SIGSTOP)
    try:
        if tool.poll() is None:
            code, stderr = Daemon(str(tmp_path / "daemon"), extra_args=["--root-key-file", first]).start_expecting_failure()
            assert code != 0 and "another sealq process is using" in stderr, stderr
    finally:
        os.kill(tool.pid, signal.SIGCONT)
    out, err = tool.communicate(timeout=90)
    assert tool.returncode == 0 and "Re-wrapped" in out, out + err
    daemon.extra_args = ["--root-key-file", second]
    daemon.start()
    try:
        assert kms(daemon).decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"
    finally:
        daemon.stop()
