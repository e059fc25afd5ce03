"""`sealq serve` option checks: refused settings never start a daemon, a port in use is refused
cleanly, and the benchmark-only --insecure-skip-auth does what it says (and only on loopback)."""

import json
import queue
import threading
import os
import shlex
import signal
import socket
import sqlite3
import time
import subprocess

import boto3
import pytest

from conftest import (ADMIN_KEY, ADMIN_SECRET, SEALQ_BIN, Daemon, create_access_key, free_port, make_client,
                      write_policies_dir)


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


def test_a_port_in_use_is_refused_cleanly_and_the_next_start_works(tmp_path):
    """A daemon that cannot bind says why and exits non-zero; stopping after that failure still
    signs its last audit checkpoint and releases the data directory for the next start."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    daemon = Daemon(str(tmp_path), port=holder.getsockname()[1])
    try:
        code, stderr = daemon.start_expecting_failure()
    finally:
        holder.close()
    assert code != 0
    assert f"cannot listen on 127.0.0.1:{daemon.port}: the address is already in use" in stderr, stderr
    assert "could not resume" not in stderr, stderr
    assert "checkpoint at shutdown failed" not in stderr
    daemon.port = free_port()
    daemon.start()
    try:
        client = make_client(daemon)
        assert client.create_queue(QueueName="after-a-refused-start")["QueueUrl"].endswith("/after-a-refused-start")
    finally:
        daemon.stop()
    assert b"checkpoint at shutdown failed" not in daemon.logs()


def listening_socket_flags(pid, port):
    """The open-file flags (/proc fdinfo) of the socket process `pid` listens on at `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                    inodes.add(fields[9])
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                return int(next(l for l in f if l.startswith("flags:")).split()[1], 8)
    raise AssertionError(f"no socket of process {pid} listens on port {port}")


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="needs Linux /proc")
def test_the_listening_socket_is_not_inherited_by_the_crash_reporter(tmp_path):
    """Swift's crash reporter is a program the daemon starts: had it inherited the listening
    socket, it would hold the port while writing its report and a restart would fail."""
    d = Daemon(str(tmp_path)).start()
    try:
        assert listening_socket_flags(d.proc.pid, d.port) & os.O_CLOEXEC
    finally:
        d.stop()


def test_ports_outside_the_range_and_malformed_regions_are_refused(tmp_path):
    for args in (["--port", "99999"], ["--port", "65536"], ["--region", "us east"], ["--region", ""],
                 ["--region", "US-EAST-1"]):
        result = serve(tmp_path, *args)
        assert result.returncode != 0 and ("port number" in result.stderr or "region name" in result.stderr), (args, result.stderr)
    env = dict(os.environ, SEALQ_PORT="99999")
    result = subprocess.run([SEALQ_BIN, "serve", "--data-dir", str(tmp_path / "data")], env=env, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode != 0 and "SEALQ_PORT" in result.stderr


def test_log_values_with_spaces_quotes_or_line_breaks_stay_readable_on_one_line(tmp_path):
    """A value that holds a space, a quote or a line break is quoted and escaped, so a script
    splitting key=value fields reads it back whole and no value can forge a line of its own."""
    d = Daemon(str(tmp_path / "daemon"))
    d.data_dir = str(tmp_path / 'my "data" dir\nwarning sealq: forged\u2028critical sealq: forged too')
    d.start()
    d.stop()
    lines = d.logs().decode().splitlines()  # Python splits at U+2028 too, as some log readers do
    assert not any(line.startswith(("warning sealq: forged", "critical sealq: forged")) for line in lines), lines
    listening = [line for line in lines if line.endswith("] sealq listening")]
    assert len(listening) == 1, lines
    fields = listening[0].split(": ", 1)[1].rsplit(" [", 1)[0]
    values = dict(token.split("=", 1) for token in shlex.split(fields))
    assert values["data.dir"] == d.data_dir.replace("\n", "\\n").replace("\u2028", "\\u{2028}")
    assert values["admin.credentials"] == os.path.join(values["data.dir"], "admin-credentials")
    assert values["region"] == "us-east-1"


@pytest.mark.parametrize("level", ["info", "error"])
def test_the_startup_line_names_the_port_actually_bound(tmp_path, level):
    """At every log level: with --port 0 the line is the only way to learn the port. The
    stop line is written at every level too."""
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET)
    proc = subprocess.Popen([SEALQ_BIN, "serve", "--port", "0", "--data-dir", str(tmp_path / "data"), "--log-level", level],
                            env=env, cwd=str(tmp_path), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    try:
        deadline, line = time.monotonic() + 30, ""
        while "sealq listening" not in line:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        address = line.split("address=")[1].split()[0]
        port = int(address.rsplit(":", 1)[1])
        assert port != 0 and _healthy(port, timeout=5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    time.sleep(0.2)
    assert "sealq stopped" in "".join(lines.queue)


def test_a_stop_cuts_off_a_request_stalled_halfway_after_its_grace(tmp_path):
    """A client that stalled halfway through sending a request held SIGTERM until its request
    deadline (the idle timeout, 90 s here, up to an hour): past a systemd stop timeout, whose
    kill skips the last audit checkpoint. Now its connection is closed after 10 s, its request
    is recorded as failed, the last checkpoint signs every event, and "sealq stopped" is the
    last line, after the data directory's lock is let go; a port in use is refused without it,
    and before the data directory is set up."""
    d = Daemon(str(tmp_path), extra_args=["--idle-timeout", "90"])
    d.start()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName="stalled")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="acknowledged")
    stalled = socket.create_connection(("127.0.0.1", d.port))
    stalled.sendall(f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{d.port}\r\nContent-Type: application/x-amz-json-1.0\r\n"
                    "X-Amz-Target: AmazonSQS.SendMessage\r\nContent-Length: 200000\r\n\r\n".encode() + b"x" * 100_000)
    time.sleep(0.5)
    started = time.monotonic()
    d.proc.send_signal(signal.SIGTERM)
    code = d.proc.wait(timeout=60)
    took = time.monotonic() - started
    stalled.close()
    assert code == 0 and 9 < took < 20, (code, took)
    lines = [l for l in d.logs().decode().splitlines() if l.strip()]
    assert "sealq stopped" in lines[-1], lines[-3:]
    verify = subprocess.run([SEALQ_BIN, "audit", "verify", "--data-dir", d.data_dir], capture_output=True, text=True)
    assert verify.returncode == 0 and "awaits" not in verify.stdout, verify.stdout
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = Daemon(str(tmp_path / "busy"), port=taken.getsockname()[1])
        code, stderr = busy.start_expecting_failure()
    assert code != 0 and "already in use" in stderr and "sealq stopped" not in stderr, stderr
    assert os.listdir(busy.data_dir) == [], "refused before anything was set up there"
    assert not os.path.exists(tmp_path / "busy" / "keys"), "no root key generated"


def test_a_database_that_cannot_be_written_is_refused_by_name(tmp_path):
    """An immutable (or read-only mounted) database was refused with SQLite's words alone:
    "attempt to write a readonly database - while executing CREATE TABLE grdb_issue_102"."""
    d = Daemon(str(tmp_path))
    d.start()
    d.stop()
    database = os.path.join(d.data_dir, "sealq.sqlite")
    if subprocess.run(["chattr", "+i", database], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and a file system that has it)")
    try:
        code, stderr = d.start_expecting_failure()
    finally:
        subprocess.run(["chattr", "-i", database], capture_output=True)
    assert code != 0 and f"{database} cannot be written" in stderr, stderr


def test_one_letter_relative_directories_are_made_not_a_crash(tmp_path):
    """`--data-dir d` crashed the daemon at start: Foundation's deletingLastPathComponent traps
    on a one-character path, and so did any missing relative path starting `x/`."""
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET)
    port = free_port()
    proc = subprocess.Popen([SEALQ_BIN, "serve", "--port", str(port), "--data-dir", "d", "--keys", "k/x", "--policies", "p"],
                            env=env, cwd=str(tmp_path), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 20
        while not _healthy(port) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None and _healthy(port), proc.stderr.read() if proc.poll() is not None else "not healthy"
        assert (tmp_path / "d" / "sealq.sqlite").exists() and (tmp_path / "k" / "x" / "root.key").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_data_directory_keeps_its_account_and_region(tmp_path):
    """Queue and key ARNs, and encrypted messages, name the account and region: another one
    on the same directory is refused at start, not answered with a 500 on every queue."""
    daemon = Daemon(str(tmp_path))
    daemon.start()
    client = make_client(daemon)
    url = client.create_queue(QueueName="bound")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="kept")
    daemon.stop()
    for args in (["--region", "eu-central-1"], ["--account-id", "111122223333"]):
        refused = Daemon(str(tmp_path), port=daemon.port, extra_args=args)
        code, stderr = refused.start_expecting_failure()
        assert code != 0 and "belongs to account 000000000000 in region us-east-1" in stderr, stderr
    daemon.start()
    try:
        assert make_client(daemon).receive_message(QueueUrl=url)["Messages"][0]["Body"] == "kept"
    finally:
        daemon.stop()


def _client_in(daemon, region):
    return boto3.client("sqs", endpoint_url=daemon.url, region_name=region, aws_access_key_id=ADMIN_KEY,
                        aws_secret_access_key=ADMIN_SECRET)


def test_an_installation_from_before_identity_json_keeps_its_account(tmp_path):
    """A data directory from before identity.json (simulated by removing it) is checked against
    the account and region its keys name: an upgrade started without its --account-id is
    refused, instead of recording the wrong account and failing on every encrypted message."""
    daemon = Daemon(str(tmp_path), extra_args=["--account-id", "111122223333", "--region", "eu-west-1"])
    daemon.start()
    client = _client_in(daemon, "eu-west-1")
    url = client.create_queue(QueueName="old")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="from before the upgrade")
    daemon.stop()
    identity = tmp_path / "data" / "identity.json"
    identity.unlink()
    for args in ([], ["--account-id", "111122223333"], ["--region", "eu-west-1"]):
        refused = Daemon(str(tmp_path), port=daemon.port, extra_args=args)
        code, stderr = refused.start_expecting_failure()
        assert code != 0 and "holds keys made for account 111122223333 in region eu-west-1" in stderr, stderr
        assert not identity.exists()
    daemon.start()
    try:
        message = _client_in(daemon, "eu-west-1").receive_message(QueueUrl=url)["Messages"][0]
        assert message["Body"] == "from before the upgrade"
    finally:
        daemon.stop()
    assert json.loads(identity.read_text()) == {"accountId": "111122223333", "region": "eu-west-1"}


def test_a_mistyped_keys_directory_does_not_generate_another_root_key(tmp_path):
    daemon = Daemon(str(tmp_path))
    daemon.start()
    daemon.stop()
    typo = Daemon(str(tmp_path), port=daemon.port, extra_args=["--keys", str(tmp_path / "kyes")])
    code, stderr = typo.start_expecting_failure()
    assert code != 0 and "no root key at" in stderr, stderr
    assert not os.path.exists(tmp_path / "kyes" / "root.key")


def test_a_policies_path_that_is_a_file_is_refused_and_a_missing_one_is_warned_about(tmp_path):
    (tmp_path / "not-a-dir").write_text("{}")
    result = serve(tmp_path, "--port", "1", "--policies", str(tmp_path / "not-a-dir"))
    assert result.returncode != 0 and "not a directory" in result.stderr, result.stderr
    os.makedirs(tmp_path / "fresh")
    daemon = Daemon(str(tmp_path / "fresh"), policies_dir=str(tmp_path / "no-such-policies"))
    daemon.start()
    daemon.stop()
    assert b"does not exist: the admin (AdministratorAccess) is the only principal" in daemon.logs()


def test_fixed_admin_keys_must_be_usable_and_must_not_shadow_a_principal(tmp_path):
    for key_id, secret in (("AKIAX\n[default]", "secret-0000000000"), ("AKIA/SLASHED/KEY00", "secret-0000000000"),
                           ("SHORT", "secret-0000000000"), (ADMIN_KEY, "two words")):
        env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=key_id, SEALQ_ADMIN_SECRET_ACCESS_KEY=secret)
        result = subprocess.run([SEALQ_BIN, "serve", "--port", "1", "--data-dir", str(tmp_path / "data")], env=env,
                                cwd=str(tmp_path), capture_output=True, text=True, timeout=30)
        assert result.returncode != 0 and "SEALQ_ADMIN_" in result.stderr, (key_id, result.stderr)
    policies = write_policies_dir(str(tmp_path / "policies"), {"Users": [{"Name": "partner"}]}, {})
    partner_key, _ = create_access_key("partner", str(tmp_path / "data"), policies)
    daemon = Daemon(str(tmp_path), policies_dir=policies, env={"SEALQ_ADMIN_ACCESS_KEY_ID": partner_key})
    code, stderr = daemon.start_expecting_failure()
    assert code != 0 and "already partner's access key" in stderr, stderr


def test_an_unusable_data_directory_is_named_in_a_sentence(tmp_path):
    (tmp_path / "a-file").write_text("x")
    for data_dir, words in ((tmp_path / "a-file", "is a file, not a directory"),
                            ("/proc/sealq-cannot-be-here", "cannot create the directory")):
        result = subprocess.run([SEALQ_BIN, "serve", "--port", "1", "--data-dir", str(data_dir)], cwd=str(tmp_path),
                                capture_output=True, text=True, timeout=30)
        assert result.returncode != 0 and words in result.stderr and "NSCocoaErrorDomain" not in result.stderr, result.stderr


def _healthy(port, timeout=2):
    """Whether GET /health over a fresh raw connection answers 200 (False when it cannot connect)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def _spawn(tmp_path, *args, prefix=()):
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET)
    port = free_port()
    proc = subprocess.Popen([*prefix, SEALQ_BIN, "serve", "--port", str(port), "--data-dir", str(tmp_path / "data"), *args],
                            env=env, cwd=str(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _healthy(port, timeout=1):
            return proc, port
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("the daemon did not come up")


def _closed_by_server(sock, within):
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def test_idle_and_half_sent_connections_are_closed_and_do_not_hold_up_shutdown(tmp_path):
    proc, port = _spawn(tmp_path, "--idle-timeout", "1")
    try:
        silent = socket.create_connection(("127.0.0.1", port))
        half_headers = socket.create_connection(("127.0.0.1", port))
        half_headers.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        half_body = socket.create_connection(("127.0.0.1", port))
        half_body.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx")
        for sock in (silent, half_headers):
            assert _closed_by_server(sock, within=5), "closed after the idle timeout"
        stuck = socket.create_connection(("127.0.0.1", port))
        stuck.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx")
        proc.terminate()
        assert proc.wait(timeout=10) == 0, "a half-sent body does not hold up a graceful stop"
        for sock in (silent, half_headers, half_body, stuck):
            sock.close()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_body_dripped_byte_by_byte_is_cut_off_and_does_not_hold_up_shutdown(tmp_path):
    """A request must arrive in full within the idle timeout of its head: a client sending one
    byte every 0.5 s (never idle for 2 s) is closed, and a SIGTERM meanwhile still stops the
    daemon within that bound."""
    proc, port = _spawn(tmp_path, "--idle-timeout", "2")
    try:
        drip = socket.create_connection(("127.0.0.1", port))
        drip.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 10 and not closed:
            try:
                drip.sendall(b"x")
            except OSError:
                closed = True
                break
            closed = _closed_by_server(drip, within=0.5)
        assert closed and time.monotonic() - started < 4, "cut off about 2 s after its head"
        drip.close()
        drip = socket.create_connection(("127.0.0.1", port))
        drip.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        proc.terminate()
        stopping = time.monotonic()
        while proc.poll() is None and time.monotonic() - stopping < 10:
            try:
                drip.sendall(b"x")
            except OSError:
                pass
            time.sleep(0.5)
        assert proc.poll() == 0, "stopped within the deadline although the client kept sending"
        drip.close()
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("signal_number,stops", [(signal.SIGHUP, True), (signal.SIGUSR1, False), (signal.SIGUSR2, False)])
def test_other_signals_stop_gracefully_or_are_ignored(tmp_path, signal_number, stops):
    """SIGHUP (a closed terminal) stops the daemon as SIGTERM does, with its last audit
    checkpoint; SIGUSR1 and SIGUSR2, whose default would kill it on the spot, are ignored."""
    proc, port = _spawn(tmp_path)
    try:
        proc.send_signal(signal_number)
        if stops:
            assert proc.wait(timeout=10) == 0
            verify = subprocess.run([SEALQ_BIN, "audit", "verify", "--data-dir", str(tmp_path / "data"), "--unsigned-grace", "0"],
                                    capture_output=True, text=True, timeout=60)
            assert verify.returncode == 0, verify.stdout + verify.stderr
        else:
            time.sleep(1)
            assert proc.poll() is None and _healthy(port)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


def test_a_connection_flood_is_refused_at_the_door_and_the_daemon_survives(tmp_path):
    """With a hard limit of 512 descriptors the daemon keeps connections 256 below it: a flood
    of 400 silent connections gets some closed at once, and the daemon keeps running."""
    proc, port = _spawn(tmp_path, prefix=("prlimit", "--nofile=512:512"))
    flood = []
    try:
        for _ in range(400):
            flood.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(1)
        refused = sum(_closed_by_server(sock, within=0.05) for sock in flood)
        assert refused >= 400 - 256, refused
        assert proc.poll() is None, "still running"
    finally:
        for sock in flood:
            sock.close()
    try:
        deadline = time.monotonic() + 10
        while not _healthy(port):
            assert time.monotonic() < deadline, "serves again once the flood is gone"
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_under_a_tiny_descriptor_limit_excess_connections_are_refused_without_busying_the_daemon(tmp_path):
    """With 64 descriptors in all, the daemon admits a quarter of them as connections: a flood
    of 100 is refused at the door rather than exhausting descriptors (where accepts fail over
    and over, a core spins, and new clients hang), and the admitted ones keep working."""
    proc, port = _spawn(tmp_path, prefix=("prlimit", "--nofile=64:64"))
    flood = []
    try:
        first = socket.create_connection(("127.0.0.1", port))
        for _ in range(100):
            flood.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(1)
        ticks = lambda: sum(int(x) for x in open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()[11:13])
        before = ticks()
        time.sleep(2)
        busy = (ticks() - before) / os.sysconf("SC_CLK_TCK") / 2
        assert busy < 0.3, f"the daemon used {busy:.0%} of a core while the flood waited"
        first.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        first.settimeout(5)
        assert b"200" in first.recv(1024).split(b"\r\n")[0], "an admitted connection is still served"
        assert sum(_closed_by_server(sock, within=0.05) for sock in flood) >= 100 - 16
        assert proc.poll() is None
    finally:
        for sock in flood:
            sock.close()
        proc.terminate()
        proc.wait(timeout=30)


def test_a_database_from_a_newer_sealq_is_refused(tmp_path):
    """A database migrated by a newer SealQ (an unknown migration applied) is refused at start,
    named as such, and left as it was: an older binary would misread what the newer one wrote."""
    import sqlite3
    daemon = Daemon(str(tmp_path))
    daemon.start()
    daemon.stop()
    path = os.path.join(daemon.data_dir, "sealq.sqlite")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
    def schema():
        with sqlite3.connect(path) as db:
            return db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    before = schema()
    code, stderr = daemon.start_expecting_failure()
    assert code != 0 and "written by a newer SealQ" in stderr and "v99-from-the-future" in stderr, stderr
    assert schema() == before
    # The offline tools that read the file refuse it too.
    for tool in (["audit", "verify"], ["audit", "export", str(tmp_path / "exported")], ["audit", "lookup"]):
        p = subprocess.run([SEALQ_BIN, *tool, "--data-dir", daemon.data_dir], capture_output=True, text=True, timeout=60)
        assert p.returncode != 0 and "written by a newer SealQ" in p.stdout + p.stderr, (tool, p.stdout, p.stderr)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM grdb_migrations WHERE identifier = 'v99-from-the-future'")
    daemon.start()
    daemon.stop()


def _set_up_once(tmp_path):
    """A data directory after one start that used principals' keys, KMS and the audit log."""
    policies = write_policies_dir(str(tmp_path / "policies"), {"Users": [{"Name": "app", "Policies": ["all"]}]},
                                  {"all": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}})
    daemon = Daemon(str(tmp_path), policies_dir=policies)
    create_access_key("app", daemon.data_dir, policies)
    daemon.start()
    make_client(daemon).create_queue(QueueName="kept")
    time.sleep(1.5)  # the audit log signs a checkpoint every second
    daemon.stop()
    return daemon


def _directory_instead(path):
    os.remove(path)
    os.mkdir(path)


@pytest.mark.parametrize("name,damage,says", [
    ("audit-signing.key", os.remove, "audit-signing.key is missing, but the audit log already holds events"),
    ("audit-signing.key", _directory_instead, "cannot read"),
    ("access-keys.key", os.remove, "access-keys.key is missing, but"),
    ("access-keys.key", _directory_instead, "cannot read"),
    ("receipt-handle.key", lambda p: open(p, "wb").close(), "receipt-handle.key holds 0 bytes, not 32"),
    ("receipt-handle.key", os.remove, "receipt-handle.key is missing, but"),
    ("root-key.check", os.remove, "root-key.check is missing, but the data directory holds keys"),
    ("sealq.sqlite", os.remove, "sealq.sqlite is missing"),
])
def test_a_lost_or_unreadable_file_of_a_set_up_directory_is_refused_not_replaced(tmp_path, name, damage, says):
    """A secret file that is missing (or cannot be read) after the directory was set up is not
    made anew: a new one would make what the old one protected unreadable (principals' secrets,
    earlier audit checkpoints, receipt handles) or stand an empty database in for the real one."""
    daemon = _set_up_once(tmp_path)
    path = os.path.join(daemon.data_dir, name)
    damage(path)
    before = sorted(os.listdir(daemon.data_dir))
    code, stderr = daemon.start_expecting_failure()
    assert code != 0 and says in stderr, stderr
    after = sorted(os.listdir(daemon.data_dir))
    made = [f for f in after if f not in before and not f.endswith((".lock", "-wal", "-shm"))]
    assert made == [], "nothing is made in place of what was lost"
    if name == "receipt-handle.key" and damage is not os.remove:
        assert os.path.getsize(path) == 0, "the damaged file is left as it was"


def test_lost_admin_credentials_of_a_set_up_directory_are_refused_not_replaced(tmp_path):
    """Without SEALQ_ADMIN_*, the admin's keys live in DATA/admin-credentials. Once the directory
    is set up, a missing or garbled file stops the start (new keys would lock out whatever holds
    the old ones); the variables choose keys again. Set but empty, they are refused."""
    generated = Daemon(str(tmp_path), env={"SEALQ_ADMIN_ACCESS_KEY_ID": None, "SEALQ_ADMIN_SECRET_ACCESS_KEY": None})
    generated.start()
    generated.stop()
    path = os.path.join(generated.data_dir, "admin-credentials")
    first = open(path).read()
    os.remove(path)
    code, stderr = generated.start_expecting_failure()
    assert code != 0 and "admin-credentials is missing or cannot be read, but the data directory was set up with it" in stderr, stderr
    assert not os.path.exists(path), "no new keys are made"
    with open(path, "w") as f:
        f.write("garbage\n")
    code, stderr = generated.start_expecting_failure()
    assert code != 0 and "holds no aws_access_key_id" in stderr, stderr
    # Putting the file back starts with the same keys.
    with open(path, "w") as f:
        f.write(first)
    generated.start()
    generated.stop()
    assert open(path).read() == first
    # Empty variables are refused, as every other SEALQ_* variable set but empty is.
    for variable in ("SEALQ_ADMIN_ACCESS_KEY_ID", "SEALQ_ADMIN_SECRET_ACCESS_KEY"):
        empty = Daemon(str(tmp_path / variable), env={variable: ""})
        code, stderr = empty.start_expecting_failure()
        assert code != 0 and f"{variable} is set but empty" in stderr, stderr


def test_no_new_audit_signing_key_is_made_for_a_log_that_holds_events(tmp_path):
    """Removing both audit key files and the signed checkpoints (an insider rewriting the log)
    must not get the log signed afresh under a new key: the log holds events, so the start is
    refused."""
    daemon = _set_up_once(tmp_path)
    db = sqlite3.connect(os.path.join(daemon.data_dir, "sealq.sqlite"))
    db.execute("DROP TRIGGER audit_checkpoints_no_delete")
    db.execute("DELETE FROM audit_checkpoints")
    db.commit()
    db.close()
    for name in ("audit-signing.key", "audit-public.key"):
        os.remove(os.path.join(daemon.data_dir, name))
    code, stderr = daemon.start_expecting_failure()
    assert code != 0 and "audit-signing.key is missing, but the audit log already holds events" in stderr, stderr
    assert not os.path.exists(os.path.join(daemon.data_dir, "audit-signing.key"))


def test_removing_the_lock_file_does_not_let_a_second_daemon_in(tmp_path):
    """The data directory itself is locked too, so deleting sealq.lock (a stale-lock cleanup)
    while a daemon runs does not let another one start on the same directory."""
    first = Daemon(str(tmp_path))
    first.start()
    try:
        os.remove(os.path.join(first.data_dir, "sealq.lock"))
        second = Daemon(str(tmp_path), port=free_port())
        code, stderr = second.start_expecting_failure()
        assert code != 0 and "another sealq process is using" in stderr, stderr
    finally:
        first.stop()


def test_a_reader_of_the_database_does_not_stop_a_start(tmp_path):
    """A backup or an sqlite3 shell holding a read transaction open does not keep the daemon
    from starting (the log truncation at start waits for it in the background)."""
    import sqlite3
    daemon = Daemon(str(tmp_path))
    daemon.start()
    make_client(daemon).create_queue(QueueName="read-while-starting")
    daemon.kill()
    reader = sqlite3.connect(os.path.join(daemon.data_dir, "sealq.sqlite"), isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM queues").fetchone()[0] == 1
        daemon.start()
        assert make_client(daemon).get_queue_url(QueueName="read-while-starting")["QueueUrl"]
    finally:
        reader.execute("COMMIT")
        reader.close()
        daemon.stop()


def test_a_reader_of_the_database_does_not_hold_up_a_shutdown(tmp_path):
    """SIGTERM with a read transaction open on the database (a backup, an sqlite3 shell) stops
    within seconds, leaving the log to the next start, instead of retrying its truncation for
    minutes; the next start has everything."""
    import sqlite3
    daemon = Daemon(str(tmp_path))
    daemon.start()
    url = make_client(daemon).create_queue(QueueName="kept-through-a-reader")["QueueUrl"]
    make_client(daemon).send_message(QueueUrl=url, MessageBody="still here")
    reader = sqlite3.connect(os.path.join(daemon.data_dir, "sealq.sqlite"), isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM queues").fetchone()[0] == 1
        started = time.monotonic()
        daemon.proc.send_signal(signal.SIGTERM)
        daemon.proc.wait(timeout=30)
        assert time.monotonic() - started < 10, "shutdown waited on the reader"
    finally:
        reader.execute("COMMIT")
        reader.close()
    daemon.start()
    try:
        got = make_client(daemon).receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        assert [m["Body"] for m in got] == ["still here"]
    finally:
        daemon.stop()


def test_a_daemon_started_under_nohup_keeps_running_through_a_hangup(tmp_path):
    """Started ignoring SIGHUP (`nohup`), the daemon keeps ignoring it, as daemons do."""
    proc, port = _spawn(tmp_path, prefix=("nohup",))
    try:
        proc.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert proc.poll() is None and _healthy(port), "still running after SIGHUP"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_io_threads_sizes_the_event_loop_group(tmp_path):
    """--io-threads (or SEALQ_IO_THREADS) sets the event-loop threads; the default is one per
    core; 0 is refused."""
    def loops(proc):
        names = [open(f"/proc/{proc.pid}/task/{t}/comm").read().strip() for t in os.listdir(f"/proc/{proc.pid}/task")]
        return sum(name.startswith("NIO-SGLTN") for name in names)
    for args, env, expected in ((["--io-threads", "3"], {}, 3), ([], {"SEALQ_IO_THREADS": "2"}, 2), ([], {}, os.cpu_count())):
        os.environ.update(env)
        try:
            proc, port = _spawn(tmp_path, *args)
        finally:
            for key in env:
                del os.environ[key]
        try:
            assert loops(proc) == expected, (args, env)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    refused = subprocess.run([SEALQ_BIN, "serve", "--io-threads", "0", "--data-dir", str(tmp_path / "data")],
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0 and "--io-threads must be 1 to 256" in refused.stderr


@pytest.mark.parametrize("args,env", [
    (["--audit-retention-days", "inf"], {}),
    (["--audit-retention-days", "1e12"], {}),
    (["--audit-retention-days", "36501"], {}),
    ([], {"SEALQ_AUDIT_RETENTION_DAYS": "1e300"}),
])
def test_a_retention_too_long_to_count_is_refused_not_a_crash(tmp_path, args, env):
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET, **env)
    result = subprocess.run([SEALQ_BIN, "serve", "--data-dir", str(tmp_path / "data"), "--port", "1", *args], env=env,
                            cwd=str(tmp_path), capture_output=True, text=True, timeout=30)
    assert result.returncode == 64, (result.returncode, result.stderr)
    assert "at most 36500" in result.stderr


@pytest.mark.parametrize("seconds", ["0", "86401", "9223372036854775807"])
def test_a_kms_deletion_day_longer_than_a_day_is_refused(tmp_path, seconds):
    result = serve(tmp_path, "--port", "1", "--kms-deletion-day-seconds", seconds)
    assert result.returncode == 64, (result.returncode, result.stderr)
    assert "1 to 86400" in result.stderr


def test_a_start_puts_loosened_secret_files_back_to_owner_only_and_says_so(tmp_path):
    """As the database: admin-credentials, receipt-handle.key, audit-signing.key and
    access-keys.key opened to others by a chmod or a restore are made 0600 again, with a warning."""
    daemon = Daemon(str(tmp_path))
    daemon.start()
    daemon.stop()
    subprocess.run([SEALQ_BIN, "principals", "create-access-key", "admin", "--data-dir", daemon.data_dir],
                   capture_output=True, check=True, cwd=str(tmp_path))
    names = ["admin-credentials", "receipt-handle.key", "audit-signing.key", "access-keys.key", "access-keys.json"]
    for name in names:
        os.chmod(os.path.join(daemon.data_dir, name), 0o644)
    daemon.start()
    daemon.stop()
    for name in names:
        path = os.path.join(daemon.data_dir, name)
        assert os.stat(path).st_mode & 0o777 == 0o600, name
        assert f"{path} was open to others (mode 644)".encode() in daemon.logs(), name


def test_a_data_directory_others_may_write_is_narrowed_and_no_planted_link_is_written_through(tmp_path):
    """A data directory made 0777 by hand was kept so, and secret files were written through a
    predictable temporary name opened without O_EXCL|O_NOFOLLOW: a link planted there made the
    daemon overwrite (and chmod) the file it pointed to, and put the link in the checkpoint's place."""
    daemon = Daemon(str(tmp_path))
    os.chmod(daemon.data_dir, 0o777)
    os.chmod(tmp_path, 0o777)
    (tmp_path / "policies").mkdir(mode=0o777)
    os.chmod(tmp_path / "policies", 0o777)
    daemon.policies_dir = str(tmp_path / "policies")
    daemon.start()
    try:
        assert os.stat(daemon.data_dir).st_mode & 0o777 == 0o755
        logs = daemon.logs()
        assert f"{daemon.data_dir} could be written by others (mode 777): made writable by its owner alone (mode 755)".encode() in logs, logs[-2000:]
        assert b"policies directory" in logs and b"may be written by others" in logs, logs[-2000:]
        victim = tmp_path / "victim"
        victim.write_text("the operator's file\n")
        os.chmod(victim, 0o644)
        planted = os.path.join(daemon.data_dir, f"audit-checkpoint.json.{daemon.proc.pid}.tmp")
        os.symlink(victim, planted)
        make_client(daemon).create_queue(QueueName="checkpointed")
    finally:
        daemon.stop()
    assert victim.read_text() == "the operator's file\n" and os.stat(victim).st_mode & 0o777 == 0o644
    checkpoint = os.path.join(daemon.data_dir, "audit-checkpoint.json")
    assert not os.path.islink(checkpoint) and json.load(open(checkpoint))["treeSize"] > 0
    assert not os.path.lexists(planted)
    # One others may only read (mkdir's usual 755) is left as it is, without a word.
    os.chmod(daemon.data_dir, 0o755)
    daemon.start()
    daemon.stop()
    assert os.stat(daemon.data_dir).st_mode & 0o777 == 0o755
    assert daemon.logs().count(b"could be written by others") == 1, "only the first start's"
    # Opened to others once it holds files, it is narrowed and the start refused: anyone could
    # have put an admin-credentials of their own there.
    os.chmod(daemon.data_dir, 0o777)
    code, stderr = daemon.start_expecting_failure()
    assert code != 0 and "check its files, then run again" in stderr, stderr
    assert os.stat(daemon.data_dir).st_mode & 0o777 == 0o755
    daemon.start()
    daemon.stop()


def test_directories_and_root_key_of_another_user_are_refused(tmp_path):
    """A data directory, an audit archive directory or a root key file belonging to another
    user was trusted: its owner could plant admin-credentials (whose keys then answered as the
    admin), archive digests, or a root key of their choosing."""
    nobody = 65534
    cases = []
    data = tmp_path / "theirs" / "data"
    data.mkdir(parents=True, mode=0o700)
    os.chown(data, nobody, nobody)
    cases.append((Daemon(str(tmp_path / "theirs")), str(data)))
    archive = tmp_path / "archive-theirs"
    archive.mkdir(mode=0o700)
    os.chown(archive, nobody, nobody)
    cases.append((Daemon(str(tmp_path / "mine"), extra_args=["--audit-archive-dir", str(archive)]), str(archive)))
    key = tmp_path / "root.key"
    key.write_bytes(bytes(32))
    os.chmod(key, 0o600)
    os.chown(key, nobody, nobody)
    cases.append((Daemon(str(tmp_path / "keyed"), extra_args=["--root-key-file", str(key)]), str(key)))
    for daemon, path in cases:
        code, stderr = daemon.start_expecting_failure()
        assert code != 0 and path in stderr and ("another user" in stderr or "must belong to the user" in stderr), (path, stderr)
    assert os.listdir(data) == [], "nothing written into their directory"


def test_a_shared_directory_writable_by_others_is_refused_as_data_directory(tmp_path):
    """A sticky, world-writable directory (such as /tmp) is not narrowed: others could put
    files there in place of the daemon's, so the start is refused."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    daemon = Daemon(str(tmp_path))
    daemon.data_dir = str(shared)
    code, stderr = daemon.start_expecting_failure()
    assert code != 0 and "may be written by others (mode 1777)" in stderr, stderr
    assert os.stat(shared).st_mode & 0o7777 == 0o1777
    assert os.listdir(shared) == []


_DUPLICATE_CONDITION_POLICY = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":'
                               '"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny",'
                               '"Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":'
                               '{"aws:username":"producer"},"StringEquals":{"aws:username":"consumer"}}}]}')


@pytest.mark.parametrize("text,says", [
    ('{"Alias": "alias/x",}', "not valid JSON"),
    ('{"Alias": "alias/x", "Alias": "alias/y"}', "member Alias is given twice"),
    ('{"Alias": "alias/p", "Policy": ' + _DUPLICATE_CONDITION_POLICY + '}', "member StringEquals is given twice"),
    ('{"Alias": "alias/x", "Rotation": {"Enabled": 1}}', "Rotation.Enabled must be true or false"),
    ('{"Alias": "alias/x", "Description": "' + "a" * 8193 + '"}', "Description must be at most 8192"),
], ids=["trailing-comma", "repeated-member", "repeated-policy-member", "enabled-1", "description-8193"])
def test_a_key_definition_is_read_as_strictly_as_a_request(tmp_path, text, says):
    """keys/*.json went through a lenient JSON reader: a trailing comma or a repeated member was
    accepted (one copy silently dropped), 1 was taken for true, an over-long Description kept."""
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "k.json").write_text(text)
    root_key = tmp_path / "root.key"
    root_key.write_bytes(os.urandom(32))
    os.chmod(root_key, 0o600)
    result = serve(tmp_path, "--port", "1", "--keys", str(keys), "--root-key-file", str(root_key))
    assert result.returncode != 0, result.stderr
    assert f"{keys}/k.json" in result.stderr and says in result.stderr, result.stderr


def test_a_refused_setting_shows_the_serve_usage_not_the_root_one(tmp_path):
    result = serve(tmp_path, "--port", "1", "--kms-deletion-day-seconds", "0")
    assert result.returncode == 64
    assert "Usage: sealq serve" in result.stderr and "sealq <subcommand>" not in result.stderr, result.stderr
    assert "See 'sealq serve --help'" in result.stderr


@pytest.mark.parametrize("variable", ["SEALQ_HOST", "SEALQ_DATA_DIR", "SEALQ_KEYS", "SEALQ_POLICIES", "SEALQ_ROOT_KEY_FILE"])
def test_a_setting_set_but_empty_is_refused(tmp_path, variable):
    """An empty variable is more likely an unset shell variable than a choice; it used to fail
    later and obscurely ("cannot create the directory  (…)") or be taken as given."""
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET)
    env[variable] = ""
    result = subprocess.run([SEALQ_BIN, "serve", "--port", "1"], env=env, cwd=str(tmp_path), capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 64, (result.returncode, result.stderr)
    assert f"(or {variable}) is set but empty" in result.stderr
    assert not os.path.exists(tmp_path / "data")


def test_a_bind_failure_is_told_in_words(tmp_path):
    # 192.0.2.1 (TEST-NET-1) is no address of this host.
    result = serve(tmp_path, "--host", "192.0.2.1", "--port", str(free_port()))
    assert result.returncode != 0
    assert "cannot listen on 192.0.2.1:" in result.stderr and "Cannot assign requested address" in result.stderr, result.stderr
    assert "errno" not in result.stderr and "bind(descriptor" not in result.stderr


def test_log_level_help_and_refusal_list_every_level(tmp_path):
    levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    help_text = subprocess.run([SEALQ_BIN, "serve", "--help"], capture_output=True, text=True, timeout=30).stdout
    assert ", ".join(levels) in " ".join(help_text.split()), help_text
    result = serve(tmp_path, "--port", "1", "--log-level", "loud")
    assert result.returncode == 64 and ", ".join(levels) in result.stderr, result.stderr


@pytest.mark.parametrize("command,says", [
    (["serve", "--port", "-1"], "port number"),
    (["serve", "--port", "1", "--io-threads", "-2"], "1 to 256"),
    (["serve", "--port", "1", "--idle-timeout", "-5"], "1 to 3600"),
    (["serve", "--port", "1", "--audit-retention-days", "-1"], "more than 0"),
    (["serve", "--port", "1", "--kms-deletion-day-seconds", "-1"], "1 to 86400"),
    (["audit", "verify", "--unsigned-grace", "-1"], "0 or more"),
    (["audit", "lookup", "--max-results", "-3"], "at least 1"),
    (["bench", "--connections", "-4", "--scenario", "health", "--endpoint", "http://127.0.0.1:1"], "connections must be at least 1"),
])
def test_a_negative_number_is_refused_for_its_range_not_taken_for_a_flag(tmp_path, command, says):
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET)
    result = subprocess.run([SEALQ_BIN, *command, "--data-dir", str(tmp_path / "data")], env=env, cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0, result.stderr
    assert "Missing value" not in result.stderr and says in result.stderr, result.stderr


def _signed_sqs_bytes(port, action, members):
    """The raw bytes of an AWS JSON 1.0 SQS call signed as botocore signs it."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    body = json.dumps(members).encode()
    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AmazonSQS.{action}"})
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", "us-east-1").add_auth(request)
    prepared = request.prepare()
    head = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in prepared.headers.items() if name.lower() != "content-length")
    return (head + "\r\n").encode() + body


def _responses(sock, count, timeout):
    """Reads `count` HTTP responses (status codes and bodies) from `sock`, which has answers with Content-Length."""
    sock.settimeout(timeout)
    reader = sock.makefile("rb")
    answers = []
    for _ in range(count):
        status = int(reader.readline().split()[1])
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        answers.append((status, reader.read(length)))
    return answers


@pytest.mark.parametrize("option", ["Close", "CLOSE", "keep-alive, close", "close, TE"])
def test_a_close_option_in_any_case_or_list_ends_the_connection_after_the_answer(tmp_path, option):
    """RFC 9112, section 9.6: a server that receives a "close" connection option MUST close the
    connection after its final response; options are case-insensitive (RFC 9110, section 7.6.1).
    Only exact lowercase `close` did; the rest waited for the idle timeout."""
    proc, port = _spawn(tmp_path)
    try:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(f"GET /health HTTP/1.1\r\nHost: x\r\nConnection: {option}\r\n\r\n".encode())
            data = b""
            sock.settimeout(3)
            while chunk := sock.recv(65536):
                data += chunk
            assert data.startswith(b"HTTP/1.1 200") and b"connection: close" in data.lower(), data[:300]
    finally:
        proc.kill()
        proc.wait()


def test_an_http10_client_gets_no_100_continue(tmp_path):
    """RFC 9110, section 15.2: "A server MUST NOT send a 1xx response to an HTTP/1.0 client";
    such a client sends its body at once and reads the first answer as the final one."""
    proc, port = _spawn(tmp_path)
    try:
        body = b"Action=ListQueues&Version=2012-11-05"
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"POST / HTTP/1.0\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                         b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        assert data.startswith(b"HTTP/1.1 403") and b"MissingAuthenticationToken" in data, data[:300]
        assert b" 100 " not in data.split(b"\r\n")[0]
    finally:
        proc.kill()
        proc.wait()


def test_a_body_refused_before_it_was_sent_ends_the_connection(tmp_path):
    """RFC 9110, section 10.1.1: a final answer before the body SHOULD say whether the server
    will close or read on. The body a client was never asked for (no 100 Continue) never comes:
    the 413 says Connection: close and the connection ends, where it used to wait 30 s and then
    read the client's next request as that body."""
    proc, port = _spawn(tmp_path)
    try:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
                         b"X-Amz-Target: AmazonSQS.ListQueues\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n")
            started, data = time.monotonic(), b""
            sock.settimeout(5)
            while chunk := sock.recv(65536):
                data += chunk
            assert data.startswith(b"HTTP/1.1 413") and b"connection: close" in data.lower(), data[:300]
            assert time.monotonic() - started < 3
    finally:
        proc.kill()
        proc.wait()


def test_a_client_that_stops_reading_its_answer_is_closed_after_the_idle_timeout(tmp_path):
    """The idle timeout did not run while an answer was being written: a consumer that stopped
    reading held its connection (and the unsent answers) for good. Four receives of 2.5 MB each
    are more than the kernel's socket buffers take, so the daemon is left holding the rest."""
    proc, port = _spawn(tmp_path, "--idle-timeout", "2")
    try:
        sqs = boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                           aws_access_key_id=ADMIN_KEY, aws_secret_access_key=ADMIN_SECRET)
        url = sqs.create_queue(QueueName="stalled")["QueueUrl"]
        for index in range(40):
            sqs.send_message(QueueUrl=url, MessageBody=str(index % 10) * 250_000)
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", port))
            sock.sendall(_signed_sqs_bytes(port, "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10}) * 4)
            time.sleep(6)
            received, sock_closed = 0, False
            sock.settimeout(3)
            try:
                while chunk := sock.recv(1 << 20):
                    received += len(chunk)
                sock_closed = True
            except (ConnectionResetError, socket.timeout) as error:
                sock_closed = isinstance(error, ConnectionResetError)
        assert sock_closed and received < 10_000_000, (sock_closed, received)
        assert _healthy(port)
    finally:
        proc.kill()
        proc.wait()


def test_a_request_pipelined_behind_a_long_poll_gets_the_whole_idle_timeout_once_it_is_read(tmp_path):
    """A request's deadline counts from when the daemon starts reading it: one pipelined behind
    a long poll longer than --idle-timeout was cut off, and the long poll with it."""
    proc, port = _spawn(tmp_path, "--idle-timeout", "3")
    try:
        sqs = boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                           aws_access_key_id=ADMIN_KEY, aws_secret_access_key=ADMIN_SECRET)
        url = sqs.create_queue(QueueName="pipelined")["QueueUrl"]
        poll = _signed_sqs_bytes(port, "ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 6})
        send = _signed_sqs_bytes(port, "SendMessage", {"QueueUrl": url, "MessageBody": "b" * 900_000})
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(poll + send)
            answers = _responses(sock, 2, timeout=20)
        assert [status for status, _ in answers] == [200, 200], answers
        assert "MessageId" in json.loads(answers[1][1])
        assert len(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]) == 1
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("command,env,says", [
    (["serve", "--port", "1", "--audit-archive-layout", "s3"], {}, "must be flat or cloudtrail"),
    (["serve", "--port", "1"], {"SEALQ_AUDIT_ARCHIVE_LAYOUT": "CloudTrail"}, "must be flat or cloudtrail"),
    (["audit", "export", "out", "--layout", "s3"], {}, "flat"),
])
def test_an_unknown_archive_layout_is_refused_by_name(tmp_path, command, env, says):
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET, **env)
    result = subprocess.run([SEALQ_BIN, *command, "--data-dir", str(tmp_path / "data")], env=env, cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and says in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
