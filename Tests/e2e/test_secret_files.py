"""The secret files of a data directory are written durably: each is flushed to disk under a
temporary name, renamed over its place, and the rename flushed with its directory, so a crash
or power loss leaves the old file or the new one, never a part or none (a lost root key would
leave every encrypted message unreadable). Checked by tracing the system calls of a first start."""

import os
import re
import shutil
import signal
import subprocess
import time

import pytest
import requests

from conftest import SEALQ_BIN, free_port

SECRET_FILES = {"root.key", "root-key.check", "identity.json", "access-keys.key", "admin-credentials",
                "receipt-handle.key", "audit-signing.key"}


def strace_usable():
    if shutil.which("strace") is None:
        return False
    return subprocess.run(["strace", "-qq", "-o", os.devnull, "true"]).returncode == 0


@pytest.mark.skipif(not strace_usable(), reason="strace is missing, or this machine refuses ptrace")
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

    calls = []  # (call, paths) in the order they were made
    for line in trace.read_text().splitlines():
        fsync = re.match(r"\d+ fsync\(\d+<(.*)>\)", line)
        rename = re.match(r'\d+ rename\("(.*)", "(.*)"\)', line)
        if fsync:
            calls.append(("fsync", os.path.realpath(fsync.group(1))))
        elif rename:
            calls.append(("rename", (os.path.realpath(rename.group(1)), os.path.realpath(rename.group(2)))))
    renamed = {}
    for index, (call, paths) in enumerate(calls):
        if call == "rename" and os.path.basename(paths[1]) in SECRET_FILES:
            renamed[os.path.basename(paths[1])] = index
    assert set(renamed) == SECRET_FILES, f"written otherwise: {SECRET_FILES - set(renamed)}"
    for name, index in renamed.items():
        temporary, target = calls[index][1]
        assert temporary.startswith(target + "."), (name, temporary)
        assert ("fsync", temporary) in calls[:index], f"{name}: renamed into place before it was on disk"
        assert ("fsync", os.path.dirname(target)) in calls[index + 1:], f"{name}: its rename was not flushed"
    for name in SECRET_FILES:
        folder = keys if name == "root.key" else data
        assert oct(os.stat(folder / name).st_mode & 0o777) == "0o600", name
    assert not [f for f in os.listdir(data) + os.listdir(keys) if f.endswith(".tmp") or "nosync" in f]
