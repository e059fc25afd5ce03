"""Fair queues (a standard queue whose messages carry a MessageGroupId, one per tenant): a receive
returns visible messages whenever there are any, however many older tenants have nothing visible,
and a message without a MessageGroupId is a tenant of its own, served before a busy tenant's
backlog — over boto3 (AWS JSON 1.0). No waits beyond a 2 s long poll."""

import collections
import time


def _recv(sqs, url, n=10, **kw):
    args = dict(QueueUrl=url, MaxNumberOfMessages=n, WaitTimeSeconds=0)
    args.update(kw)
    return [m["Body"] for m in sqs.receive_message(**args).get("Messages", [])]


def _delayed_tenants(sqs, url, count):
    for index in range(count):
        sqs.send_message(QueueUrl=url, MessageBody=f"delayed-{index}", MessageGroupId=f"d{index:02d}", DelaySeconds=900)


def test_visible_message_behind_64_delayed_tenants_short_poll(sqs, make_queue):
    url = make_queue(prefix="fair")
    _delayed_tenants(sqs, url, 64)
    sqs.send_message(QueueUrl=url, MessageBody="late", MessageGroupId="late-tenant")
    assert _recv(sqs, url) == ["late"]


def test_visible_message_behind_64_delayed_tenants_long_poll(sqs, make_queue):
    url = make_queue(prefix="fair")
    _delayed_tenants(sqs, url, 64)
    sqs.send_message(QueueUrl=url, MessageBody="late", MessageGroupId="late-tenant")
    started = time.monotonic()
    assert _recv(sqs, url, WaitTimeSeconds=2) == ["late"]
    assert time.monotonic() - started < 1.5


def test_visible_messages_behind_64_tenants_in_flight(sqs, make_queue):
    url = make_queue(prefix="fair")
    for index in range(64):
        sqs.send_message(QueueUrl=url, MessageBody=f"t{index}", MessageGroupId=f"g{index:02d}")
    received = 0
    while received < 64:
        received += len(_recv(sqs, url, VisibilityTimeout=120))
    sqs.send_message(QueueUrl=url, MessageBody="tenant-65", MessageGroupId="zz")
    sqs.send_message(QueueUrl=url, MessageBody="no-group")
    assert sorted(_recv(sqs, url)) == ["no-group", "tenant-65"]


def test_ungrouped_message_and_quiet_tenant_before_noisy_backlog(sqs, make_queue):
    url = make_queue(prefix="fair")
    for start in range(0, 100, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": f"e{j}", "MessageBody": f"A{j}", "MessageGroupId": "noisy-A"} for j in range(start, start + 10)])
    in_flight = 0
    while in_flight < 40:
        in_flight += len(_recv(sqs, url, VisibilityTimeout=300))
    sqs.send_message(QueueUrl=url, MessageBody="ungrouped-U")
    sqs.send_message(QueueUrl=url, MessageBody="quiet-B1", MessageGroupId="quiet-B")
    first_two = _recv(sqs, url, 1, VisibilityTimeout=300) + _recv(sqs, url, 1, VisibilityTimeout=300)
    assert sorted(first_two) == ["quiet-B1", "ungrouped-U"]


def test_busy_tenants_share_the_receives(sqs, queue):
    """Two tenants each with more messages in flight than a receive counts (128): neither is
    starved (serving the oldest first would give every receive to one), and a quiet tenant that
    arrives later is served first."""
    for tenant in "AB":
        for start in range(0, 300, 10):
            sqs.send_message_batch(QueueUrl=queue, Entries=[
                {"Id": str(i), "MessageBody": f"{tenant}{start + i}", "MessageGroupId": tenant} for i in range(10)])
    def take(receives):
        served = collections.Counter()
        for _ in range(receives):
            for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, VisibilityTimeout=600).get("Messages", []):
                served[m["Body"][0]] += 1
        return served
    take(270)
    later = take(40)
    assert later["A"] >= 8 and later["B"] >= 8, later
    sqs.send_message(QueueUrl=queue, MessageBody="C0", MessageGroupId="C")
    assert take(1) == {"C": 1}
