"""Files that must survive a crash or power loss are written durably: each is flushed to disk
under a temporary name, renamed over its place, and the rename flushed with its directory, so
the old file or the new one remains, never a part or none. The secret files of a data directory
(a lost root key would leave every encrypted message unreadable) and the audit export files (the
daemon removes archived events from the database once they are exported). Checked by tracing
the system calls with strace."""

import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest
import requests

from conftest import SEALQ_BIN, Daemon, free_port, make_client

SECRET_FILES = {"root.key", "root-key.check", "identity.json", "access-keys.key", "admin-credentials",
                "receipt-handle.key", "audit-signing.key"}


def strace_usable():
    if shutil.which("strace") is None:
        return False
    return subprocess.run(["strace", "-qq", "-o", os.devnull, "true"]).returncode == 0


def traced_calls(trace):
    """The fsync and rename calls of an strace log, in order: ("fsync", path) and
    ("rename", (from, to)), paths resolved."""
    calls = []
    for line in trace.read_text().splitlines():
        fsync = re.match(r"\d+\s+fsync\(\d+<(.*)>\)", line)
        rename = re.match(r'\d+\s+rename\("(.*)", "(.*)"\)', line)
        if fsync:
            calls.append(("fsync", os.path.realpath(fsync.group(1))))
        elif rename:
            calls.append(("rename", (os.path.realpath(rename.group(1)), os.path.realpath(rename.group(2)))))
    return calls


def assert_written_durably(calls, index, name):
    """The rename at `index` put a file in place that was on disk first, and was flushed."""
    temporary, target = calls[index][1]
    assert temporary.startswith(target + "."), (name, temporary)
    assert ("fsync", temporary) in calls[:index], f"{name}: renamed into place before it was on disk"
    assert ("fsync", os.path.dirname(target)) in calls[index + 1:], f"{name}: its rename was not flushed"


needs_strace = pytest.mark.skipif(not strace_usable(), reason="strace is missing, or this machine refuses ptrace")


@needs_strace
def test_a_first_start_flushes_each_secret_file_before_and_after_its_rename(tmp_path):
    data, keys, trace = tmp_path / "data", tmp_path / "keys", tmp_path / "trace"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEALQ_")}
    tracer = subprocess.Popen(
        ["strace", "-f", "-y", "-qq", "-e", "trace=fsync,rename", "-o", str(trace),
         SEALQ_BIN, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data),
         "--keys", str(keys), "--policies", str(tmp_path / "policies")],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    daemon = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert tracer.poll() is None, "sealq exited during its first start under strace"
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("sealq did not become healthy under strace within 60 s")
        children = open(f"/proc/{tracer.pid}/task/{tracer.pid}/children").read().split()
        assert len(children) == 1
        daemon = int(children[0])
    finally:
        if daemon is not None:
            os.kill(daemon, signal.SIGTERM)
        else:
            tracer.kill()
        tracer.wait(timeout=30)

    calls = traced_calls(trace)
    renamed = {}
    for index, (call, paths) in enumerate(calls):
        if call == "rename" and os.path.basename(paths[1]) in SECRET_FILES:
            renamed[os.path.basename(paths[1])] = index
    assert set(renamed) == SECRET_FILES, f"written otherwise: {SECRET_FILES - set(renamed)}"
    for name, index in renamed.items():
        assert_written_durably(calls, index, name)
    for name in SECRET_FILES:
        folder = keys if name == "root.key" else data
        assert oct(os.stat(folder / name).st_mode & 0o777) == "0o600", name
    assert not [f for f in os.listdir(data) + os.listdir(keys) if f.endswith(".tmp") or "nosync" in f]


@needs_strace
@pytest.mark.parametrize("layout", ["flat", "cloudtrail"])
def test_audit_export_files_are_on_disk_before_they_count_as_exported(tmp_path, layout):
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName="exported")["QueueUrl"]
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    assert d.stop()
    out, trace = tmp_path / "export", tmp_path / "trace"
    p = subprocess.run(
        ["strace", "-f", "-y", "-qq", "-e", "trace=fsync,rename", "-o", str(trace),
         SEALQ_BIN, "audit", "export", str(out), "--data-dir", d.data_dir, "--layout", layout],
        capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "Exported" in p.stdout, p.stdout + p.stderr
    digests = sorted(f for f in os.listdir(out) if f.endswith(".digest.json"))
    files = digests + [json.loads((out / name).read_text())["file"] for name in digests]
    assert digests and all(f.endswith(".json.gz") for f in files[len(digests):])
    calls = traced_calls(trace)
    for name in files:
        index = next(i for i, (call, paths) in enumerate(calls) if call == "rename" and paths[1] == os.path.realpath(out / name))
        assert_written_durably(calls, index, name)
        if name.endswith(".digest.json"):
            records = os.path.realpath(out / json.loads((out / name).read_text())["file"])
            written = next(i for i, (call, paths) in enumerate(calls) if call == "rename" and paths[1] == records)
            assert written < index, f"{name} was written before the records it describes"
            # Each folder made for the records file was flushed into its parent before it.
            folder = os.path.dirname(records)
            while folder != os.path.realpath(out):
                assert ("fsync", os.path.dirname(folder)) in calls[:written], f"{folder} was not flushed into its parent"
                folder = os.path.dirname(folder)


def test_an_export_killed_mid_write_leaves_nothing_that_fails_verify(tmp_path):
    """A temporary file left by an export killed before its rename is not part of the export:
    verify passes over it, and the next export removes it."""
    d = Daemon(str(tmp_path))
    d.start()
    make_client(d).create_queue(QueueName="exported")
    assert d.stop()
    out = tmp_path / "export"
    assert subprocess.run([SEALQ_BIN, "audit", "export", str(out), "--data-dir", d.data_dir], timeout=120).returncode == 0
    records = sorted(f for f in os.listdir(out) if f.endswith(".json.gz"))
    stale = out / (records[0] + ".99999.tmp")
    stale.write_bytes(b"\x1f\x8b partial")
    key = subprocess.run([SEALQ_BIN, "audit", "public-key", "--data-dir", d.data_dir], capture_output=True, text=True).stdout.strip()
    p = subprocess.run([SEALQ_BIN, "audit", "verify", "--export", str(out), "--public-key", key], capture_output=True, text=True)
    assert p.returncode == 0 and "sound" in p.stdout, p.stdout
    assert subprocess.run([SEALQ_BIN, "audit", "export", str(out), "--data-dir", d.data_dir], timeout=120).returncode == 0
    assert not stale.exists()
