"""SendMessage / ReceiveMessage / DeleteMessage, bodies, delays, long polling, system attributes."""

import os
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import Daemon, expect_error, make_client, wait_until, md5_hex, md5_of_attributes, queue_counts, receive_bodies


def test_send_receive_delete_roundtrip(sqs, queue):
    body = "hello " + uuid.uuid4().hex
    sent = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert sent["MD5OfMessageBody"] == md5_hex(body)
    uuid.UUID(sent["MessageId"])  # SQS message ids are UUIDs
    assert "MD5OfMessageAttributes" not in sent
    assert "MD5OfMessageSystemAttributes" not in sent
    assert "SequenceNumber" not in sent  # standard queue

    msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert len(msgs) == 1
    m = msgs[0]
    assert m["Body"] == body
    assert m["MessageId"] == sent["MessageId"]
    assert m["MD5OfBody"] == md5_hex(body)
    assert m["ReceiptHandle"]
    assert "MessageAttributes" not in m and "MD5OfMessageAttributes" not in m
    assert m.get("Attributes", {}) == {}

    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    assert queue_counts(sqs, queue) == (0, 0, 0)
    assert sqs.receive_message(QueueUrl=queue).get("Messages", []) == []


def test_message_ids_are_unique(sqs, queue):
    ids = {sqs.send_message(QueueUrl=queue, MessageBody="same")["MessageId"] for _ in range(5)}
    assert len(ids) == 5
    got = receive_bodies(sqs, queue, 5)
    assert {m["MessageId"] for m in got} == ids


@pytest.mark.parametrize("body", [
    "tab\tnewline\ncr\rend",
    "\r\n",
    " ",
    "\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9 \u20ac \u65e5\u672c\u8a9e",
    "emoji \U0001F600 and \U0010FFFF",
    "edges \ud7ff \ue000 \ufffd",
    "<xml attr=\"v\">&amp;</xml> 'q'",
    '{"json": [1, 2, {"a": null}]}',
    "trailing spaces   ",
], ids=["ws", "crlf", "space", "latin-cjk", "astral", "edges", "xml", "json", "trailing"])
def test_body_allowed_characters_roundtrip(sqs, queue, body):
    sent = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert sent["MD5OfMessageBody"] == md5_hex(body)
    m = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"][0]
    assert m["Body"] == body
    assert m["MD5OfBody"] == md5_hex(body)


@pytest.mark.parametrize("body", [
    "nul\u0000", "a\u0001b", "\u0008", "\u000b", "\u000c", "\u001f", "x\ufffe", "x\uffff",
], ids=["nul", "soh", "bs", "vt", "ff", "us", "fffe", "ffff"])
def test_body_disallowed_characters(sqs, queue, body):
    """Refused with AWS's message, which names the first character it refused."""
    resp = expect_error(sqs.send_message, "InvalidMessageContents", 400, QueueUrl=queue, MessageBody=body)
    refused = next(c for c in body if ord(c) < 0x20 or ord(c) > 0xFFFD)
    assert resp["Error"]["Message"] == (
        f"Invalid binary character '#x{ord(refused):X}' was found in the message body, the set of allowed "
        "characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].")
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_empty_body(sqs, queue):
    expect_error(sqs.send_message, "MissingParameter", 400, QueueUrl=queue, MessageBody="")
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_body_size_limit_of_queue(sqs, make_queue):
    url = make_queue({"MaximumMessageSize": 1024})
    sqs.send_message(QueueUrl=url, MessageBody="a" * 1024)
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=url, MessageBody="a" * 1025)
    # the limit counts UTF-8 bytes, not characters
    sqs.send_message(QueueUrl=url, MessageBody="\u00e9" * 512)
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=url, MessageBody="\u00e9" * 513)
    assert queue_counts(sqs, url)[0] == 2


def test_message_size_counts_attributes(sqs, make_queue):
    url = make_queue({"MaximumMessageSize": 1024})
    attrs = {"big": {"DataType": "String", "StringValue": "v" * 200}}
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=url,
                 MessageBody="a" * 1000, MessageAttributes=attrs)
    sqs.send_message(QueueUrl=url, MessageBody="a" * 700, MessageAttributes=attrs)


def test_default_max_size_is_one_mebibyte(sqs, queue):
    body = ("0123456789abcdef" * 65536)
    assert len(body) == 1048576
    sent = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert sent["MD5OfMessageBody"] == md5_hex(body)
    m = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"][0]
    assert m["Body"] == body
    assert m["MD5OfBody"] == md5_hex(body)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=queue, MessageBody=body + "x")


@pytest.mark.parametrize("delay", [-1, 901])
def test_send_delay_out_of_range(sqs, queue, delay):
    expect_error(sqs.send_message, "InvalidParameterValue", 400,
                 QueueUrl=queue, MessageBody="x", DelaySeconds=delay)
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_send_delay_maximum(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x", DelaySeconds=900)
    assert queue_counts(sqs, queue) == (0, 0, 1)
    assert sqs.receive_message(QueueUrl=queue).get("Messages", []) == []


def test_message_group_id_accepted_on_standard_queue(sqs, queue):
    sent = sqs.send_message(QueueUrl=queue, MessageBody="fair", MessageGroupId="tenant-1")
    m = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1, MessageSystemAttributeNames=["All"])["Messages"][0]
    assert m["MessageId"] == sent["MessageId"]
    assert m["Body"] == "fair"


# ---------------------------------------------------------------- ReceiveMessage parameters

def test_receive_max_number_of_messages(sqs, queue):
    ids = {sqs.send_message(QueueUrl=queue, MessageBody=f"n{i}")["MessageId"] for i in range(12)}
    one = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, VisibilityTimeout=60)["Messages"]
    assert len(one) == 1
    seen = {one[0]["MessageId"]}
    deadline = time.monotonic() + 10
    while len(seen) < 12 and time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=60,
                                  WaitTimeSeconds=1).get("Messages", [])
        assert len(got) <= 10
        for m in got:
            assert m["MessageId"] not in seen, "an in-flight message was delivered twice"
            seen.add(m["MessageId"])
    assert seen == ids


def test_receive_default_is_one_message(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"d{i}")
    got = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert len(got) == 1


@pytest.mark.parametrize("n", [0, 11, -1])
def test_receive_max_number_out_of_range(sqs, queue, n):
    expect_error(sqs.receive_message, "InvalidParameterValue", 400, QueueUrl=queue, MaxNumberOfMessages=n)


@pytest.mark.parametrize("w", [21, -1])
def test_receive_wait_time_out_of_range(sqs, queue, w):
    expect_error(sqs.receive_message, "InvalidParameterValue", 400, QueueUrl=queue, WaitTimeSeconds=w)


@pytest.mark.parametrize("v", [43201, -1])
def test_receive_visibility_out_of_range(sqs, queue, v):
    expect_error(sqs.receive_message, "InvalidParameterValue", 400, QueueUrl=queue, VisibilityTimeout=v)


def test_short_poll_on_empty_queue_is_fast(sqs, queue):
    t = time.monotonic()
    resp = sqs.receive_message(QueueUrl=queue)
    assert time.monotonic() - t < 1.0
    assert resp.get("Messages", []) == []
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_long_poll_empty_waits(sqs, queue):
    t = time.monotonic()
    resp = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2)
    el = time.monotonic() - t
    assert resp.get("Messages", []) == []
    assert 1.8 <= el < 5, el


def _send_later(sqs, url, body, after):
    def run():
        time.sleep(after)
        sqs.send_message(QueueUrl=url, MessageBody=body)
    th = threading.Thread(target=run)
    th.start()
    return th


def test_long_poll_returns_early_on_send(sqs, client_factory, queue):
    th = _send_later(client_factory(), queue, "wake-up", 1.0)
    t = time.monotonic()
    msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=10).get("Messages", [])
    el = time.monotonic() - t
    th.join()
    assert [m["Body"] for m in msgs] == ["wake-up"]
    assert 0.8 <= el < 4, el


def test_many_long_polls_each_message_reaches_one_promptly(client_factory, queue):
    """Twelve receives long-poll the queue (a message wakes as many of them as it needs, not all
    twelve): single sends, a batch and a delayed message each reach exactly one, within about a
    second of becoming visible."""
    received, lock, stop = [], threading.Lock(), threading.Event()

    def poll(client):
        while not stop.is_set():
            for m in client.receive_message(QueueUrl=queue, WaitTimeSeconds=3, MaxNumberOfMessages=10).get("Messages", []):
                with lock:
                    received.append((m["Body"], time.monotonic()))
                client.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])

    pollers = [threading.Thread(target=poll, args=(client_factory(),)) for _ in range(12)]
    for t in pollers:
        t.start()
    time.sleep(0.5)
    sender = client_factory()
    visible_at = {}
    for i in range(10):
        visible_at[f"single-{i}"] = time.monotonic()
        sender.send_message(QueueUrl=queue, MessageBody=f"single-{i}")
        time.sleep(0.2)
    visible_at["delayed"] = time.monotonic() + 4  # past the end of every wait under way
    sender.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=4)
    now = time.monotonic()
    sender.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": f"batch-{i}"} for i in range(10)])
    visible_at.update({f"batch-{i}": now for i in range(10)})
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(received) < len(visible_at):
        time.sleep(0.1)
    stop.set()
    for t in pollers:
        t.join(timeout=10)
    assert sorted(body for body, _ in received) == sorted(visible_at), "each message received exactly once"
    late = {body: round(at - visible_at[body], 2) for body, at in received if at - visible_at[body] > 2}
    assert late == {}, f"received more than 2 s after becoming visible: {late}"


def test_long_polls_whose_clients_hung_up_leave_a_later_message_visible(sqs, client_factory, make_queue):
    """Clients that give up on a long poll (their read times out and they close the connection)
    leave no waiting receive that would claim a later message for nobody and hide it for the
    queue's ten minutes of visibility timeout."""
    url = make_queue({"VisibilityTimeout": 600})

    def give_up():
        with pytest.raises(Exception):  # botocore's ReadTimeoutError
            client_factory(read_timeout=1).receive_message(QueueUrl=url, WaitTimeSeconds=20)

    quitters = [threading.Thread(target=give_up) for _ in range(3)]
    for t in quitters:
        t.start()
    for t in quitters:
        t.join()
    time.sleep(0.5)
    sqs.send_message(QueueUrl=url, MessageBody="for a reader still there")
    time.sleep(0.5)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url).get("Messages", [])] == ["for a reader still there"]


def test_a_long_poll_whose_client_hung_up_lets_go_of_its_connection_within_seconds(tmp_path):
    """A client that gives up on a 20-second long poll closes its connection; the daemon lets
    go of it (and its descriptor) within about a second, not at the poll's deadline."""
    d = Daemon(str(tmp_path)).start()
    try:
        sqs = make_client(d)
        url = sqs.create_queue(QueueName="abandoned")["QueueUrl"]

        def descriptors():
            """The daemon's open sockets: its listener and its connections."""
            sockets = 0
            for fd in os.listdir(f"/proc/{d.proc.pid}/fd"):
                try:
                    sockets += os.readlink(f"/proc/{d.proc.pid}/fd/{fd}").startswith("socket:")
                except FileNotFoundError:
                    pass
            return sockets

        baseline = descriptors()

        def give_up():
            with pytest.raises(Exception):  # botocore's ReadTimeoutError, after which it closes
                make_client(d, read_timeout=1).receive_message(QueueUrl=url, WaitTimeSeconds=20)

        quitters = [threading.Thread(target=give_up) for _ in range(10)]
        for t in quitters:
            t.start()
        for t in quitters:
            t.join()
        gave_up = time.monotonic()
        assert wait_until(lambda: descriptors() <= baseline, timeout=8, interval=0.2), (descriptors(), baseline)
        assert time.monotonic() - gave_up < 5
        # The queue still serves a reader that stayed.
        sqs.send_message(QueueUrl=url, MessageBody="for a reader still there")
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]] == ["for a reader still there"]
    finally:
        d.stop()


def test_queue_receive_wait_time_is_default(sqs, make_queue):
    url = make_queue({"ReceiveMessageWaitTimeSeconds": 2})
    t = time.monotonic()
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    el = time.monotonic() - t
    assert 1.8 <= el < 5, el
    # an explicit WaitTimeSeconds=0 overrides the queue's default
    t = time.monotonic()
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []
    assert time.monotonic() - t < 1.0


def test_queue_receive_wait_time_returns_early(sqs, client_factory, make_queue):
    url = make_queue({"ReceiveMessageWaitTimeSeconds": 10})
    th = _send_later(client_factory(), url, "early", 1.0)
    t = time.monotonic()
    msgs = sqs.receive_message(QueueUrl=url).get("Messages", [])
    el = time.monotonic() - t
    th.join()
    assert [m["Body"] for m in msgs] == ["early"]
    assert el < 4, el


def test_long_poll_wakes_for_delayed_message(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=1)
    t = time.monotonic()
    msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5).get("Messages", [])
    el = time.monotonic() - t
    assert [m["Body"] for m in msgs] == ["later"]
    assert 0.5 <= el < 3.5, el


# ---------------------------------------------------------------- delays

def _first_receive_after(sqs, url, limit):
    t = time.monotonic()
    while time.monotonic() - t < limit:
        msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
        if msgs:
            return time.monotonic() - t, msgs
    return None, []


def test_queue_delay(sqs, make_queue):
    url = make_queue({"DelaySeconds": 2})
    t0 = time.monotonic()
    sqs.send_message(QueueUrl=url, MessageBody="q-delayed")
    assert queue_counts(sqs, url) == (0, 0, 1)
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    _, msgs = _first_receive_after(sqs, url, 6)
    el = time.monotonic() - t0
    assert [m["Body"] for m in msgs] == ["q-delayed"]
    assert 1.7 <= el < 5, el


def test_per_message_delay(sqs, queue):
    t0 = time.monotonic()
    sqs.send_message(QueueUrl=queue, MessageBody="m-delayed", DelaySeconds=2)
    sqs.send_message(QueueUrl=queue, MessageBody="now")
    first = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in first] == ["now"]
    assert queue_counts(sqs, queue) == (0, 1, 1)
    _, msgs = _first_receive_after(sqs, queue, 6)
    el = time.monotonic() - t0
    assert [m["Body"] for m in msgs] == ["m-delayed"]
    assert 1.7 <= el < 5, el


def test_per_message_delay_overrides_queue_delay(sqs, make_queue):
    url = make_queue({"DelaySeconds": 900})
    sqs.send_message(QueueUrl=url, MessageBody="soon", DelaySeconds=1)
    _, msgs = _first_receive_after(sqs, url, 5)
    assert [m["Body"] for m in msgs] == ["soon"]


# ---------------------------------------------------------------- system attributes

def test_system_attributes_all(sqs, queue):
    t0 = int(time.time() * 1000)
    sqs.send_message(QueueUrl=queue, MessageBody="sys")
    t1 = int(time.time() * 1000)
    m = sqs.receive_message(QueueUrl=queue, MessageSystemAttributeNames=["All"], VisibilityTimeout=30,
                            WaitTimeSeconds=1)["Messages"][0]
    a = m["Attributes"]
    assert {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
            "ApproximateFirstReceiveTimestamp"} <= set(a)
    assert "AWSTraceHeader" not in a  # none was sent
    assert a["SenderId"].strip() != ""
    assert a["SentTimestamp"].isdigit() and t0 - 1000 <= int(a["SentTimestamp"]) <= t1 + 1000
    assert a["ApproximateReceiveCount"] == "1"
    first = int(a["ApproximateFirstReceiveTimestamp"])
    assert int(a["SentTimestamp"]) - 1000 <= first <= int(time.time() * 1000) + 1000

    time.sleep(0.05)
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    m2 = sqs.receive_message(QueueUrl=queue, MessageSystemAttributeNames=["All"],
                             WaitTimeSeconds=1)["Messages"][0]
    assert m2["MessageId"] == m["MessageId"]
    assert m2["Attributes"]["ApproximateReceiveCount"] == "2"
    assert m2["Attributes"]["ApproximateFirstReceiveTimestamp"] == a["ApproximateFirstReceiveTimestamp"]
    assert m2["Attributes"]["SentTimestamp"] == a["SentTimestamp"]
    assert m2["ReceiptHandle"] != m["ReceiptHandle"]


def test_legacy_attribute_names_parameter(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="legacy")
    m = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
    assert {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
            "ApproximateFirstReceiveTimestamp"} <= set(m["Attributes"])
    # SqsManagedSseEnabled is a documented value of the older parameter; it names no message attribute.
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=queue, AttributeNames=["SqsManagedSseEnabled", "SenderId"], WaitTimeSeconds=1)
    assert set(again["Messages"][0]["Attributes"]) == {"SenderId"}


@pytest.mark.parametrize("name", ["SenderId", "SentTimestamp", "ApproximateReceiveCount",
                                  "ApproximateFirstReceiveTimestamp"])
def test_single_system_attribute(sqs, queue, name):
    sqs.send_message(QueueUrl=queue, MessageBody="one")
    m = sqs.receive_message(QueueUrl=queue, MessageSystemAttributeNames=[name], WaitTimeSeconds=1)["Messages"][0]
    assert set(m["Attributes"]) == {name}


def test_aws_trace_header(sqs, queue):
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    sysattrs = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
    sent = sqs.send_message(QueueUrl=queue, MessageBody="traced", MessageSystemAttributes=sysattrs)
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(sysattrs)
    assert "MD5OfMessageAttributes" not in sent
    m = sqs.receive_message(QueueUrl=queue, MessageSystemAttributeNames=["AWSTraceHeader"],
                            VisibilityTimeout=0, WaitTimeSeconds=1)["Messages"][0]
    assert m["Attributes"] == {"AWSTraceHeader": trace}
    m = sqs.receive_message(QueueUrl=queue, MessageSystemAttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
    assert m["Attributes"]["AWSTraceHeader"] == trace
    # a trace header is not a user message attribute
    assert "MessageAttributes" not in m


def test_unknown_system_attribute_for_send(sqs, queue):
    expect_error(sqs.send_message, ("InvalidParameterValue", "InvalidAttributeName"), 400,
                 QueueUrl=queue, MessageBody="x", MessageSystemAttributes={"NotAThing": {"DataType": "String", "StringValue": "v"}})


# ---------------------------------------------------------------- DeleteMessage

def test_delete_message_twice_is_ok(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="del")
    m = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"][0]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    assert queue_counts(sqs, queue) == (0, 0, 0)


@pytest.mark.parametrize("handle", ["garbage", "", "AQEB" + "A" * 200])
def test_delete_with_forged_handle(sqs, queue, handle):
    sqs.send_message(QueueUrl=queue, MessageBody="keep")
    sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30, WaitTimeSeconds=1)
    codes = ("ReceiptHandleIsInvalid", "MissingParameter") if handle == "" else "ReceiptHandleIsInvalid"
    expect_error(sqs.delete_message, codes, 400, QueueUrl=queue, ReceiptHandle=handle)
    assert queue_counts(sqs, queue) == (0, 1, 0)


def test_handle_of_another_queue_is_not_accepted(sqs, make_queue):
    a, b = make_queue(prefix="ha"), make_queue(prefix="hb")
    sqs.send_message(QueueUrl=a, MessageBody="in-a")
    m = sqs.receive_message(QueueUrl=a, VisibilityTimeout=30, WaitTimeSeconds=1)["Messages"][0]
    try:
        sqs.delete_message(QueueUrl=b, ReceiptHandle=m["ReceiptHandle"])
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ReceiptHandleIsInvalid"
    # whatever the answer, queue a's message must not have been deleted through queue b
    assert queue_counts(sqs, a) == (0, 1, 0)


def test_maximum_wait_time_returns_at_once_when_messages_exist(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="ready")
    t = time.monotonic()
    msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=20, MaxNumberOfMessages=10,
                               VisibilityTimeout=43200)["Messages"]
    assert time.monotonic() - t < 2
    assert [m["Body"] for m in msgs] == ["ready"]
