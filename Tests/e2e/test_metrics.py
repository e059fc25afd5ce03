"""GET /metrics: Prometheus text whose per-queue series follow what the queue did."""

import re

import requests

from conftest import queue_counts, receive_bodies, unique_name

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eE]+|NaN|[+-]?Inf)(\s+\d+)?$')


def scrape(daemon):
    r = requests.get(daemon.url + "/metrics", timeout=10)
    assert r.status_code == 200
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("text/plain") or ctype.startswith("application/openmetrics-text"), ctype
    return r.text


def series(text, name, queue):
    """Value of metric `name` with label queue="<queue>" (None when absent)."""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line.strip())
        if not m or m.group(1) != name:
            continue
        labels = m.group(2) or ""
        if f'queue="{queue}"' in labels:
            return float(m.group(3))
    return None


def test_metrics_is_prometheus_text(daemon, sqs):
    name = unique_name("met")
    sqs.create_queue(QueueName=name)
    text = scrape(daemon)
    samples = [l for l in text.splitlines() if l and not l.startswith("#")]
    assert samples, "no samples"
    bad = [l for l in samples if not SAMPLE.match(l.strip())]
    assert bad == [], bad[:5]
    assert any(l.startswith("sealq_messages_sent_total") and f'queue="{name}"' in l for l in samples) or \
        series(text, "sealq_messages_visible", name) == 0
    # Every family says what it counts, counters and histograms as well as gauges.
    typed = {l.split()[2] for l in text.splitlines() if l.startswith("# TYPE ")}
    described = {l.split()[2] for l in text.splitlines() if l.startswith("# HELP ") and len(l.split()) > 3}
    assert {"sealq_messages_sent_total", "sealq_messages_visible"} <= typed
    assert typed - described == set(), typed - described


def test_metrics_follow_queue_activity(daemon, sqs):
    name = unique_name("met")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    t0 = scrape(daemon)
    # Every counter is there at 0 from the queue's creation: a series that appeared at 1 would
    # lose that first event to increase().
    for counter in ("sealq_messages_sent_total", "sealq_messages_received_total", "sealq_messages_deleted_total",
                    "sealq_empty_receives_total", "sealq_messages_dead_lettered_total", "sealq_sends_refused_low_disk_total"):
        assert series(t0, counter, name) == 0, counter
    assert series(t0, "sealq_messages_deduplicated_total", name) is None, "FIFO queues only"

    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=60)
    t1 = scrape(daemon)
    assert series(t1, "sealq_messages_sent_total", name) == 4
    assert series(t1, "sealq_messages_visible", name) == 3
    assert series(t1, "sealq_messages_delayed", name) == 1
    assert (series(t1, "sealq_messages_in_flight", name) or 0) == 0
    age = series(t1, "sealq_oldest_message_age_seconds", name)
    assert age is not None and 0 <= age < 60

    got = receive_bodies(sqs, url, 2, VisibilityTimeout=60, MaxNumberOfMessages=2)
    assert len(got) == 2
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert queue_counts(sqs, url) == (1, 1, 1)

    t2 = scrape(daemon)
    assert series(t2, "sealq_messages_received_total", name) == 2
    assert series(t2, "sealq_messages_deleted_total", name) == 1
    # Every successful delete counts, repeated ones included, as CloudWatch's NumberOfMessagesDeleted does.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    batch = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "a", "ReceiptHandle": got[1]["ReceiptHandle"]},
                                                            {"Id": "b", "ReceiptHandle": got[1]["ReceiptHandle"]}])
    assert len(batch["Successful"]) == 2
    assert series(scrape(daemon), "sealq_messages_deleted_total", name) == 4
    assert series(t2, "sealq_messages_in_flight", name) == 1
    assert series(t2, "sealq_messages_visible", name) == 1
    assert series(t2, "sealq_messages_delayed", name) == 1
    assert series(t2, "sealq_messages_sent_total", name) == 4


def test_metrics_batch_counts(daemon, sqs):
    name = unique_name("metb")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(7)])
    assert series(scrape(daemon), "sealq_messages_sent_total", name) == 7


def test_metrics_oldest_age_grows(daemon, sqs):
    import time
    name = unique_name("meta")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    time.sleep(2.1)
    age = series(scrape(daemon), "sealq_oldest_message_age_seconds", name)
    assert age is not None and 1.5 <= age < 30, age


def test_oldest_age_counts_a_dead_lettered_message_from_its_move_and_leaves_poison_pills_out(daemon, sqs):
    """CloudWatch's ApproximateAgeOfOldestMessage: "When the message is moved to the dead-letter
    queue, the ApproximateAgeOfOldestMessage metric of the dead-letter queue represents the time
    when the message was moved" (its retention still counts from the send), and a message
    received three times or more is moved to the back: the metric points at the next oldest."""
    import json
    import time
    dlq_name, src_name, poisoned_name = unique_name("agedlq"), unique_name("agesrc"), unique_name("agepill")
    dlq = sqs.create_queue(QueueName=dlq_name)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    src = sqs.create_queue(QueueName=src_name, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
    poisoned = sqs.create_queue(QueueName=poisoned_name)["QueueUrl"]
    sqs.send_message(QueueUrl=src, MessageBody="old")
    sqs.send_message(QueueUrl=poisoned, MessageBody="pill")
    for _ in range(3):
        got = sqs.receive_message(QueueUrl=poisoned, VisibilityTimeout=0, WaitTimeSeconds=1)["Messages"]
        assert [m["Body"] for m in got] == ["pill"]
    time.sleep(4)
    sqs.send_message(QueueUrl=poisoned, MessageBody="fresh")
    first = sqs.receive_message(QueueUrl=src, VisibilityTimeout=0, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in first] == ["old"]
    assert sqs.receive_message(QueueUrl=src, VisibilityTimeout=0).get("Messages", []) == []  # this receive moves it
    text = scrape(daemon)
    assert series(text, "sealq_messages_visible", poisoned_name) == 2
    assert series(text, "sealq_messages_visible", dlq_name) == 1
    assert series(text, "sealq_oldest_message_age_seconds", dlq_name) < 2.5, "counted from the move, not the send"
    assert series(text, "sealq_oldest_message_age_seconds", poisoned_name) < 2.5, "the poison pill is left out"
    # the moved message keeps its send time
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["SentTimestamp"], VisibilityTimeout=0)["Messages"][0]
    assert time.time() * 1000 - int(moved["Attributes"]["SentTimestamp"]) >= 3500


def test_a_fifo_queue_counts_its_poison_pill_in_the_oldest_age(daemon, sqs):
    """A FIFO queue does not move a message received three times to the back: it blocks its
    group, so the age of the oldest message shows it even while other groups flow."""
    import time
    name = unique_name("fifopill") + ".fifo"
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="pill", MessageGroupId="g1")
    for _ in range(3):
        got = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, WaitTimeSeconds=1)["Messages"]
        assert [m["Body"] for m in got] == ["pill"]
    time.sleep(3)
    sqs.send_message(QueueUrl=url, MessageBody="flowing", MessageGroupId="g2")
    age = series(scrape(daemon), "sealq_oldest_message_age_seconds", name)
    assert age is not None and age >= 2.5, age


def test_counters_are_at_zero_again_after_a_restart(fresh_daemon):
    """After a restart every queue's counters are back at 0, not absent until their first event;
    so are its sent-size histogram and the key-use counters, also for a queue just created."""
    from conftest import make_client
    d = fresh_daemon()
    sqs = make_client(d)
    sqs.create_queue(QueueName="plain")
    sqs.create_queue(QueueName="ordered.fifo", Attributes={"FifoQueue": "true"})
    d.restart()
    text = scrape(d)
    for queue in ("plain", "ordered.fifo"):
        for counter in ("sealq_messages_sent_total", "sealq_messages_received_total", "sealq_messages_deleted_total",
                        "sealq_empty_receives_total", "sealq_messages_dead_lettered_total"):
            assert series(text, counter, queue) == 0, (queue, counter)
    assert series(text, "sealq_messages_deduplicated_total", "ordered.fifo") == 0
    assert series(text, "sealq_messages_deduplicated_total", "plain") is None
    # The size histogram and the key-use counters too (they appeared with their first event).
    for queue in ("plain", "ordered.fifo"):
        assert f'sealq_sent_message_size_bytes_count{{queue="{queue}"}} 0' in text, queue
        assert f'sealq_sent_message_size_bytes_bucket{{queue="{queue}",le="+Inf"}} 0' in text, queue
    for operation in ("GenerateDataKey", "Decrypt"):
        assert f'sealq_queue_key_uses_total{{operation="{operation}"}} 0' in text, operation
    created = "created-after-start"
    sqs.create_queue(QueueName=created)
    assert f'sealq_sent_message_size_bytes_count{{queue="{created}"}} 0' in scrape(d)


def test_empty_receives_and_deduplicated_sends_are_counted(daemon, sqs):
    """CloudWatch's NumberOfEmptyReceives (calls that returned no message, long polls included)
    and NumberOfDeduplicatedSentMessages (FIFO sends taken as duplicates)."""
    name = unique_name("empty")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []
    sqs.send_message(QueueUrl=url, MessageBody="one")
    assert len(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]) == 1
    assert series(scrape(daemon), "sealq_empty_receives_total", name) == 2
    fifo_name = unique_name("dedup") + ".fifo"
    fifo = sqs.create_queue(QueueName=fifo_name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    for _ in range(3):
        sqs.send_message(QueueUrl=fifo, MessageBody="same", MessageGroupId="g", MessageDeduplicationId="d")
    sqs.send_message_batch(QueueUrl=fifo, Entries=[
        {"Id": "a", "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "d"},
        {"Id": "b", "MessageBody": "y", "MessageGroupId": "g", "MessageDeduplicationId": "e"}])
    text = scrape(daemon)
    assert series(text, "sealq_messages_deduplicated_total", fifo_name) == 3
    assert series(text, "sealq_messages_sent_total", fifo_name) == 2


def test_sent_message_sizes_are_a_histogram_of_what_sqs_counts(daemon, sqs):
    """CloudWatch's SentMessageSize: the body plus every attribute's name, type and value, for
    each message added to the queue (a deduplicated FIFO send adds none)."""
    name = unique_name("sizes")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x" * 100)
    sqs.send_message(QueueUrl=url, MessageBody="é" * 1000, MessageAttributes={
        "kind": {"DataType": "String.label", "StringValue": "abc"}, "raw": {"DataType": "Binary", "BinaryValue": b"\0" * 50}})
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "y" * 5000} for i in range(3)])
    text = scrape(daemon)
    big = 2000 + len("kind") + len("String.label") + 3 + len("raw") + len("Binary") + 50
    assert series(text, "sealq_sent_message_size_bytes_count", name) == 5
    assert series(text, "sealq_sent_message_size_bytes_sum", name) == 100 + big + 15000
    buckets = {float(m.group(1)): float(m.group(2)) for m in re.finditer(
        rf'^sealq_sent_message_size_bytes_bucket\{{queue="{name}",le="([^"]+)"\}} (\S+)$', text, re.M) if m.group(1) != "+Inf"}
    assert buckets[256] == 1 and buckets[1024] == 1 and buckets[4096] == 2 and buckets[16384] == 5, buckets
    fifo_name = unique_name("sizes") + ".fifo"
    fifo = sqs.create_queue(QueueName=fifo_name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    for _ in range(2):
        sqs.send_message(QueueUrl=fifo, MessageBody="z" * 10, MessageGroupId="g", MessageDeduplicationId="d")
    assert series(scrape(daemon), "sealq_sent_message_size_bytes_count", fifo_name) == 1


def test_fifo_groups_with_messages_in_flight_are_counted(daemon, sqs):
    """CloudWatch's ApproximateNumberOfGroupsWithInflightMessages, for FIFO queues only."""
    name = unique_name("groups") + ".fifo"
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    for group in "abcd":
        for i in range(2):
            sqs.send_message(QueueUrl=url, MessageBody=f"{group}{i}", MessageGroupId=group)
    assert series(scrape(daemon), "sealq_groups_with_inflight_messages", name) == 0
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)["Messages"]
    groups = {m["Body"][0] for m in got}
    assert len(groups) >= 1
    assert series(scrape(daemon), "sealq_groups_with_inflight_messages", name) == len(groups)
    # A group whose received messages are all deleted has none in flight any more.
    first = sorted(groups)[0]
    for m in got:
        if m["Body"][0] == first:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert series(scrape(daemon), "sealq_groups_with_inflight_messages", name) == len(groups) - 1
    standard = unique_name("groups")
    sqs.create_queue(QueueName=standard)
    sqs.send_message(QueueUrl=daemon.queue_url(standard), MessageBody="m", MessageGroupId="g")
    sqs.receive_message(QueueUrl=daemon.queue_url(standard))
    assert series(scrape(daemon), "sealq_groups_with_inflight_messages", standard) is None


def test_head_answers_health_and_metrics_without_a_body(daemon):
    """RFC 9110 section 8.6: a HEAD answer's Content-Length, when sent, is the GET answer's
    length (it said 0). Both go over one keep-alive connection, which stays usable."""
    with requests.Session() as session:
        for path, content_type in (("/health", "text/plain"), ("/metrics", "text/plain; version=0.0.4")):
            r = session.head(daemon.url + path, timeout=10)
            assert r.status_code == 200 and r.headers.get("Content-Type") == content_type and r.content == b"", (path, r.status_code)
            length = int(r.headers["Content-Length"])
            got = session.get(daemon.url + path, timeout=10)
            assert length > 0 and (length == len(got.content) if path == "/health" else abs(length - len(got.content)) < 64), (
                path, length, len(got.content))


def test_a_deleted_queue_leaves_no_series(daemon, sqs):
    """Deleting a queue removes its counters as well as its gauges, so a queue created again
    under the name starts from zero."""
    name = unique_name("gone")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="counted")
    receive_bodies(sqs, url, 1)
    before = scrape(daemon)
    assert series(before, "sealq_messages_sent_total", name) == 1
    assert series(before, "sealq_messages_received_total", name) == 1
    sqs.delete_queue(QueueUrl=url)
    after = scrape(daemon)
    assert f'queue="{name}"' not in after, [line for line in after.splitlines() if name in line]


def test_a_queue_deleted_under_traffic_leaves_no_series(daemon, sqs, client_factory):
    """Sends, receives and deletes still running when DeleteQueue lands do not bring the deleted
    queue's series back."""
    import time
    from concurrent.futures import ThreadPoolExecutor
    name = unique_name("metrics-gone")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    stop = time.time() + 2.0

    def traffic():
        client = client_factory()
        while time.time() < stop:
            try:
                client.send_message(QueueUrl=url, MessageBody="x")
                for m in client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                    client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            except Exception:  # noqa: BLE001 - the queue goes away mid-run
                pass

    def delete():
        time.sleep(1.0)
        sqs.delete_queue(QueueUrl=url)

    with ThreadPoolExecutor(5) as pool:
        for f in [pool.submit(traffic) for _ in range(4)] + [pool.submit(delete)]:
            f.result()
    time.sleep(0.5)
    text = scrape(daemon)
    assert f'queue="{name}"' not in text, [line for line in text.splitlines() if f'queue="{name}"' in line]
