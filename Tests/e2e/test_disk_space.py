"""A nearly full disk: sends are refused with ServiceUnavailable (503, which SDKs retry with
backoff) before the disk holding the data directory fills, while receives, deletes and every
other call go on, so a full queue can be drained; sends are taken again once the drain has
made room. Without the floor (--min-free-disk-mb 0) a full disk fails calls with
InternalFailure and loses nothing acknowledged.

The tests on a real full disk mount a small tmpfs, which needs root (CAP_SYS_ADMIN); they are
skipped, saying so, where mounting is not allowed. The floor's behaviour is also checked on any
disk by setting it above the disk's free space."""

import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import (
    ADMIN_KEY, ADMIN_SECRET, Daemon, JsonClient, QueryClient, expect_error, make_client, run_sealq, wait_until, xtext,
)

AWS = shutil.which("aws")
# Far above any disk's free space: every send meets the floor.
UNREACHABLE_FLOOR_MB = "1000000000"


def metric(daemon, name):
    """The value of the unlabelled metric `name`, or the sum of its labelled series."""
    text = requests.get(daemon.url + "/metrics", timeout=10).text
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith(name + " ") or line.startswith(name + "{")]
    return sum(values) if values else None


def audit_errors(data_dir, event_name):
    """The errorCode of every audit record of `event_name`, in order."""
    db = sqlite3.connect(f"file:{data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    try:
        records = [json.loads(r) for (r,) in db.execute("SELECT record FROM audit_records ORDER BY position")]
    finally:
        db.close()
    return [r.get("errorCode") for r in records if r["eventName"] == event_name]


def test_floor_above_free_space_refuses_sends_only(tmp_path):
    d = Daemon(str(tmp_path), env={"SEALQ_MIN_FREE_DISK_MB": UNREACHABLE_FLOOR_MB})
    d.start()
    try:
        # One attempt per call (the suite's clients retry a 503 once), so refusals can be counted.
        sqs = make_client(d, retries={"total_max_attempts": 1})
        url = sqs.create_queue(QueueName="full")["QueueUrl"]
        resp = expect_error(sqs.send_message, "ServiceUnavailable", 503, QueueUrl=url, MessageBody="no room")
        assert "disk" in resp["Error"]["Message"]
        expect_error(sqs.send_message_batch, "ServiceUnavailable", 503, QueueUrl=url,
                     Entries=[{"Id": "a", "MessageBody": "a"}, {"Id": "b", "MessageBody": "b"}])
        # What could never be sent is told so first.
        expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=url, MessageBody="x", DelaySeconds=901)

        # The Query protocol: ErrorResponse naming a server fault.
        status, root = QueryClient(d)("SendMessage", {"QueueUrl": url, "MessageBody": "no room"})
        assert status == 503
        assert xtext(root, "Error/Code") == "ServiceUnavailable"
        assert xtext(root, "Error/Type") == "Receiver"
        # JSON: the legacy code in x-amzn-query-error, a Receiver fault.
        r = JsonClient(d)("SendMessage", {"QueueUrl": url, "MessageBody": "no room"})
        assert r.status_code == 503
        assert r.headers["x-amzn-query-error"] == "ServiceUnavailable;Receiver"
        assert r.json()["__type"].endswith("#ServiceUnavailableException")

        refused = 1 + 2 + 1 + 1
        if AWS is not None:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({"AWS_ACCESS_KEY_ID": ADMIN_KEY, "AWS_SECRET_ACCESS_KEY": ADMIN_SECRET,
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard",
                        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
            p = subprocess.run([AWS, "--endpoint-url", d.url, "sqs", "send-message", "--queue-url", url,
                                "--message-body", "no room"], env=env, capture_output=True, text=True, timeout=60)
            assert p.returncode != 0 and "ServiceUnavailable" in p.stderr, (p.returncode, p.stderr)
            refused += 1

        # Everything that does not add messages goes on.
        assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages") is None
        assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]["ApproximateNumberOfMessages"] == "0"
        sqs.tag_queue(QueueUrl=url, Tags={"team": "ops"})
        other = sqs.create_queue(QueueName="other")["QueueUrl"]
        sqs.purge_queue(QueueUrl=url)

        assert metric(d, "sealq_sends_refused_low_disk_total") == refused
        assert metric(d, "sealq_storage_room_bytes") > 0
        assert "the disk holding the data directory is nearly full" in d.logs().decode()
        sqs.delete_queue(QueueUrl=other)
    finally:
        d.stop()
    # Each refusal is recorded, as any failed call is.
    errors = audit_errors(d.data_dir, "SendMessage")
    assert errors.count("ServiceUnavailable") == refused - 2, errors
    assert audit_errors(d.data_dir, "SendMessageBatch") == ["ServiceUnavailable"]


@pytest.mark.parametrize("value", ["-1", "1000000001", "lots"])
def test_floor_values_out_of_range_are_refused(tmp_path, value):
    code, stderr = Daemon(str(tmp_path), extra_args=["--min-free-disk-mb", value]).start_expecting_failure()
    assert code != 0
    assert "--min-free-disk-mb" in stderr or "SEALQ_MIN_FREE_DISK_MB" in stderr or "lots" in stderr, stderr
    code, stderr = Daemon(str(tmp_path / "env"), env={"SEALQ_MIN_FREE_DISK_MB": value}).start_expecting_failure()
    assert code != 0 and "SEALQ_MIN_FREE_DISK_MB" in stderr, stderr


# --------------------------------------------------------------------------
# A real full disk (tmpfs)
# --------------------------------------------------------------------------

def start_on(small_disk, tmp_path, floor_mb):
    """Starts a daemon whose data directory is on the small disk (its logs stay off it);
    returns it and a client."""
    mount_point, _, daemons = small_disk
    d = Daemon(str(tmp_path / "daemon"), extra_args=["--min-free-disk-mb", floor_mb])
    d.data_dir = str(mount_point / "data")
    os.makedirs(d.data_dir, exist_ok=True)
    daemons.append(d)
    d.start()
    free = shutil.disk_usage(mount_point).free
    assert free > 30 << 20, f"the fresh tmpfs should be nearly empty: {free} bytes free, {data_files(d)}"
    return d, make_client(d)


def data_files(d):
    """The data directory's files and their sizes, and the daemon's last error lines, for
    failure messages."""
    errors = [line for line in d.logs().decode(errors="replace").splitlines() if " error " in line or " warning " in line]
    sizes = {name: os.path.getsize(os.path.join(d.data_dir, name)) for name in sorted(os.listdir(d.data_dir))}
    return f"files {sizes}, {shutil.disk_usage(d.data_dir).free} bytes free, last warnings and errors: {errors[-6:]}"


def send_once_room_is_back(sqs, url, body, timeout):
    """Sends `body` as soon as the daemon takes it (refusals must be ServiceUnavailable)."""
    def sent():
        try:
            sqs.send_message(QueueUrl=url, MessageBody=body)
            return True
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ServiceUnavailable"
            return False
    return wait_until(sent, timeout=timeout, interval=0.5)


@pytest.fixture
def small_disk(tmp_path):
    """A 40 MiB tmpfs mounted at tmp_path/disk; yields (path, remount(size), daemons to stop
    before it is unmounted)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m,mode=0700", "tmpfs", str(mount_point)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    daemons = []

    def remount(size):
        subprocess.run(["mount", "-o", f"remount,size={size}", str(mount_point)], check=True)

    yield mount_point, remount, daemons
    for d in daemons:
        d.stop()
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(sqs, url, body_size=16_384, threads=4, per_thread=4_000):
    """Sends from `threads` threads until each has met 5 refusals in a row; returns the
    acknowledged message ids and every error code met."""
    acked, codes, lock = [], {}, threading.Lock()

    def producer(n):
        refusals = 0
        for i in range(per_thread):
            try:
                mid = sqs.send_message(QueueUrl=url, MessageBody=f"{n}:{i}:" + "x" * body_size)["MessageId"]
                with lock:
                    acked.append(mid)
                refusals = 0
            except ClientError as e:
                code = e.response["Error"]["Code"]
                with lock:
                    codes[code] = codes.get(code, 0) + 1
                refusals += 1
                if refusals >= 5:
                    return
                time.sleep(0.05)

    workers = [threading.Thread(target=producer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    return acked, codes


def drain(sqs, url, consumers=2):
    """Receives and deletes until the queue stays empty; returns (received ids, error codes)."""
    received, codes, lock = [], {}, threading.Lock()

    def consumer():
        empty = 0
        while empty < 3:
            try:
                messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
                if not messages:
                    empty += 1
                    continue
                empty = 0
                out = sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
                with lock:
                    received.extend(m["MessageId"] for m in messages)
                    for failed in out.get("Failed", []):
                        codes[failed["Code"]] = codes.get(failed["Code"], 0) + 1
            except ClientError as e:
                with lock:
                    code = e.response["Error"]["Code"]
                    codes[code] = codes.get(code, 0) + 1
                time.sleep(0.1)

    workers = [threading.Thread(target=consumer) for _ in range(consumers)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    return received, codes


class FreeSpaceWatch:
    """Samples a file system's free space every 5 ms while in use; `lowest` is the least seen."""

    def __init__(self, path):
        self.path, self.lowest, self._stop = path, shutil.disk_usage(path).free, threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self):
        while not self._stop.is_set():
            self.lowest = min(self.lowest, shutil.disk_usage(self.path).free)
            time.sleep(0.005)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def test_full_disk_refuses_sends_before_it_fills_and_drains(small_disk, tmp_path):
    mount_point = small_disk[0]
    d, sqs = start_on(small_disk, tmp_path, "12")
    url = sqs.create_queue(QueueName="filled")["QueueUrl"]

    # Messages of 32 KB: a drain's deletes overwrite whole pages through the write-ahead log.
    with FreeSpaceWatch(mount_point) as watch:
        acked, codes = fill(sqs, url, body_size=32_768, threads=2)
        assert set(codes) == {"ServiceUnavailable"}, f"{codes}: {data_files(d)}"
        assert len(acked) > 300, len(acked)
        room = metric(d, "sealq_storage_room_bytes")
        assert 0 < room < 24 << 20, f"room {room}: {data_files(d)}, lowest free {watch.lowest}"
        received, codes = drain(sqs, url)
    assert codes == {}, f"{codes}: {data_files(d)}"
    assert sorted(received) == sorted(acked), "every acknowledged message, exactly once"
    assert watch.lowest > 256 << 10, f"the file system never filled ({watch.lowest} bytes free at least)"

    # The drained messages' pages take new ones: sends are admitted again within a measurement.
    assert send_once_room_is_back(sqs, url, "room again", timeout=10)
    assert "has room again: sends are accepted" in d.logs().decode()

    d.restart()
    again = make_client(d)
    assert [m["Body"] for m in again.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]] == ["room again"]
    d.stop()
    check = run_sealq("audit", "verify", "--data-dir", d.data_dir, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_purge_near_the_floor_makes_room(small_disk, tmp_path):
    mount_point = small_disk[0]
    d, sqs = start_on(small_disk, tmp_path, "12")
    url = sqs.create_queue(QueueName="purged")["QueueUrl"]
    fifo = sqs.create_queue(QueueName="retried.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    original = sqs.send_message(QueueUrl=fifo, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d")

    with FreeSpaceWatch(mount_point) as watch:
        acked, codes = fill(sqs, url, body_size=200_000, threads=2)
        assert set(codes) == {"ServiceUnavailable"}, f"{codes}: {data_files(d)}"
        # A FIFO retry within the window takes no room: the original's answer, not a refusal.
        retried = sqs.send_message(QueueUrl=fifo, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d")
        assert (retried["MessageId"], retried["SequenceNumber"]) == (original["MessageId"], original["SequenceNumber"])
        expect_error(sqs.send_message, "ServiceUnavailable", 503, QueueUrl=fifo, MessageBody="new",
                     MessageGroupId="g", MessageDeduplicationId="new")
        # The queue holds more than the free space: its sweep goes in bounded steps.
        sqs.purge_queue(QueueUrl=url)

        assert send_once_room_is_back(sqs, url, "after the purge", timeout=30)
    assert watch.lowest > 256 << 10, f"the file system never filled ({watch.lowest} bytes free at least)"
    assert "maintenance sweep failed" not in d.logs().decode()


def test_full_disk_without_a_floor_fails_calls_and_loses_nothing(small_disk, tmp_path):
    mount_point, remount, _ = small_disk
    d, sqs = start_on(small_disk, tmp_path, "0")
    url = sqs.create_queue(QueueName="overfilled")["QueueUrl"]

    acked, codes = fill(sqs, url)
    assert set(codes) <= {"InternalFailure"} and codes, codes
    assert shutil.disk_usage(mount_point).free < 1 << 20, "the disk really filled"
    assert d.alive() and d.healthy()

    remount("80m")
    received, codes = drain(sqs, url)
    assert codes == {}, codes
    assert sorted(received) == sorted(acked), "every acknowledged message, exactly once"
    sqs.send_message(QueueUrl=url, MessageBody="room again")
    d.stop()
    check = run_sealq("audit", "verify", "--data-dir", d.data_dir, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
