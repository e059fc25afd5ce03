"""`sealq serve` option checks: refused settings never start a daemon, and the benchmark-only
--insecure-skip-auth does what it says (and only on loopback)."""

import os
import subprocess

from conftest import ADMIN_KEY, ADMIN_SECRET, SEALQ_BIN, Daemon, make_client


def serve(tmp_path, *args):
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET)
    return subprocess.run([SEALQ_BIN, "serve", "--data-dir", str(tmp_path / "data"), *args], env=env,
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=30)


def test_account_id_must_be_twelve_digits(tmp_path):
    result = serve(tmp_path, "--port", "1", "--account-id", "12345")
    assert result.returncode != 0
    assert "12 digits" in result.stderr


def test_skipping_auth_is_refused_off_loopback(tmp_path):
    result = serve(tmp_path, "--host", "0.0.0.0", "--port", "1", "--insecure-skip-auth")
    assert result.returncode != 0
    assert "loopback" in result.stderr


def test_skipping_auth_runs_every_call_as_the_admin_and_says_so(tmp_path):
    daemon = Daemon(str(tmp_path), extra_args=["--insecure-skip-auth"])
    daemon.start()
    try:
        unsigned = make_client(daemon, unsigned=True)
        url = unsigned.create_queue(QueueName="open-door")["QueueUrl"]
        unsigned.send_message(QueueUrl=url, MessageBody="no signature needed")
        stranger = make_client(daemon, key="AKIANOBODY0000000000", secret="wrong")
        assert stranger.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "no signature needed"
    finally:
        daemon.stop()
    assert b"access control is OFF" in daemon.logs()
