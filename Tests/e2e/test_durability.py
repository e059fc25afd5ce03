"""Crash durability: SIGKILL under concurrent send/delete load, restart on the same data dir,
then every acknowledged send is present exactly once unless its delete was acknowledged
(or was in flight when the daemon died: it may have committed without its answer),
and no acknowledged delete comes back."""

import random
import threading
import time


from conftest import make_client, unique_name

THREADS = 8
LOAD_SECONDS = 5.0
MAX_SENDS_PER_THREAD = 400
LOAD_VISIBILITY = 5


def test_sigkill_under_load_loses_nothing_acknowledged(fresh_daemon):
    d = fresh_daemon()
    admin = make_client(d)
    url = admin.create_queue(QueueName=unique_name("dur"))["QueueUrl"]

    stop = threading.Event()
    lock = threading.Lock()
    attempted = set()        # every body we tried to send
    acked_sends = {}         # body -> MessageId
    acked_deletes = set()    # bodies whose delete was acknowledged
    tried_deletes = set()    # bodies whose delete was sent (it may have taken effect unacknowledged)
    errors_before_kill = []
    killed_at = [None]

    def worker(tid):
        c = make_client(d, connect_timeout=2, read_timeout=10)
        n = 0
        while not stop.is_set() and n < MAX_SENDS_PER_THREAD:
            body = f"t{tid}-n{n}-{random.getrandbits(48):012x}"
            n += 1
            with lock:
                attempted.add(body)
            try:
                mid = c.send_message(QueueUrl=url, MessageBody=body)["MessageId"]
            except Exception as e:  # noqa: BLE001 - the daemon may be dead now
                if killed_at[0] is None:
                    errors_before_kill.append(repr(e))
                return
            with lock:
                acked_sends[body] = mid
            if n % 3 == 0:
                try:
                    msgs = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                             VisibilityTimeout=LOAD_VISIBILITY).get("Messages", [])
                except Exception as e:  # noqa: BLE001
                    if killed_at[0] is None:
                        errors_before_kill.append(repr(e))
                    return
                for i, m in enumerate(msgs):
                    if i % 2:
                        continue  # leave every other received message in the queue
                    with lock:
                        tried_deletes.add(m["Body"])
                    try:
                        c.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                    except Exception as e:  # noqa: BLE001
                        if killed_at[0] is None:
                            errors_before_kill.append(repr(e))
                        return
                    with lock:
                        acked_deletes.add(m["Body"])

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(THREADS)]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    kill_after = random.uniform(1.0, LOAD_SECONDS)
    time.sleep(kill_after)
    killed_at[0] = time.monotonic() - t0
    d.kill()  # SIGKILL
    stop.set()
    for th in threads:
        th.join(timeout=30)
    assert not any(th.is_alive() for th in threads), "load threads did not stop"
    assert errors_before_kill == [], errors_before_kill[:3]
    assert acked_sends, "no send was acknowledged before the kill"

    d.start(port=d.port)
    c = make_client(d, read_timeout=30)

    # drain: receive with a short visibility, record every message, delete it
    found = {}  # body -> set of MessageIds
    empty_polls = 0
    deadline = time.monotonic() + LOAD_VISIBILITY + 40
    while time.monotonic() < deadline:
        msgs = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=20,
                                 WaitTimeSeconds=1).get("Messages", [])
        if not msgs:
            a = c.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            pending = int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"]) \
                + int(a["ApproximateNumberOfMessagesDelayed"])
            if pending == 0:
                empty_polls += 1
                if empty_polls >= 3:
                    break
            continue
        empty_polls = 0
        entries = []
        for i, m in enumerate(msgs):
            found.setdefault(m["Body"], set()).add(m["MessageId"])
            entries.append({"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]})
        res = c.delete_message_batch(QueueUrl=url, Entries=entries)
        assert res.get("Failed", []) == [], res["Failed"]
    assert empty_polls >= 3, "queue did not drain in time"
    print(f"killed at {killed_at[0]:.2f}s: {len(attempted)} sends attempted, {len(acked_sends)} acknowledged, "
          f"{len(acked_deletes)} deletes acknowledged, {len(found)} drained")

    unknown = set(found) - attempted
    assert not unknown, f"bodies that were never sent: {sorted(unknown)[:5]}"
    dup = {b: ids for b, ids in found.items() if len(ids) > 1}
    assert not dup, f"messages present more than once: {list(dup.items())[:5]}"
    resurrected = acked_deletes & set(found)
    assert not resurrected, f"{len(resurrected)} acknowledged deletes came back: {sorted(resurrected)[:5]}"
    lost = [b for b in acked_sends if b not in tried_deletes and b not in found]
    assert not lost, (f"{len(lost)} of {len(acked_sends)} acknowledged sends lost "
                      f"(killed at {killed_at[0]:.2f}s): {lost[:5]}")
    # only a delete in flight at the kill (at most one per thread) may have vanished unacknowledged
    vanished = [b for b in acked_sends if b in tried_deletes and b not in acked_deletes and b not in found]
    assert len(vanished) <= THREADS, vanished[:10]
    wrong_id = [b for b in acked_sends if b in found and found[b] != {acked_sends[b]}]
    assert not wrong_id, wrong_id[:5]


def test_sigkill_during_the_first_start_leaves_a_directory_that_starts(tmp_path):
    """A first start killed as soon as it marks the data directory set up (its audit signing key
    appears) has made every file a later start requires: the next start comes up."""
    import os
    from conftest import Daemon
    for attempt in range(3):
        d = Daemon(str(tmp_path / f"first-{attempt}"))
        d._spawn()
        marker = os.path.join(d.data_dir, "audit-signing.key")
        deadline = time.monotonic() + 30
        while not os.path.exists(marker) and time.monotonic() < deadline and d.proc.poll() is None:
            pass  # kill the moment the file appears
        assert os.path.exists(marker), d.stderr_tail()
        d.kill()
        d.start()
        assert make_client(d).list_queues().get("QueueUrls", []) == []
        d.stop()

