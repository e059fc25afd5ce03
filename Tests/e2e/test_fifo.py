"""FIFO queues: creation rules and attributes, send validation, sequence numbers, deduplication
(explicit, content-based, per message group, across restarts, inside batches), strict order and
message-group blocking, receive request attempt ids, expired receipt handles, purge — over boto3
(AWS JSON 1.0) and the signed Query protocol. Waits are real but short (≈1.2 s)."""

import hashlib
import json
import time
import uuid

import pytest

from conftest import (expect_error, make_client, md5_hex, queue_counts, unique_name, xfind, xfindall,
                      xml_attributes, xml_error, xtext)

SYS_ALL = ["All"]
FIFO_ATTRS = ("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")


# --------------------------------------------------------------------------- helpers

def _fifo_name(prefix="ff"):
    return unique_name(prefix) + ".fifo"


def _fifo(sqs, attrs=None, prefix="ff"):
    a = {"FifoQueue": "true"}
    a.update({k: str(v) for k, v in (attrs or {}).items()})
    return sqs.create_queue(QueueName=_fifo_name(prefix), Attributes=a)["QueueUrl"]


def _send(sqs, url, body, group="g", dedup=None, **kw):
    args = dict(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    args["MessageDeduplicationId"] = dedup if dedup is not None else uuid.uuid4().hex
    args.update(kw)
    return sqs.send_message(**args)


def _recv(sqs, url, n=10, **kw):
    args = dict(QueueUrl=url, MaxNumberOfMessages=n, WaitTimeSeconds=0,
                MessageSystemAttributeNames=SYS_ALL)
    args.update(kw)
    return sqs.receive_message(**args).get("Messages", [])


def _bodies(msgs):
    return [m["Body"] for m in msgs]


def _seq(resp):
    s = resp["SequenceNumber"]
    assert isinstance(s, str) and s.isdigit(), resp
    return int(s)


def _drain_in_order(sqs, url, expected_count, limit=40):
    """Receive (max 10), delete everything received, until expected_count messages were seen."""
    got = []
    for _ in range(limit):
        msgs = _recv(sqs, url, VisibilityTimeout=30)
        for m in msgs:
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if len(got) >= expected_count:
            break
    return got


# --------------------------------------------------------------------------- creation

def test_fifo_attribute_requires_fifo_suffix(sqs):
    name = unique_name("nosuffix")
    expect_error(sqs.create_queue, "InvalidParameterValue", 400,
                 QueueName=name, Attributes={"FifoQueue": "true"})
    expect_error(sqs.get_queue_url, "AWS.SimpleQueueService.NonExistentQueue", 400, QueueName=name)


def test_fifo_suffix_requires_fifo_attribute(sqs):
    name = _fifo_name("suffixonly")
    expect_error(sqs.create_queue, "InvalidParameterValue", 400, QueueName=name)
    expect_error(sqs.create_queue, "InvalidParameterValue", 400, QueueName=name,
                 Attributes={"VisibilityTimeout": "30"})
    expect_error(sqs.get_queue_url, "AWS.SimpleQueueService.NonExistentQueue", 400, QueueName=name)


def test_fifo_queue_name_and_defaults(sqs):
    name = _fifo_name("dflt")
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    assert url.endswith("/" + name)
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    for k in FIFO_ATTRS:
        assert k in a, (k, a)
    assert a["FifoQueue"] == "true"
    assert a["ContentBasedDeduplication"] == "false"
    assert a["DeduplicationScope"] == "queue"
    assert a["FifoThroughputLimit"] == "perQueue"
    assert a["QueueArn"].endswith(":" + name)
    # naming them individually works too
    one = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["FifoQueue", "DeduplicationScope"])
    assert one["Attributes"] == {"FifoQueue": "true", "DeduplicationScope": "queue"}


def test_fifo_attributes_set_and_read_back(sqs):
    url = _fifo(sqs, {"ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup",
                      "FifoThroughputLimit": "perMessageGroupId"})
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (a["ContentBasedDeduplication"], a["DeduplicationScope"], a["FifoThroughputLimit"]) == \
        ("true", "messageGroup", "perMessageGroupId")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoThroughputLimit": "perQueue",
                                                       "DeduplicationScope": "queue",
                                                       "ContentBasedDeduplication": "false"})
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (a["ContentBasedDeduplication"], a["DeduplicationScope"], a["FifoThroughputLimit"]) == \
        ("false", "queue", "perQueue")
    assert a["FifoQueue"] == "true"


def test_fifo_queue_attribute_not_settable(sqs, make_queue):
    std = make_queue(prefix="stdset")
    expect_error(sqs.set_queue_attributes, "InvalidAttributeName", 400,
                 QueueUrl=std, Attributes={"FifoQueue": "true"})
    fifo = _fifo(sqs, prefix="fifoset")
    expect_error(sqs.set_queue_attributes, "InvalidAttributeName", 400,
                 QueueUrl=fifo, Attributes={"FifoQueue": "true"})
    assert sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["FifoQueue"])["Attributes"] == \
        {"FifoQueue": "true"}


@pytest.mark.parametrize("attr,value", [
    ("ContentBasedDeduplication", "yes"),
    ("DeduplicationScope", "group"),
    ("FifoThroughputLimit", "perGroup"),
    ("FifoThroughputLimit", "unlimited"),
])
def test_fifo_attribute_invalid_values(sqs, attr, value):
    name = _fifo_name("badval")
    expect_error(sqs.create_queue, "InvalidAttributeValue", 400, QueueName=name,
                 Attributes={"FifoQueue": "true", attr: value})
    expect_error(sqs.get_queue_url, "AWS.SimpleQueueService.NonExistentQueue", 400, QueueName=name)
    url = _fifo(sqs, prefix="badset")
    before = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    expect_error(sqs.set_queue_attributes, "InvalidAttributeValue", 400, QueueUrl=url,
                 Attributes={attr: value})
    after = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert after[attr] == before[attr]


def test_per_message_group_throughput_needs_message_group_scope(sqs):
    """AWS's answer, as Terraform users quote it: InvalidAttributeValue "Invalid value for the
    parameter FifoThroughputLimit. Reason: To set FifoThroughputLimit to perMessageGroupId, the
    DeduplicationScope must be messageGroup." """
    name = _fifo_name("tput")
    resp = expect_error(sqs.create_queue, "InvalidAttributeValue", 400, QueueName=name,
                        Attributes={"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"})
    assert resp["Error"]["Message"] == ("Invalid value for the parameter FifoThroughputLimit. Reason: To set FifoThroughputLimit "
                                        "to perMessageGroupId, the DeduplicationScope must be messageGroup.")
    expect_error(sqs.create_queue, "InvalidAttributeValue", 400, QueueName=name,
                 Attributes={"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId",
                             "DeduplicationScope": "queue"})
    # on an existing queue-scoped queue too
    url = _fifo(sqs, prefix="tputset")
    expect_error(sqs.set_queue_attributes, "InvalidAttributeValue", 400, QueueUrl=url,
                 Attributes={"FifoThroughputLimit": "perMessageGroupId"})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["FifoThroughputLimit"])[
        "Attributes"]["FifoThroughputLimit"] == "perQueue"
    # both together in one SetQueueAttributes are fine
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoThroughputLimit": "perMessageGroupId",
                                                       "DeduplicationScope": "messageGroup"})
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (a["DeduplicationScope"], a["FifoThroughputLimit"]) == ("messageGroup", "perMessageGroupId")


@pytest.mark.parametrize("attr,value", [
    ("ContentBasedDeduplication", "true"),
    ("DeduplicationScope", "messageGroup"),
    ("FifoThroughputLimit", "perQueue"),
])
def test_fifo_attributes_on_standard_queue(sqs, make_queue, attr, value):
    name = unique_name("stdfifoattr")
    resp = expect_error(sqs.create_queue, "InvalidAttributeName", 400, QueueName=name, Attributes={attr: value})
    # AWS's words for these two, as its CreateQueue answers show
    assert resp["Error"]["Message"] == {
        "DeduplicationScope": "You can specify the DeduplicationScope only when FifoQueue is set to true",
        "FifoThroughputLimit": "You can specify the FifoThroughputLimit only when FifoQueue is set to true.",
    }.get(attr, f"Unknown Attribute {attr}.")
    expect_error(sqs.get_queue_url, "AWS.SimpleQueueService.NonExistentQueue", 400, QueueName=name)
    std = make_queue(prefix="stdfifoset")
    expect_error(sqs.set_queue_attributes, "InvalidAttributeName", 400, QueueUrl=std,
                 Attributes={attr: value})
    a = sqs.get_queue_attributes(QueueUrl=std, AttributeNames=["All"])["Attributes"]
    assert attr not in a


# --------------------------------------------------------------------------- send validation

def test_send_requires_message_group_id(sqs):
    url = _fifo(sqs)
    expect_error(sqs.send_message, "MissingParameter", 400, QueueUrl=url, MessageBody="x",
                 MessageDeduplicationId="d1")
    assert queue_counts(sqs, url) == (0, 0, 0)


def test_send_requires_dedup_id_without_content_based(sqs):
    url = _fifo(sqs)
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=url, MessageBody="x",
                 MessageGroupId="g")
    assert queue_counts(sqs, url) == (0, 0, 0)


def test_send_per_message_delay_refused(sqs):
    url = _fifo(sqs)
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=url, MessageBody="x",
                 MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=5)
    assert queue_counts(sqs, url) == (0, 0, 0)
    # An explicit 0, which frameworks send by default, is accepted as on AWS.
    _send(sqs, url, "zero", DelaySeconds=0)
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "zero-batch", "MessageGroupId": "g", "MessageDeduplicationId": "zb", "DelaySeconds": 0}])
    assert _bodies(_recv(sqs, url, 10)) == ["zero", "zero-batch"]


def test_queue_delay_is_retroactive(sqs):
    """AWS's delay-queue guide: "For FIFO queues, the per-queue delay setting is retroactive-
    changing the setting affects the delay of messages already in the queue." Lowering it frees
    waiting messages (and the groups they head), raising it holds back ones not received yet;
    a message in flight keeps its visibility timeout."""
    url = _fifo(sqs, {"DelaySeconds": 60, "VisibilityTimeout": 60})
    _send(sqs, url, "d0", group="D")
    assert queue_counts(sqs, url) == (0, 0, 1)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})
    _send(sqs, url, "d1", group="D")
    _send(sqs, url, "x0", group="X")
    assert queue_counts(sqs, url) == (3, 0, 0)
    got = _recv(sqs, url, 10)
    assert sorted(_bodies(got)) == ["d0", "d1", "x0"]
    assert [m["Body"] for m in got if m["Attributes"]["MessageGroupId"] == "D"] == ["d0", "d1"]
    _send(sqs, url, "e0", group="E")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "60"})
    assert _recv(sqs, url, 10) == [], "raising the delay holds back a message not received yet"
    assert queue_counts(sqs, url) == (0, 3, 1)


def test_standard_queue_delay_is_not_retroactive(sqs):
    url = sqs.create_queue(QueueName=unique_name("nr"), Attributes={"DelaySeconds": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="held")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})
    sqs.send_message(QueueUrl=url, MessageBody="new")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert [m["Body"] for m in got] == ["new"]
    assert queue_counts(sqs, url) == (0, 1, 1)


@pytest.mark.parametrize("field,value", [
    ("MessageGroupId", "g" * 129),
    ("MessageDeduplicationId", "d" * 129),
    ("MessageGroupId", "has space"),
    ("MessageDeduplicationId", "has space"),
    ("MessageGroupId", "caf\u00e9"),
    ("MessageDeduplicationId", "caf\u00e9"),
    ("MessageGroupId", "tab\there"),
])
def test_send_invalid_group_or_dedup_id(sqs, field, value):
    url = _fifo(sqs)
    args = dict(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    args[field] = value
    expect_error(sqs.send_message, "InvalidParameterValue", 400, **args)
    assert queue_counts(sqs, url) == (0, 0, 0)


def test_send_ids_of_128_punctuation_and_alnum_accepted(sqs):
    url = _fifo(sqs)
    punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    group = ("G" + punct + "z9")[:128]
    dedup = ("d" * 128)
    r1 = _send(sqs, url, "one", group=group, dedup=dedup)
    long_group = "a" * 128
    r2 = _send(sqs, url, "two", group=long_group, dedup=punct)
    assert r1["MessageId"] != r2["MessageId"]
    msgs = _recv(sqs, url, VisibilityTimeout=30)
    got = {m["Body"]: m["Attributes"] for m in msgs}
    assert got["one"]["MessageGroupId"] == group and got["one"]["MessageDeduplicationId"] == dedup
    assert got["two"]["MessageGroupId"] == long_group and got["two"]["MessageDeduplicationId"] == punct


def test_sequence_numbers_strictly_increase(sqs):
    url = _fifo(sqs)
    seqs = []
    for i in range(6):
        r = _send(sqs, url, f"s{i}", group=f"g{i % 2}")
        assert r["MD5OfMessageBody"] == md5_hex(f"s{i}")
        seqs.append(_seq(r))
    resp = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": f"b{i}", "MessageBody": f"b{i}", "MessageGroupId": "g0",
         "MessageDeduplicationId": f"batch-{i}"} for i in range(4)])
    assert resp.get("Failed", []) == []
    by_id = {e["Id"]: e for e in resp["Successful"]}
    seqs += [_seq(by_id[f"b{i}"]) for i in range(4)]
    seqs.append(_seq(_send(sqs, url, "last")))
    assert all(a < b for a, b in zip(seqs, seqs[1:])), seqs


def test_sequence_numbers_not_reused_after_delete(sqs):
    url = _fifo(sqs)
    s1 = _seq(_send(sqs, url, "n1"))
    s2 = _seq(_send(sqs, url, "n2"))
    assert _bodies(_drain_in_order(sqs, url, 2)) == ["n1", "n2"]
    assert queue_counts(sqs, url) == (0, 0, 0)
    s3 = _seq(_send(sqs, url, "n3"))
    assert s1 < s2 < s3, (s1, s2, s3)


def test_sequence_number_returned_on_receive_matches_send(sqs):
    url = _fifo(sqs)
    r = _send(sqs, url, "attrs", group="grp-1", dedup="dedup-1")
    msgs = sqs.receive_message(QueueUrl=url, AttributeNames=["All"], VisibilityTimeout=30)["Messages"]
    assert len(msgs) == 1
    a = msgs[0]["Attributes"]
    assert a["MessageGroupId"] == "grp-1"
    assert a["MessageDeduplicationId"] == "dedup-1"
    assert a["SequenceNumber"] == r["SequenceNumber"]
    assert msgs[0]["MessageId"] == r["MessageId"]
    # the same through MessageSystemAttributeNames=All, and single names
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"], VisibilityTimeout=0)
    m = _recv(sqs, url, 1, VisibilityTimeout=0)[0]
    for k in ("MessageGroupId", "MessageDeduplicationId", "SequenceNumber", "ApproximateReceiveCount",
              "SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId"):
        assert k in m["Attributes"], (k, m["Attributes"])
    assert m["Attributes"]["SequenceNumber"] == r["SequenceNumber"]
    m = _recv(sqs, url, 1, MessageSystemAttributeNames=["MessageGroupId"], VisibilityTimeout=0)[0]
    assert m["Attributes"] == {"MessageGroupId": "grp-1"}


def test_content_based_dedup_id_on_receive(sqs):
    url = _fifo(sqs, {"ContentBasedDeduplication": "true"})
    sqs.send_message(QueueUrl=url, MessageBody="cbd-body", MessageGroupId="g")
    m = _recv(sqs, url, 1, VisibilityTimeout=30)[0]
    dedup = m["Attributes"].get("MessageDeduplicationId")
    # AWS: "Amazon SQS uses a SHA-256 hash to generate the MessageDeduplicationId using the body
    # of the message" -- also on this queue, which has SSE-SQS on by default.
    assert dedup == hashlib.sha256(b"cbd-body").hexdigest(), m["Attributes"]
    # a second, explicit send with the generated id is a duplicate of the first
    r = sqs.send_message(QueueUrl=url, MessageBody="different", MessageGroupId="g",
                         MessageDeduplicationId=dedup)
    assert r["MessageId"] == m["MessageId"]
    assert queue_counts(sqs, url) == (0, 1, 0)


# --------------------------------------------------------------------------- deduplication

def test_same_dedup_id_is_a_duplicate(sqs):
    url = _fifo(sqs)
    r1 = _send(sqs, url, "first", dedup="same")
    r2 = _send(sqs, url, "first", dedup="same")
    r3 = _send(sqs, url, "another body", dedup="same")
    assert r2["MessageId"] == r1["MessageId"] == r3["MessageId"]
    assert r2["SequenceNumber"] == r1["SequenceNumber"] == r3["SequenceNumber"]
    assert queue_counts(sqs, url) == (1, 0, 0)
    msgs = _recv(sqs, url, VisibilityTimeout=30)
    assert _bodies(msgs) == ["first"]
    # still deduplicated after the message was received and deleted
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])
    r4 = _send(sqs, url, "first", dedup="same")
    assert r4["MessageId"] == r1["MessageId"]
    assert queue_counts(sqs, url) == (0, 0, 0)
    assert _recv(sqs, url) == []
    # a new dedup id is a new message, with a later sequence number
    r5 = _send(sqs, url, "first", dedup="other")
    assert r5["MessageId"] != r1["MessageId"]
    assert _seq(r5) > _seq(r1)
    assert queue_counts(sqs, url) == (1, 0, 0)


def test_content_based_dedup(sqs):
    url = _fifo(sqs, {"ContentBasedDeduplication": "true"})
    r1 = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    r2 = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    assert r2["MessageId"] == r1["MessageId"] and r2["SequenceNumber"] == r1["SequenceNumber"]
    # attributes are not part of the content hash
    r3 = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g",
                          MessageAttributes={"a": {"DataType": "String", "StringValue": "v"}})
    assert r3["MessageId"] == r1["MessageId"]
    r4 = sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
    assert r4["MessageId"] != r1["MessageId"]
    assert queue_counts(sqs, url) == (2, 0, 0)
    # an explicit id overrides the content hash: same body, two ids → two messages
    r5 = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g",
                          MessageDeduplicationId="explicit-1")
    r6 = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g",
                          MessageDeduplicationId="explicit-2")
    assert len({r1["MessageId"], r5["MessageId"], r6["MessageId"]}) == 3
    assert queue_counts(sqs, url) == (4, 0, 0)
    got = _drain_in_order(sqs, url, 4)
    assert _bodies(got) == ["same body", "other body", "same body", "same body"]


def test_dedup_scope_queue_spans_groups(sqs):
    url = _fifo(sqs)
    r1 = _send(sqs, url, "a", group="g1", dedup="shared")
    r2 = _send(sqs, url, "b", group="g2", dedup="shared")
    assert r2["MessageId"] == r1["MessageId"]
    assert queue_counts(sqs, url) == (1, 0, 0)


def test_dedup_scope_message_group(sqs):
    url = _fifo(sqs, {"DeduplicationScope": "messageGroup"})
    r1 = _send(sqs, url, "a", group="g1", dedup="shared")
    r2 = _send(sqs, url, "b", group="g2", dedup="shared")
    assert r1["MessageId"] != r2["MessageId"]
    assert _seq(r2) > _seq(r1)
    r3 = _send(sqs, url, "c", group="g1", dedup="shared")
    assert r3["MessageId"] == r1["MessageId"] and r3["SequenceNumber"] == r1["SequenceNumber"]
    assert queue_counts(sqs, url) == (2, 0, 0)
    msgs = _recv(sqs, url, VisibilityTimeout=30)
    assert sorted((m["Attributes"]["MessageGroupId"], m["Body"]) for m in msgs) == [("g1", "a"), ("g2", "b")]


def test_dedup_inside_one_batch(sqs):
    url = _fifo(sqs)
    prior = _send(sqs, url, "prior", dedup="p")
    resp = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "e1", "MessageBody": "one", "MessageGroupId": "g", "MessageDeduplicationId": "x"},
        {"Id": "e2", "MessageBody": "two", "MessageGroupId": "g", "MessageDeduplicationId": "x"},
        {"Id": "e3", "MessageBody": "three", "MessageGroupId": "g", "MessageDeduplicationId": "y"},
        {"Id": "e4", "MessageBody": "again", "MessageGroupId": "g", "MessageDeduplicationId": "p"},
    ])
    assert resp.get("Failed", []) == []
    ok = {e["Id"]: e for e in resp["Successful"]}
    assert set(ok) == {"e1", "e2", "e3", "e4"}
    assert ok["e1"]["MessageId"] == ok["e2"]["MessageId"]
    assert ok["e1"]["SequenceNumber"] == ok["e2"]["SequenceNumber"]
    assert ok["e3"]["MessageId"] != ok["e1"]["MessageId"]
    assert ok["e4"]["MessageId"] == prior["MessageId"]
    assert queue_counts(sqs, url) == (3, 0, 0)
    got = _drain_in_order(sqs, url, 3)
    assert _bodies(got) == ["prior", "one", "three"]


def test_dedup_window_survives_restart(fresh_daemon):
    d = fresh_daemon()
    sqs = make_client(d)
    url = _fifo(sqs, {"ContentBasedDeduplication": "true"}, prefix="rsdedup")
    r1 = _send(sqs, url, "before restart", dedup="keep-me")
    r2 = sqs.send_message(QueueUrl=url, MessageBody="content based", MessageGroupId="g2")
    # received and deleted before the restart: still remembered
    m = _recv(sqs, url, 10, VisibilityTimeout=30)
    assert sorted(_bodies(m)) == ["before restart", "content based"]
    for x in m:
        if x["Body"] == "content based":
            sqs.delete_message(QueueUrl=url, ReceiptHandle=x["ReceiptHandle"])
    port = d.port
    assert d.stop(), "daemon did not exit within 10 s of SIGTERM"
    d.start(port=port)
    sqs = make_client(d)
    r3 = _send(sqs, url, "before restart", dedup="keep-me")
    assert r3["MessageId"] == r1["MessageId"]
    assert r3["SequenceNumber"] == r1["SequenceNumber"]
    r4 = sqs.send_message(QueueUrl=url, MessageBody="content based", MessageGroupId="g2")
    assert r4["MessageId"] == r2["MessageId"]
    assert queue_counts(sqs, url) == (0, 1, 0)
    # sequence numbers keep increasing after the restart
    r5 = _send(sqs, url, "after restart", group="g3")
    assert _seq(r5) > _seq(r2) > _seq(r1)


# --------------------------------------------------------------------------- order and group blocking

def test_strict_order_within_group(sqs):
    url = _fifo(sqs)
    n = 25
    for i in range(n):
        _send(sqs, url, f"m{i:02d}", group="only")
    got = _drain_in_order(sqs, url, n)
    assert _bodies(got) == [f"m{i:02d}" for i in range(n)]
    seqs = [int(m["Attributes"]["SequenceNumber"]) for m in got]
    assert seqs == sorted(seqs)


def test_order_per_group_with_interleaved_groups(sqs):
    url = _fifo(sqs)
    for i in range(8):
        for g in ("ga", "gb", "gc"):
            _send(sqs, url, f"{g}-{i}", group=g)
    got = _drain_in_order(sqs, url, 24)
    assert len(got) == 24
    for g in ("ga", "gb", "gc"):
        mine = [m["Body"] for m in got if m["Attributes"]["MessageGroupId"] == g]
        assert mine == [f"{g}-{i}" for i in range(8)], mine


def test_group_blocked_while_in_flight(sqs):
    url = _fifo(sqs)
    _send(sqs, url, "a1", group="A")
    _send(sqs, url, "a2", group="A")
    first = _recv(sqs, url, 1, VisibilityTimeout=30)
    assert _bodies(first) == ["a1"]
    # group A is blocked; nothing else is available
    assert _recv(sqs, url, 10, VisibilityTimeout=30) == []
    _send(sqs, url, "b1", group="B")
    _send(sqs, url, "a3", group="A")
    # other groups keep flowing, A's later messages do not
    assert _bodies(_recv(sqs, url, 10, VisibilityTimeout=30)) == ["b1"]
    assert _recv(sqs, url, 10, VisibilityTimeout=30) == []
    assert queue_counts(sqs, url) == (2, 2, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    nxt = _recv(sqs, url, 1, VisibilityTimeout=30)
    assert _bodies(nxt) == ["a2"]
    assert _recv(sqs, url, 10, VisibilityTimeout=30) == []
    sqs.delete_message(QueueUrl=url, ReceiptHandle=nxt[0]["ReceiptHandle"])
    assert _bodies(_recv(sqs, url, 10, VisibilityTimeout=30)) == ["a3"]


def test_group_blocked_by_long_poll_too(sqs):
    url = _fifo(sqs)
    _send(sqs, url, "x1", group="X")
    _send(sqs, url, "x2", group="X")
    assert _bodies(_recv(sqs, url, 1, VisibilityTimeout=30)) == ["x1"]
    t0 = time.monotonic()
    assert _recv(sqs, url, 10, WaitTimeSeconds=1, VisibilityTimeout=30) == []
    assert time.monotonic() - t0 >= 0.8


def test_order_holds_across_visibility_expiry(sqs):
    url = _fifo(sqs)
    for i in range(3):
        _send(sqs, url, f"v{i}", group="V")
    m1 = _recv(sqs, url, 1, VisibilityTimeout=1)
    assert _bodies(m1) == ["v0"]
    assert _recv(sqs, url, 10, VisibilityTimeout=30) == []
    time.sleep(1.2)
    again = []
    deadline = time.monotonic() + 2
    while not again and time.monotonic() < deadline:
        again = _recv(sqs, url, 10, VisibilityTimeout=30)
        if not again:
            time.sleep(0.1)
    assert again, "message did not come back after its visibility timeout"
    assert _bodies(again) == ["v0", "v1", "v2"][:len(again)]
    assert again[0]["MessageId"] == m1[0]["MessageId"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again[0]["ReceiptHandle"] != m1[0]["ReceiptHandle"]


def test_receive_many_of_one_group_in_order(sqs):
    url = _fifo(sqs)
    for i in range(5):
        _send(sqs, url, f"k{i}", group="K")
    msgs = _recv(sqs, url, 10, VisibilityTimeout=30)
    assert msgs, "nothing received"
    assert _bodies(msgs) == [f"k{i}" for i in range(len(msgs))]
    # everything left in K stays blocked behind the in-flight ones
    assert _recv(sqs, url, 10, VisibilityTimeout=30) == []
    for m in msgs:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    rest = _drain_in_order(sqs, url, 5 - len(msgs)) if len(msgs) < 5 else []
    assert _bodies(msgs + rest) == [f"k{i}" for i in range(5)]


def test_receive_many_groups_each_in_order(sqs):
    url = _fifo(sqs)
    for i in range(3):
        for g in ("P", "Q"):
            _send(sqs, url, f"{g}{i}", group=g)
    msgs = _recv(sqs, url, 10, VisibilityTimeout=30)
    for g in ("P", "Q"):
        mine = [m["Body"] for m in msgs if m["Attributes"]["MessageGroupId"] == g]
        assert mine == [f"{g}{i}" for i in range(len(mine))], msgs



def _with_redrive_after_one_receive(sqs):
    """A FIFO source whose messages move to a FIFO dead-letter queue on their second receive."""
    dlq = _fifo(sqs, prefix="ffdlq")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
    return _fifo(sqs, {"RedrivePolicy": policy}), dlq


@pytest.mark.parametrize("wait", [0, 5])
def test_receive_that_dead_letters_the_head_serves_the_next_message(sqs, wait):
    src, dlq = _with_redrive_after_one_receive(sqs)
    for i in range(3):
        _send(sqs, src, f"m{i}", group="G")
    assert _bodies(_recv(sqs, src, 1, VisibilityTimeout=1)) == ["m0"]
    time.sleep(1.2)
    started = time.monotonic()
    got = _recv(sqs, src, 1, VisibilityTimeout=30, WaitTimeSeconds=wait)
    assert _bodies(got) == ["m1"], "m0 moves to the dead-letter queue and the group goes on with m1"
    assert time.monotonic() - started < 1.0
    assert _bodies(_recv(sqs, dlq)) == ["m0"]

# --------------------------------------------------------------------------- receive request attempt id

def test_a_long_poll_with_an_attempt_id_gets_what_arrives_during_the_wait(sqs):
    import threading
    url = _fifo(sqs)
    threading.Timer(1.5, lambda: _send(sqs, url, "arrived", group="L")).start()
    started = time.monotonic()
    got = _recv(sqs, url, 10, WaitTimeSeconds=8, ReceiveRequestAttemptId="waiting")
    assert _bodies(got) == ["arrived"] and time.monotonic() - started < 6
    # an attempt that got nothing leaves nothing to replay
    other = _fifo(sqs)
    assert _recv(sqs, other, 10, ReceiveRequestAttemptId="empty-first") == []
    _send(sqs, other, "later", group="E")
    assert _bodies(_recv(sqs, other, 10, ReceiveRequestAttemptId="empty-first")) == ["later"]


def test_a_retried_attempt_resets_the_visibility_timeout(sqs):
    url = _fifo(sqs, {"VisibilityTimeout": 4})
    for i in range(2):
        _send(sqs, url, f"v{i}", group="V")
    first = _recv(sqs, url, 10, ReceiveRequestAttemptId="retry-me")
    time.sleep(3)
    again = _recv(sqs, url, 10, ReceiveRequestAttemptId="retry-me")
    assert [m["ReceiptHandle"] for m in again] == [m["ReceiptHandle"] for m in first]
    time.sleep(2)  # 5 s after the first receive, 2 s after the retry
    assert _recv(sqs, url, 10) == [], "the retry restarted the 4-second visibility timeout"

def test_receive_request_attempt_id_replays(sqs):
    url = _fifo(sqs)
    for i in range(3):
        _send(sqs, url, f"r{i}", group="R")
    first = _recv(sqs, url, 10, VisibilityTimeout=30, ReceiveRequestAttemptId="attempt-1")
    assert first and _bodies(first) == [f"r{i}" for i in range(len(first))]
    again = _recv(sqs, url, 10, VisibilityTimeout=30, ReceiveRequestAttemptId="attempt-1")
    assert [(m["MessageId"], m["ReceiptHandle"]) for m in again] == \
        [(m["MessageId"], m["ReceiptHandle"]) for m in first]
    assert _bodies(again) == _bodies(first)
    # a different attempt id gets nothing while they are in flight
    assert _recv(sqs, url, 10, VisibilityTimeout=30, ReceiveRequestAttemptId="attempt-2") == []
    # the replayed handles are valid
    for m in again:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    if len(first) < 3:
        assert _bodies(_recv(sqs, url, 10, VisibilityTimeout=30))[0] == f"r{len(first)}"


def test_an_attempt_whose_messages_were_modified_is_not_replayed(sqs):
    """AWS: a retry with the same ReceiveRequestAttemptId is possible "if none of the messages
    have been modified (deleted or had their visibility changes)"; a retry after that is refused
    as AWS refuses it ("... is not valid anymore since the receive call is not retryable"),
    handing out nothing: not the modified receive again, not other messages under its id."""
    url = _fifo(sqs)
    for i in range(3):
        _send(sqs, url, f"a{i}", group="A" if i < 2 else "A2")
    first = _recv(sqs, url, 2, VisibilityTimeout=30, ReceiveRequestAttemptId="changed")
    assert _bodies(first) == ["a0", "a1"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"], VisibilityTimeout=600)
    err = expect_error(sqs.receive_message, "InvalidParameterValue", 400, QueueUrl=url, MaxNumberOfMessages=10,
                       VisibilityTimeout=2, ReceiveRequestAttemptId="changed")
    assert "not retryable" in err["Error"]["Message"], err
    assert queue_counts(sqs, url) == (1, 2, 0), "a2 stays in the queue, the attempt's two stay in flight"

    other = _fifo(sqs)
    for i in range(3):
        _send(sqs, other, f"b{i}", group="B" if i < 2 else "B2")
    first = _recv(sqs, other, 2, VisibilityTimeout=30, ReceiveRequestAttemptId="deleted")
    assert _bodies(first) == ["b0", "b1"]
    sqs.delete_message(QueueUrl=other, ReceiptHandle=first[0]["ReceiptHandle"])
    expect_error(sqs.receive_message, "InvalidParameterValue", 400, QueueUrl=other, MaxNumberOfMessages=10,
                 VisibilityTimeout=30, ReceiveRequestAttemptId="deleted")
    assert queue_counts(sqs, other) == (1, 1, 0)

    # given back at once and received by another consumer: modified too, not a fresh receive
    given = _fifo(sqs)
    for i in range(2):
        _send(sqs, given, f"g{i}", group="G" if i < 1 else "G2")
    first = _recv(sqs, given, 1, VisibilityTimeout=30, ReceiveRequestAttemptId="given")
    sqs.change_message_visibility(QueueUrl=given, ReceiptHandle=first[0]["ReceiptHandle"], VisibilityTimeout=0)
    assert _bodies(_recv(sqs, given, 1, VisibilityTimeout=30)) == ["g0"]
    expect_error(sqs.receive_message, "InvalidParameterValue", 400, QueueUrl=given, MaxNumberOfMessages=10,
                 VisibilityTimeout=30, ReceiveRequestAttemptId="given")
    assert queue_counts(sqs, given) == (1, 1, 0), "g1 not handed out under the old attempt id"
    # an unmodified attempt still replays, also a second time
    third = _fifo(sqs)
    _send(sqs, third, "c0", group="C")
    first = _recv(sqs, third, 10, VisibilityTimeout=30, ReceiveRequestAttemptId="kept")
    for _ in range(2):
        again = _recv(sqs, third, 10, VisibilityTimeout=30, ReceiveRequestAttemptId="kept")
        assert [m["ReceiptHandle"] for m in again] == [m["ReceiptHandle"] for m in first]


@pytest.mark.parametrize("attempt", ["a" * 129, "has space", "caf\u00e9"])
def test_receive_request_attempt_id_invalid(sqs, attempt):
    url = _fifo(sqs)
    _send(sqs, url, "x")
    expect_error(sqs.receive_message, "InvalidParameterValue", 400, QueueUrl=url,
                 ReceiveRequestAttemptId=attempt)
    assert queue_counts(sqs, url) == (1, 0, 0)


def test_receive_request_attempt_id_of_128_accepted(sqs):
    url = _fifo(sqs)
    _send(sqs, url, "x")
    msgs = _recv(sqs, url, 1, VisibilityTimeout=30, ReceiveRequestAttemptId="A" * 127 + "!")
    assert _bodies(msgs) == ["x"]


# --------------------------------------------------------------------------- receipt handles

def test_delete_with_expired_handle_refused(sqs):
    url = _fifo(sqs)
    _send(sqs, url, "expire-me", group="E")
    m = _recv(sqs, url, 1, VisibilityTimeout=1)
    assert _bodies(m) == ["expire-me"]
    time.sleep(1.3)
    # AWS: "Value <handle> for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
    err = expect_error(sqs.delete_message, "InvalidParameterValue", 400, QueueUrl=url,
                       ReceiptHandle=m[0]["ReceiptHandle"])
    assert err["Error"]["Message"] == (
        f"Value {m[0]['ReceiptHandle']} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
    # in a batch, AWS reports the entry as ReceiptHandleIsInvalid, "The receipt handle has expired"
    failed = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "e", "ReceiptHandle": m[0]["ReceiptHandle"]}])["Failed"]
    assert [(f["Id"], f["Code"], f["Message"]) for f in failed] == [("e", "ReceiptHandleIsInvalid", "The receipt handle has expired.")]
    # the message was not deleted: it is visible and comes back
    assert queue_counts(sqs, url) == (1, 0, 0)
    m2 = _recv(sqs, url, 1, VisibilityTimeout=30)
    assert m2 and m2[0]["MessageId"] == m[0]["MessageId"]
    assert m2[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m2[0]["ReceiptHandle"])
    assert queue_counts(sqs, url) == (0, 0, 0)


def test_handle_of_deleted_message_never_deletes_another(sqs):
    url = _fifo(sqs)
    _send(sqs, url, "A", dedup="a")
    a = _recv(sqs, url, 1, VisibilityTimeout=30)
    assert _bodies(a) == ["A"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=a[0]["ReceiptHandle"])
    _send(sqs, url, "B", dedup="b")
    b = _recv(sqs, url, 1, VisibilityTimeout=30)
    assert _bodies(b) == ["B"]
    # AWS answers a repeated delete of A with success or ReceiptHandleIsInvalid; B must survive either way
    try:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=a[0]["ReceiptHandle"])
    except Exception as e:  # noqa: BLE001 - only the effect on B matters here
        assert "ReceiptHandleIsInvalid" in str(e), e
    assert queue_counts(sqs, url) == (0, 1, 0), "a stale handle of a deleted message removed another message"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=b[0]["ReceiptHandle"])
    assert queue_counts(sqs, url) == (0, 0, 0)


def test_change_visibility_extends_group_block(sqs):
    url = _fifo(sqs)
    _send(sqs, url, "c1", group="C")
    _send(sqs, url, "c2", group="C")
    _send(sqs, url, "d1", group="D")
    m = _recv(sqs, url, 1, VisibilityTimeout=1)
    assert _bodies(m) == ["c1"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m[0]["ReceiptHandle"], VisibilityTimeout=30)
    time.sleep(1.3)
    # C is still blocked (c1 in flight for 30 s); D flows
    assert _bodies(_recv(sqs, url, 10, VisibilityTimeout=30)) == ["d1"]
    assert _recv(sqs, url, 10, VisibilityTimeout=30) == []
    # the handle is still valid after the extension
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m[0]["ReceiptHandle"])
    assert _bodies(_recv(sqs, url, 10, VisibilityTimeout=30)) == ["c2"]


def test_change_visibility_to_zero_releases_group(sqs):
    url = _fifo(sqs)
    _send(sqs, url, "z1", group="Z")
    _send(sqs, url, "z2", group="Z")
    m = _recv(sqs, url, 1, VisibilityTimeout=60)
    assert _bodies(m) == ["z1"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m[0]["ReceiptHandle"], VisibilityTimeout=0)
    again = _recv(sqs, url, 1, VisibilityTimeout=60)
    assert _bodies(again) == ["z1"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


# --------------------------------------------------------------------------- purge

def test_purge_fifo_queue(sqs):
    url = _fifo(sqs)
    for i in range(3):
        _send(sqs, url, f"p{i}", group="P")
    _send(sqs, url, "q0", group="Q")
    inflight = _recv(sqs, url, 1, VisibilityTimeout=60)
    assert inflight
    sqs.purge_queue(QueueUrl=url)
    deadline = time.monotonic() + 3
    while queue_counts(sqs, url) != (0, 0, 0) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert queue_counts(sqs, url) == (0, 0, 0)
    assert _recv(sqs, url, 10) == []
    # the groups are not left blocked by purged in-flight messages
    _send(sqs, url, "after", group=inflight[0]["Attributes"]["MessageGroupId"])
    assert _bodies(_recv(sqs, url, 10, VisibilityTimeout=30)) == ["after"]


# --------------------------------------------------------------------------- Query protocol

def _qok(st, root, op):
    assert st == 200, (st, xml_error(root))
    return xfind(root, f"{op}Result")


def _qerr(st, root, code, status=400):
    assert st == status, (st, xml_error(root))
    typ, c, msg = xml_error(root)
    assert c == code, (c, msg)
    assert typ == "Sender"


def _qcreate(query, params=None):
    name = _fifo_name("qf")
    p = {"QueueName": name, "Attribute.1.Name": "FifoQueue", "Attribute.1.Value": "true"}
    p.update(params or {})
    res = _qok(*query("CreateQueue", p), "CreateQueue")
    return name, xtext(res, "QueueUrl")


def test_query_create_fifo_and_attributes(query):
    name, url = _qcreate(query, {"Attribute.2.Name": "ContentBasedDeduplication",
                                 "Attribute.2.Value": "true"})
    assert url.endswith("/" + name)
    res = _qok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "All"}),
               "GetQueueAttributes")
    a = xml_attributes(res)
    assert a["FifoQueue"] == "true"
    assert a["ContentBasedDeduplication"] == "true"
    assert a["DeduplicationScope"] == "queue"
    assert a["FifoThroughputLimit"] == "perQueue"


def test_query_create_errors(query):
    _qerr(*query("CreateQueue", {"QueueName": _fifo_name("qnof")}), "InvalidParameterValue")
    _qerr(*query("CreateQueue", {"QueueName": unique_name("qnos"), "Attribute.1.Name": "FifoQueue",
                                 "Attribute.1.Value": "true"}), "InvalidParameterValue")
    _qerr(*query("CreateQueue", {"QueueName": unique_name("qstd"),
                                 "Attribute.1.Name": "ContentBasedDeduplication",
                                 "Attribute.1.Value": "true"}), "InvalidAttributeName")
    _qerr(*query("CreateQueue", {"QueueName": _fifo_name("qbad"), "Attribute.1.Name": "FifoQueue",
                                 "Attribute.1.Value": "true", "Attribute.2.Name": "DeduplicationScope",
                                 "Attribute.2.Value": "nope"}), "InvalidAttributeValue")
    _, url = _qcreate(query)
    _qerr(*query("SetQueueAttributes", {"QueueUrl": url, "Attribute.1.Name": "FifoQueue",
                                        "Attribute.1.Value": "true"}), "InvalidAttributeName")


def test_query_send_dedup_and_errors(query):
    _, url = _qcreate(query)
    base = {"QueueUrl": url, "MessageBody": "qbody", "MessageGroupId": "qg",
            "MessageDeduplicationId": "qd"}
    r1 = _qok(*query("SendMessage", base), "SendMessage")
    seq1 = xtext(r1, "SequenceNumber")
    assert seq1 and seq1.isdigit()
    assert xtext(r1, "MD5OfMessageBody") == md5_hex("qbody")
    r2 = _qok(*query("SendMessage", base), "SendMessage")
    assert xtext(r2, "MessageId") == xtext(r1, "MessageId")
    assert xtext(r2, "SequenceNumber") == seq1
    r3 = _qok(*query("SendMessage", dict(base, MessageDeduplicationId="qd2")), "SendMessage")
    assert int(xtext(r3, "SequenceNumber")) > int(seq1)

    no_group = {k: v for k, v in base.items() if k != "MessageGroupId"}
    _qerr(*query("SendMessage", no_group), "MissingParameter")
    no_dedup = {k: v for k, v in base.items() if k != "MessageDeduplicationId"}
    _qerr(*query("SendMessage", no_dedup), "InvalidParameterValue")
    _qerr(*query("SendMessage", dict(base, MessageDeduplicationId="new", DelaySeconds="3")),
          "InvalidParameterValue")
    _qerr(*query("SendMessage", dict(base, MessageGroupId="x" * 129)), "InvalidParameterValue")
    _qerr(*query("SendMessage", dict(base, MessageDeduplicationId="a b")), "InvalidParameterValue")

    res = _qok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "ApproximateNumberOfMessages"}),
               "GetQueueAttributes")
    assert xml_attributes(res)["ApproximateNumberOfMessages"] == "2"


def test_query_batch_dedup_and_sequence(query):
    _, url = _qcreate(query)
    p = {"QueueUrl": url}
    for i, (eid, body, dedup) in enumerate([("e1", "one", "x"), ("e2", "two", "x"), ("e3", "three", "y")], 1):
        p[f"SendMessageBatchRequestEntry.{i}.Id"] = eid
        p[f"SendMessageBatchRequestEntry.{i}.MessageBody"] = body
        p[f"SendMessageBatchRequestEntry.{i}.MessageGroupId"] = "bg"
        p[f"SendMessageBatchRequestEntry.{i}.MessageDeduplicationId"] = dedup
    res = _qok(*query("SendMessageBatch", p), "SendMessageBatch")
    assert xfindall(res, "BatchResultErrorEntry") == []
    ok = {xtext(e, "Id"): e for e in xfindall(res, "SendMessageBatchResultEntry")}
    assert set(ok) == {"e1", "e2", "e3"}
    assert xtext(ok["e1"], "MessageId") == xtext(ok["e2"], "MessageId")
    assert xtext(ok["e1"], "SequenceNumber").isdigit()
    assert int(xtext(ok["e3"], "SequenceNumber")) > int(xtext(ok["e1"], "SequenceNumber"))
    res = _qok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "ApproximateNumberOfMessages"}),
               "GetQueueAttributes")
    assert xml_attributes(res)["ApproximateNumberOfMessages"] == "2"


def test_query_receive_attributes_and_attempt_id(query):
    _, url = _qcreate(query)
    sent = []
    for i in range(2):
        r = _qok(*query("SendMessage", {"QueueUrl": url, "MessageBody": f"qm{i}", "MessageGroupId": "QG",
                                        "MessageDeduplicationId": f"qdd{i}"}), "SendMessage")
        sent.append((xtext(r, "MessageId"), xtext(r, "SequenceNumber")))
    rp = {"QueueUrl": url, "MaxNumberOfMessages": "1", "VisibilityTimeout": "30",
          "AttributeName.1": "All", "ReceiveRequestAttemptId": "q-attempt-1"}
    res = _qok(*query("ReceiveMessage", rp), "ReceiveMessage")
    msgs = xfindall(res, "Message")
    assert len(msgs) == 1
    m = msgs[0]
    assert xtext(m, "Body") == "qm0"
    assert xtext(m, "MessageId") == sent[0][0]
    a = xml_attributes(m)
    assert a["MessageGroupId"] == "QG"
    assert a["MessageDeduplicationId"] == "qdd0"
    assert a["SequenceNumber"] == sent[0][1]
    # a retry with the same attempt id returns the same message and receipt handle
    res2 = _qok(*query("ReceiveMessage", rp), "ReceiveMessage")
    m2 = xfindall(res2, "Message")
    assert [(xtext(x, "MessageId"), xtext(x, "ReceiptHandle")) for x in m2] == \
        [(xtext(m, "MessageId"), xtext(m, "ReceiptHandle"))]
    # another attempt id: the group is blocked
    res3 = _qok(*query("ReceiveMessage", dict(rp, ReceiveRequestAttemptId="q-attempt-2")), "ReceiveMessage")
    assert xfindall(res3, "Message") == []
    _qerr(*query("ReceiveMessage", dict(rp, ReceiveRequestAttemptId="z" * 129)), "InvalidParameterValue")
    # delete, then the next message of the group comes
    _qok(*query("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": xtext(m, "ReceiptHandle")}), "DeleteMessage")
    res4 = _qok(*query("ReceiveMessage", dict(rp, ReceiveRequestAttemptId="q-attempt-3")), "ReceiveMessage")
    assert [xtext(x, "Body") for x in xfindall(res4, "Message")] == ["qm1"]


def test_query_delete_with_expired_handle(query):
    _, url = _qcreate(query)
    _qok(*query("SendMessage", {"QueueUrl": url, "MessageBody": "qe", "MessageGroupId": "g",
                                "MessageDeduplicationId": "qe"}), "SendMessage")
    res = _qok(*query("ReceiveMessage", {"QueueUrl": url, "VisibilityTimeout": "1"}), "ReceiveMessage")
    handle = xtext(xfind(res, "Message"), "ReceiptHandle")
    assert handle
    time.sleep(1.3)
    _qerr(*query("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": handle}), "InvalidParameterValue")
