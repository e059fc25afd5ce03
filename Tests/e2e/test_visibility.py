"""Visibility timeouts, ChangeMessageVisibility, receipt handles (real time, short waits)."""

import time

import pytest

from conftest import alter_handle, expect_error, queue_counts

NOT_INFLIGHT = "AWS.SimpleQueueService.MessageNotInflight"


def _one(sqs, url, **kw):
    args = dict(QueueUrl=url, WaitTimeSeconds=1, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    args.update(kw)
    msgs = sqs.receive_message(**args).get("Messages", [])
    assert len(msgs) == 1, msgs
    return msgs[0]


def _wait_receive(sqs, url, limit, **kw):
    t = time.monotonic()
    while time.monotonic() - t < limit:
        msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                   MessageSystemAttributeNames=["ApproximateReceiveCount"], **kw).get("Messages", [])
        if msgs:
            return msgs[0]
    return None


def test_queue_visibility_timeout_applies(sqs, make_queue):
    url = make_queue({"VisibilityTimeout": 1})
    sqs.send_message(QueueUrl=url, MessageBody="vis")
    t0 = time.monotonic()
    m1 = _one(sqs, url)
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    assert queue_counts(sqs, url) == (0, 1, 0)
    m2 = _wait_receive(sqs, url, 5)
    el = time.monotonic() - t0
    assert m2 is not None and m2["MessageId"] == m1["MessageId"]
    assert 0.8 <= el < 4, el
    assert m2["Attributes"]["ApproximateReceiveCount"] == "2"
    assert m2["ReceiptHandle"] != m1["ReceiptHandle"]


def test_default_visibility_is_thirty_seconds(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="thirty")
    _one(sqs, queue)
    time.sleep(1.5)
    assert sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", []) == []
    assert queue_counts(sqs, queue) == (0, 1, 0)


def test_receive_visibility_override(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="override")
    t0 = time.monotonic()
    m1 = _one(sqs, queue, VisibilityTimeout=1)
    m2 = _wait_receive(sqs, queue, 5)
    assert m2 is not None and m2["MessageId"] == m1["MessageId"]
    assert time.monotonic() - t0 < 4


def test_receive_with_zero_visibility(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="zero")
    m1 = _one(sqs, queue, VisibilityTimeout=0)
    m2 = _one(sqs, queue, VisibilityTimeout=30)
    assert m1["MessageId"] == m2["MessageId"]
    assert m2["Attributes"]["ApproximateReceiveCount"] == "2"


def test_change_visibility_to_zero(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="cv0")
    m1 = _one(sqs, queue, VisibilityTimeout=60)
    assert queue_counts(sqs, queue) == (0, 1, 0)
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=m1["ReceiptHandle"], VisibilityTimeout=0)
    assert queue_counts(sqs, queue) == (1, 0, 0)
    m2 = _one(sqs, queue, WaitTimeSeconds=0)
    assert m2["MessageId"] == m1["MessageId"]


def test_change_visibility_extends(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="extend")
    m = _one(sqs, queue, VisibilityTimeout=1)
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=20)
    time.sleep(1.5)
    assert sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", []) == []
    # the handle is still valid for delete
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_change_visibility_shortens(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="shorten")
    m = _one(sqs, queue, VisibilityTimeout=60)
    t0 = time.monotonic()
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=1)
    m2 = _wait_receive(sqs, queue, 5)
    assert m2 is not None and m2["MessageId"] == m["MessageId"]
    assert 0.7 <= time.monotonic() - t0 < 4


def test_change_visibility_after_expiry_not_inflight(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="expired")
    m = _one(sqs, queue, VisibilityTimeout=1)
    time.sleep(1.6)
    expect_error(sqs.change_message_visibility, NOT_INFLIGHT, 400,
                 QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=10)
    # it is visible (not hidden by the refused change)
    assert queue_counts(sqs, queue) == (1, 0, 0)


def test_change_visibility_beyond_twelve_hours(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="12h")
    m = _one(sqs, queue, VisibilityTimeout=43200)
    time.sleep(1.2)
    expect_error(sqs.change_message_visibility, "InvalidParameterValue", 400,
                 QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=43200)
    # a change that stays within 12 h of the receive works
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=60)
    assert queue_counts(sqs, queue) == (0, 1, 0)


@pytest.mark.parametrize("v", [43201, -1])
def test_change_visibility_out_of_range(sqs, queue, v):
    sqs.send_message(QueueUrl=queue, MessageBody="range")
    m = _one(sqs, queue, VisibilityTimeout=60)
    expect_error(sqs.change_message_visibility, "InvalidParameterValue", 400,
                 QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=v)


def test_change_visibility_forged_handle(sqs, queue):
    expect_error(sqs.change_message_visibility, "ReceiptHandleIsInvalid", 400,
                 QueueUrl=queue, ReceiptHandle="forged", VisibilityTimeout=0)


def test_change_visibility_altered_handle(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="altered-cv")
    m = _one(sqs, queue, VisibilityTimeout=60)
    bad = alter_handle(m["ReceiptHandle"])
    assert bad != m["ReceiptHandle"]
    expect_error(sqs.change_message_visibility, "ReceiptHandleIsInvalid", 400,
                 QueueUrl=queue, ReceiptHandle=bad, VisibilityTimeout=0)
    assert queue_counts(sqs, queue) == (0, 1, 0)


def test_delete_with_altered_handle_leaves_message(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="altered-del")
    m = _one(sqs, queue, VisibilityTimeout=1)
    bad = alter_handle(m["ReceiptHandle"])
    assert bad != m["ReceiptHandle"]
    expect_error(sqs.delete_message, "ReceiptHandleIsInvalid", 400, QueueUrl=queue, ReceiptHandle=bad)
    truncated = m["ReceiptHandle"][: len(m["ReceiptHandle"]) // 2]
    expect_error(sqs.delete_message, "ReceiptHandleIsInvalid", 400, QueueUrl=queue, ReceiptHandle=truncated)
    # untouched: it comes back after its visibility timeout, with the same body
    m2 = _wait_receive(sqs, queue, 5)
    assert m2 is not None and m2["MessageId"] == m["MessageId"] and m2["Body"] == "altered-del"
    assert m2["Attributes"]["ApproximateReceiveCount"] == "2"


def test_delete_with_latest_handle_after_rereceive(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="latest")
    _one(sqs, queue, VisibilityTimeout=0)
    m2 = _one(sqs, queue, VisibilityTimeout=30)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m2["ReceiptHandle"])
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_in_flight_message_not_delivered_twice(sqs, queue):
    for i in range(5):
        sqs.send_message(QueueUrl=queue, MessageBody=f"once{i}")
    seen = []
    for _ in range(8):
        for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages", []):
            seen.append(m["MessageId"])
    assert len(seen) == 5 and len(set(seen)) == 5


def test_concurrent_receivers_never_share_a_message(sqs, client_factory, queue):
    import threading
    total = 120
    for start in range(0, total, 10):
        sqs.send_message_batch(QueueUrl=queue, Entries=[
            {"Id": str(i), "MessageBody": f"c{i}"} for i in range(start, start + 10)])
    got, lock = [], threading.Lock()

    def worker():
        c = client_factory()
        empty = 0
        while empty < 2:
            msgs = c.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=60,
                                     WaitTimeSeconds=1).get("Messages", [])
            empty = 0 if msgs else empty + 1
            with lock:
                got.extend(m["Body"] for m in msgs)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert len(got) == total, f"{len(got)} deliveries for {total} messages"
    assert sorted(got) == sorted(f"c{i}" for i in range(total))
    assert queue_counts(sqs, queue) == (0, total, 0)


def test_one_message_wakes_exactly_one_long_poller(sqs, client_factory, queue):
    import threading
    results = []

    def poll():
        r = client_factory().receive_message(QueueUrl=queue, WaitTimeSeconds=3, VisibilityTimeout=60)
        results.append(r.get("Messages", []))

    threads = [threading.Thread(target=poll) for _ in range(3)]
    for th in threads:
        th.start()
    time.sleep(0.5)
    sqs.send_message(QueueUrl=queue, MessageBody="only-one")
    for th in threads:
        th.join(timeout=10)
    bodies = [m["Body"] for msgs in results for m in msgs]
    assert bodies == ["only-one"]


def _timed_long_poll(client, queue, wait):
    """Starts a receive waiting up to `wait` seconds; returns a function giving (seconds, bodies)."""
    import threading
    result = {}

    def poll():
        started = time.monotonic()
        r = client.receive_message(QueueUrl=queue, WaitTimeSeconds=wait, VisibilityTimeout=60)
        result["seconds"] = time.monotonic() - started
        result["bodies"] = [m["Body"] for m in r.get("Messages", [])]

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.5)

    def finish():
        thread.join(timeout=wait + 10)
        return result["seconds"], result["bodies"]
    return finish


def test_a_waiting_receive_gets_a_delayed_message_when_its_delay_ends(sqs, client_factory, queue):
    finish = _timed_long_poll(client_factory(), queue, 15)
    sqs.send_message(QueueUrl=queue, MessageBody="late", DelaySeconds=1)
    seconds, bodies = finish()
    assert bodies == ["late"] and seconds < 5, (seconds, bodies)


def test_a_waiting_receive_gets_a_message_whose_visibility_was_shortened(sqs, client_factory, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="again")
    handle = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=60)["Messages"][0]["ReceiptHandle"]
    finish = _timed_long_poll(client_factory(), queue, 15)
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=1)
    seconds, bodies = finish()
    assert bodies == ["again"] and seconds < 5, (seconds, bodies)
