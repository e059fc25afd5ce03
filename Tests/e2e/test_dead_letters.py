"""Dead-letter queues and message move tasks (DLQ redrive): RedrivePolicy and RedriveAllowPolicy
validation (nothing half applied), the move on the receive after maxReceiveCount (standard and FIFO,
over boto3 and the Query protocol), ListDeadLetterSourceQueues, and StartMessageMoveTask /
ListMessageMoveTasks / CancelMessageMoveTask, including a task that survives a daemon restart.
Waits are real but short (a few seconds, more only for the restart)."""

import base64
import collections
import json
import sqlite3
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import (normalized_attributes, ACCOUNT, REGION, arn_of, expect_error, make_client, md5_hex, md5_of_attributes, queue_counts,
                      unique_name, wait_until, xfind, xfindall, xml_attributes, xml_error,
                      xml_message_attributes, xtext)

NONEXISTENT = "AWS.SimpleQueueService.NonExistentQueue"
RNF = "ResourceNotFoundException"
BAD_JSON_CODES = ("InvalidAttributeValue", "InvalidParameterValue")
# Cancelling a task that is no longer RUNNING: AWS documents only that it fails.
CANCEL_NOT_RUNNING = [(RNF, 404), ("InvalidParameterValue", 400), ("AWS.SimpleQueueService.UnsupportedOperation", 400)]
# The handle from AWS's own CancelMessageMoveTask example: well formed, but no such task here.
AWS_EXAMPLE_HANDLE = ("eyJ0YXNrSWQiOiJkYzE2OTUxYS0yMDRiLTQ5ZDgtYjY2OC1hYjJiNjk2NjA0YTYiLCJzb3VyY2VBcm4iOi"
                      "Jhcm46YXdzOnNxczp1cy1lYXN0LTE6MTExMTExMTExMTExOk15RGVhZExldHRlclF1ZXVlIn0=")

ATTRS = {
    "str": {"DataType": "String", "StringValue": "h\u00e9llo \U0001F600"},
    "num": {"DataType": "Number", "StringValue": "-12.5"},
    "bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe\xff"},
    "lbl": {"DataType": "String.custom", "StringValue": "x"},
}


# --------------------------------------------------------------------------- helpers

def _arn(url_or_name):
    """The queue ARN of a queue URL or a bare queue name."""
    if "/" in url_or_name:
        return arn_of(url_or_name)
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{url_or_name}"


def _policy(target_url_or_arn, max_receive=3):
    arn = target_url_or_arn if target_url_or_arn.startswith("arn:") else _arn(target_url_or_arn)
    return json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": max_receive})


def _create(sqs, prefix, attrs=None, fifo=False):
    name = unique_name(prefix) + (".fifo" if fifo else "")
    a = {"FifoQueue": "true"} if fifo else {}
    a.update({k: str(v) for k, v in (attrs or {}).items()})
    args = {"QueueName": name}
    if a:
        args["Attributes"] = a
    return sqs.create_queue(**args)["QueueUrl"]


def _pair(sqs, max_receive=3, fifo=False, prefix="dl"):
    """(source URL, DLQ URL) with the source's RedrivePolicy pointing at the DLQ."""
    dlq = _create(sqs, prefix + "-dlq", fifo=fifo)
    src = _create(sqs, prefix + "-src", {"RedrivePolicy": _policy(dlq, max_receive)}, fifo=fifo)
    return src, dlq


def _attrs(sqs, url, names=("All",)):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names)).get("Attributes", {})


def _visible(sqs, url):
    return queue_counts(sqs, url)[0]


def _send_many(sqs, url, bodies):
    for i in range(0, len(bodies), 10):
        chunk = bodies[i:i + 10]
        r = sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": f"e{j}", "MessageBody": b} for j, b in enumerate(chunk)])
        assert r.get("Failed", []) == [], r["Failed"]


def _dead_letter_all(sqs, src, dlq, expected, limit=60):
    """Receive from a maxReceiveCount=1 source (visibility 0) until `expected` messages sit in the DLQ."""
    for _ in range(limit):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0)
        if _visible(sqs, dlq) >= expected and queue_counts(sqs, src) == (0, 0, 0):
            break
    assert queue_counts(sqs, src) == (0, 0, 0)
    assert queue_counts(sqs, dlq) == (expected, 0, 0)


def _drain(sqs, url, limit=30, **kw):
    """Receive (visibility 60) and delete until a receive comes back empty; every delivery counts."""
    got = []
    for _ in range(limit):
        args = dict(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60, WaitTimeSeconds=0,
                    MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"])
        args.update(kw)
        msgs = sqs.receive_message(**args).get("Messages", [])
        if not msgs:
            break
        for m in msgs:
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def _tasks(sqs, dlq, **kw):
    return sqs.list_message_move_tasks(SourceArn=_arn(dlq), **kw).get("Results", [])


def _wait_status(sqs, dlq, status, timeout=3.0):
    got = wait_until(lambda: (_tasks(sqs, dlq) or [{}])[0].get("Status") == status, timeout=timeout)
    entry = (_tasks(sqs, dlq) or [{}])[0]
    assert got, f"task did not reach {status} within {timeout}s: {entry}"
    return entry


def _expect_one_of(fn, allowed, **kw):
    """Expect a ClientError whose (code, HTTP status) is one of `allowed`; returns it."""
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    resp = ei.value.response
    got = (resp["Error"]["Code"], resp["ResponseMetadata"]["HTTPStatusCode"])
    assert got in allowed, f"expected one of {allowed}, got {got}: {resp['Error']}"
    return got




def _qok(st, root, op):
    assert st == 200, (st, xml_error(root))
    return xfind(root, f"{op}Result")


def _qerr(st, root, code, status=400):
    assert st == status, (st, xml_error(root))
    typ, c, msg = xml_error(root)
    codes = (code,) if isinstance(code, str) else tuple(code)
    assert c in codes, (c, msg)
    assert typ == "Sender"


# --------------------------------------------------------------------------- RedrivePolicy validation

def test_redrive_target_must_exist(sqs):
    src = _create(sqs, "noexist-src")
    missing = _arn(unique_name("never-created"))
    # the error echoes the policy exactly as given, spaces included, as AWS's do
    given = '{"deadLetterTargetArn": "%s",  "maxReceiveCount": 42}' % missing
    resp = expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=src,
                        Attributes={"RedrivePolicy": given})
    assert resp["Error"]["Message"] == f"Value {given} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=src,
                 Attributes={"RedrivePolicy": _policy(missing)})
    assert "RedrivePolicy" not in _attrs(sqs, src)
    name = unique_name("noexist-create")
    expect_error(sqs.create_queue, "InvalidParameterValue", 400, QueueName=name,
                 Attributes={"RedrivePolicy": _policy(missing)})
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=name)


@pytest.mark.parametrize("count", [0, 1001, -1, "0", "1001"])
def test_max_receive_count_out_of_range(sqs, count):
    dlq = _create(sqs, "mrc-dlq")
    src = _create(sqs, "mrc-src")
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=src,
                 Attributes={"RedrivePolicy": _policy(dlq, count)})
    assert "RedrivePolicy" not in _attrs(sqs, src)
    name = unique_name("mrc-create")
    expect_error(sqs.create_queue, "InvalidParameterValue", 400, QueueName=name,
                 Attributes={"RedrivePolicy": _policy(dlq, count)})
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=name)


@pytest.mark.parametrize("count,expected", [(1, 1), (1000, 1000), (7, 7), ("7", 7), ("1000", 1000)])
def test_max_receive_count_number_or_numeric_string(sqs, count, expected):
    dlq = _create(sqs, "mrcok-dlq")
    src = _create(sqs, "mrcok-src")
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": _policy(dlq, count)})
    text = _attrs(sqs, src, ["RedrivePolicy"])["RedrivePolicy"]
    # Given back as AWS does: canonical JSON, the count a number.
    assert text == json.dumps({"deadLetterTargetArn": _arn(dlq), "maxReceiveCount": expected}, separators=(",", ":"))
    got = json.loads(text)
    # and at creation
    src2 = _create(sqs, "mrcok-create", {"RedrivePolicy": _policy(dlq, count)})
    got2 = json.loads(_attrs(sqs, src2, ["RedrivePolicy"])["RedrivePolicy"])
    assert got2["deadLetterTargetArn"] == _arn(dlq) and int(got2["maxReceiveCount"]) == expected


def test_dlq_type_must_match_source(sqs):
    std_dlq = _create(sqs, "mix-std-dlq")
    fifo_dlq = _create(sqs, "mix-fifo-dlq", fifo=True)
    std_src = _create(sqs, "mix-std-src")
    fifo_src = _create(sqs, "mix-fifo-src", fifo=True)
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=std_src,
                 Attributes={"RedrivePolicy": _policy(fifo_dlq)})
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=fifo_src,
                 Attributes={"RedrivePolicy": _policy(std_dlq)})
    assert "RedrivePolicy" not in _attrs(sqs, std_src)
    assert "RedrivePolicy" not in _attrs(sqs, fifo_src)
    name = unique_name("mix-create") + ".fifo"
    expect_error(sqs.create_queue, "InvalidParameterValue", 400, QueueName=name,
                 Attributes={"FifoQueue": "true", "RedrivePolicy": _policy(std_dlq)})
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=name)
    # same types are fine
    sqs.set_queue_attributes(QueueUrl=std_src, Attributes={"RedrivePolicy": _policy(std_dlq)})
    sqs.set_queue_attributes(QueueUrl=fifo_src, Attributes={"RedrivePolicy": _policy(fifo_dlq)})


@pytest.mark.parametrize("bad", [
    "{not json",
    "[]",
    "42",
    '{"maxReceiveCount": 3}',
    '{"deadLetterTargetArn": "ARN"}',
    '{"deadLetterTargetArn": "ARN", "maxReceiveCount": "three"}',
])
def test_redrive_policy_malformed(sqs, bad):
    dlq = _create(sqs, "mal-dlq")
    src = _create(sqs, "mal-src")
    value = bad.replace("ARN", _arn(dlq))
    expect_error(sqs.set_queue_attributes, BAD_JSON_CODES, 400, QueueUrl=src,
                 Attributes={"RedrivePolicy": value})
    assert "RedrivePolicy" not in _attrs(sqs, src)


def test_create_queue_on_an_existing_name_validates_the_redrive_policy_first(sqs):
    dlq = _create(sqs, "val-dlq")
    name = unique_name("val-src")
    sqs.create_queue(QueueName=name)
    # AWS's order and words: maxReceiveCount is asked for first, then deadLetterTargetArn, which must be an ARN.
    for value, words in (("{}", "mandatory attribute: maxReceiveCount."),
                         ('{"MaxReceiveCount": "4", "DeadLetterTargetArn": "ARN"}', "mandatory attribute: maxReceiveCount."),
                         ('{"maxReceiveCount": 4}', "mandatory attribute: deadLetterTargetArn."),
                         ('{"deadLetterTargetArn": "dummy", "maxReceiveCount": 4}', "Reason: Invalid value for deadLetterTargetArn."),
                         ('{"deadLetterTargetArn": "ARN", "maxReceiveCount": 5.5}', "whole number")):
        with pytest.raises(ClientError) as refused:
            sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": value.replace("ARN", _arn(dlq))})
        assert refused.value.response["Error"]["Code"] in BAD_JSON_CODES and words in refused.value.response["Error"]["Message"]


# --------------------------------------------------------------------------- RedriveAllowPolicy

@pytest.mark.parametrize("policy", [
    {"redrivePermission": "allowAll"},
    {"redrivePermission": "denyAll"},
    {"redrivePermission": "byQueue", "sourceQueueArns": ["SRC"]},
    {"redrivePermission": "byQueue",
     "sourceQueueArns": ["SRC"] + [_arn(f"allowed-{i}") for i in range(9)]},
])
def test_redrive_allow_policy_valid(sqs, policy):
    dlq = _create(sqs, "allow-dlq")
    src_arn = _arn(unique_name("allow-src"))
    if "sourceQueueArns" in policy:
        policy = dict(policy, sourceQueueArns=[src_arn if a == "SRC" else a for a in policy["sourceQueueArns"]])
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(policy)})
    got = json.loads(_attrs(sqs, dlq, ["RedriveAllowPolicy"])["RedriveAllowPolicy"])
    assert got["redrivePermission"] == policy["redrivePermission"]
    assert got.get("sourceQueueArns", []) == policy.get("sourceQueueArns", [])
    # at creation too
    url = _create(sqs, "allow-create", {"RedriveAllowPolicy": json.dumps(policy)})
    got = json.loads(_attrs(sqs, url, ["RedriveAllowPolicy"])["RedriveAllowPolicy"])
    assert got["redrivePermission"] == policy["redrivePermission"]


@pytest.mark.parametrize("bad,codes", [
    ({"redrivePermission": "byQueue"}, "InvalidParameterValue"),
    ({"redrivePermission": "byQueue", "sourceQueueArns": []}, "InvalidParameterValue"),
    ({"redrivePermission": "byQueue", "sourceQueueArns": [_arn(f"s{i}") for i in range(11)]},
     "InvalidParameterValue"),
    ({"redrivePermission": "allowAll", "sourceQueueArns": [_arn("s0")]}, "InvalidParameterValue"),
    ({"redrivePermission": "denyAll", "sourceQueueArns": [_arn("s0")]}, "InvalidParameterValue"),
    ({"redrivePermission": "sometimes"}, "InvalidParameterValue"),
    ({}, "InvalidParameterValue"),
    ("{not json", BAD_JSON_CODES),
])
def test_redrive_allow_policy_invalid(sqs, bad, codes):
    dlq = _create(sqs, "allowbad-dlq")
    value = bad if isinstance(bad, str) else json.dumps(bad)
    expect_error(sqs.set_queue_attributes, codes, 400, QueueUrl=dlq, Attributes={"RedriveAllowPolicy": value})
    assert "RedriveAllowPolicy" not in _attrs(sqs, dlq)
    name = unique_name("allowbad-create")
    expect_error(sqs.create_queue, codes, 400, QueueName=name, Attributes={"RedriveAllowPolicy": value})
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=name)


def test_deny_all_refuses_sources(sqs):
    dlq = _create(sqs, "deny-dlq", {"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})
    src = _create(sqs, "deny-src")
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=src,
                 Attributes={"RedrivePolicy": _policy(dlq)})
    assert "RedrivePolicy" not in _attrs(sqs, src)
    name = unique_name("deny-create")
    expect_error(sqs.create_queue, "InvalidParameterValue", 400, QueueName=name,
                 Attributes={"RedrivePolicy": _policy(dlq)})
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=name)
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq).get("queueUrls", []) == []
    # allowAll lifts it
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": '{"redrivePermission":"allowAll"}'})
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": _policy(dlq)})
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]


def test_by_queue_allows_only_listed_sources(sqs):
    allowed = _create(sqs, "byq-allowed")
    other = _create(sqs, "byq-other")
    dlq = _create(sqs, "byq-dlq", {"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": [_arn(allowed)]})})
    sqs.set_queue_attributes(QueueUrl=allowed, Attributes={"RedrivePolicy": _policy(dlq)})
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=other,
                 Attributes={"RedrivePolicy": _policy(dlq)})
    assert "RedrivePolicy" not in _attrs(sqs, other)
    assert json.loads(_attrs(sqs, allowed, ["RedrivePolicy"])["RedrivePolicy"])["deadLetterTargetArn"] == _arn(dlq)
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [allowed]


def test_a_stale_redrive_policy_does_not_block_changes_of_other_attributes(sqs):
    """SetQueueAttributes validates what it is given: once the dead-letter queue is deleted, or
    stops allowing this source, the source keeps its RedrivePolicy and other attributes still
    change. Only a new RedrivePolicy is checked against its target."""
    gone = _create(sqs, "stale-dlq")
    src = _create(sqs, "stale-src", {"RedrivePolicy": _policy(gone)})
    sqs.delete_queue(QueueUrl=gone)
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"VisibilityTimeout": "31"})
    sqs.add_permission(QueueUrl=src, Label="p1", AWSAccountIds=[ACCOUNT], Actions=["SendMessage"])
    attrs = _attrs(sqs, src, ["VisibilityTimeout", "RedrivePolicy"])
    assert attrs["VisibilityTimeout"] == "31"
    assert json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"] == _arn(gone)
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=src,
                 Attributes={"RedrivePolicy": _policy(gone), "DelaySeconds": "3"})
    assert _attrs(sqs, src, ["DelaySeconds"])["DelaySeconds"] == "0"

    closing = _create(sqs, "closing-dlq")
    src2 = _create(sqs, "closing-src", {"RedrivePolicy": _policy(closing)})
    sqs.set_queue_attributes(QueueUrl=closing, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})
    sqs.set_queue_attributes(QueueUrl=src2, Attributes={"DelaySeconds": "1"})
    assert _attrs(sqs, src2, ["DelaySeconds"])["DelaySeconds"] == "1"
    # The source's own RedriveAllowPolicy is checked alone, not its stale RedrivePolicy.
    sqs.set_queue_attributes(QueueUrl=src2, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})})


def test_set_attributes_with_one_bad_attribute_changes_nothing(sqs):
    dlq = _create(sqs, "atomic-dlq")
    src = _create(sqs, "atomic-src", {"VisibilityTimeout": 30})
    before = _attrs(sqs, src)
    # a good VisibilityTimeout with a bad RedrivePolicy
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=src, Attributes={
        "VisibilityTimeout": "77", "RedrivePolicy": _policy(dlq, 0)})
    # a good RedrivePolicy with a bad VisibilityTimeout
    expect_error(sqs.set_queue_attributes, ("InvalidAttributeValue", "InvalidParameterValue"), 400,
                 QueueUrl=src, Attributes={"RedrivePolicy": _policy(dlq, 4), "VisibilityTimeout": "99999"})
    # a good RedrivePolicy with a bad RedriveAllowPolicy
    expect_error(sqs.set_queue_attributes, "InvalidParameterValue", 400, QueueUrl=src, Attributes={
        "RedrivePolicy": _policy(dlq, 4), "RedriveAllowPolicy": '{"redrivePermission":"sometimes"}'})
    after = _attrs(sqs, src)
    assert after["VisibilityTimeout"] == "30"
    assert "RedrivePolicy" not in after and "RedriveAllowPolicy" not in after
    assert after == before
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq).get("queueUrls", []) == []
    # a good RedriveAllowPolicy with a bad DelaySeconds on the DLQ
    expect_error(sqs.set_queue_attributes, ("InvalidAttributeValue", "InvalidParameterValue"), 400,
                 QueueUrl=dlq, Attributes={"RedriveAllowPolicy": '{"redrivePermission":"denyAll"}',
                                           "DelaySeconds": "9999"})
    a = _attrs(sqs, dlq)
    assert "RedriveAllowPolicy" not in a and a["DelaySeconds"] == "0"
    # the source can still use it (denyAll was not applied)
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": _policy(dlq, 4)})


def test_query_redrive_policy_validation(sqs, query):
    dlq = _create(sqs, "qv-dlq")
    fifo_dlq = _create(sqs, "qv-fdlq", fifo=True)
    src = _create(sqs, "qv-src")

    def set_attr(name, value):
        return query("SetQueueAttributes", {"QueueUrl": src, "Attribute.1.Name": name, "Attribute.1.Value": value})

    _qerr(*set_attr("RedrivePolicy", _policy(dlq, 0)), "InvalidParameterValue")
    _qerr(*set_attr("RedrivePolicy", _policy(dlq, 1001)), "InvalidParameterValue")
    _qerr(*set_attr("RedrivePolicy", _policy(fifo_dlq)), "InvalidParameterValue")
    _qerr(*set_attr("RedrivePolicy", _policy(_arn(unique_name("nope")))), "InvalidParameterValue")
    _qerr(*set_attr("RedrivePolicy", "{not json"), BAD_JSON_CODES)
    _qerr(*set_attr("RedriveAllowPolicy", '{"redrivePermission":"byQueue"}'), "InvalidParameterValue")
    assert "RedrivePolicy" not in _attrs(sqs, src)
    _qok(*set_attr("RedrivePolicy", _policy(dlq, "5")), "SetQueueAttributes")
    res = _qok(*query("GetQueueAttributes", {"QueueUrl": src, "AttributeName.1": "RedrivePolicy"}),
               "GetQueueAttributes")
    got = json.loads(xml_attributes(res)["RedrivePolicy"])
    assert got["deadLetterTargetArn"] == _arn(dlq) and int(got["maxReceiveCount"]) == 5


# --------------------------------------------------------------------------- the move

def test_message_moves_after_max_receive_count(sqs):
    n = 3
    src, dlq = _pair(sqs, n, prefix="mv")
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison \u00e9 body", MessageAttributes=ATTRS)
    sent_ts = None
    for i in range(1, n + 1):
        msgs = sqs.receive_message(QueueUrl=src, VisibilityTimeout=0, WaitTimeSeconds=0, MaxNumberOfMessages=10,
                                   MessageSystemAttributeNames=["All"]).get("Messages", [])
        assert [m["Body"] for m in msgs] == ["poison \u00e9 body"], f"receive {i}"
        assert msgs[0]["Attributes"]["ApproximateReceiveCount"] == str(i)
        sent_ts = msgs[0]["Attributes"]["SentTimestamp"]
        assert queue_counts(sqs, dlq) == (0, 0, 0)
    # receive N+1 moves it instead of delivering it
    assert sqs.receive_message(QueueUrl=src, VisibilityTimeout=0, WaitTimeSeconds=0,
                               MaxNumberOfMessages=10).get("Messages", []) == []
    assert queue_counts(sqs, src) == (0, 0, 0)
    assert queue_counts(sqs, dlq) == (1, 0, 0)
    moved = sqs.receive_message(QueueUrl=dlq, VisibilityTimeout=30, MessageSystemAttributeNames=["All"],
                                MessageAttributeNames=["All"])["Messages"]
    assert len(moved) == 1
    m = moved[0]
    assert m["Body"] == "poison \u00e9 body"
    assert m["MD5OfBody"] == md5_hex("poison \u00e9 body") == sent["MD5OfMessageBody"]
    assert normalized_attributes(m["MessageAttributes"]) == normalized_attributes(ATTRS)
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(ATTRS) == sent["MD5OfMessageAttributes"]
    assert m["Attributes"]["DeadLetterQueueSourceArn"] == _arn(src)
    assert m["Attributes"]["SentTimestamp"] == sent_ts  # standard queue: original enqueue time
    # the attribute by name, alone
    sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=dlq, VisibilityTimeout=30,
                                MessageSystemAttributeNames=["DeadLetterQueueSourceArn"])["Messages"]
    assert again[0]["Attributes"] == {"DeadLetterQueueSourceArn": _arn(src)}


def test_only_the_exhausted_message_moves(sqs):
    src, dlq = _pair(sqs, 1, prefix="mvone")
    sqs.send_message(QueueUrl=src, MessageBody="bad")
    first = sqs.receive_message(QueueUrl=src, VisibilityTimeout=0, WaitTimeSeconds=0)["Messages"]
    assert [x["Body"] for x in first] == ["bad"]
    sqs.send_message(QueueUrl=src, MessageBody="fresh")
    got = sqs.receive_message(QueueUrl=src, VisibilityTimeout=30, WaitTimeSeconds=0,
                              MaxNumberOfMessages=10).get("Messages", [])
    assert [x["Body"] for x in got] == ["fresh"]
    assert queue_counts(sqs, src) == (0, 1, 0)
    assert [x["Body"] for x in _drain(sqs, dlq)] == ["bad"]


def test_query_receive_moves_after_max_receive_count(sqs, query):
    dlq = _create(sqs, "qmv-dlq")
    res = _qok(*query("CreateQueue", {"QueueName": unique_name("qmv-src"),
                                      "Attribute.1.Name": "RedrivePolicy",
                                      "Attribute.1.Value": _policy(dlq, 2)}), "CreateQueue")
    src = xtext(res, "QueueUrl")
    r = _qok(*query("SendMessage", {
        "QueueUrl": src, "MessageBody": "query <poison> & co",
        "MessageAttribute.1.Name": "str", "MessageAttribute.1.Value.DataType": "String",
        "MessageAttribute.1.Value.StringValue": ATTRS["str"]["StringValue"],
        "MessageAttribute.2.Name": "bin", "MessageAttribute.2.Value.DataType": "Binary",
        "MessageAttribute.2.Value.BinaryValue": base64.b64encode(ATTRS["bin"]["BinaryValue"]).decode()}),
        "SendMessage")
    want_attrs = {"str": ATTRS["str"], "bin": ATTRS["bin"]}
    assert xtext(r, "MD5OfMessageAttributes") == md5_of_attributes(want_attrs)
    recv = {"QueueUrl": src, "VisibilityTimeout": "0", "MaxNumberOfMessages": "10", "AttributeName.1": "All"}
    sent_ts = None
    for i in (1, 2):
        msgs = xfindall(_qok(*query("ReceiveMessage", recv), "ReceiveMessage"), "Message")
        assert [xtext(x, "Body") for x in msgs] == ["query <poison> & co"], f"receive {i}"
        a = xml_attributes(msgs[0])
        assert a["ApproximateReceiveCount"] == str(i)
        sent_ts = a["SentTimestamp"]
    assert xfindall(_qok(*query("ReceiveMessage", recv), "ReceiveMessage"), "Message") == []
    assert queue_counts(sqs, src) == (0, 0, 0)
    assert queue_counts(sqs, dlq) == (1, 0, 0)
    res = _qok(*query("ReceiveMessage", {"QueueUrl": dlq, "VisibilityTimeout": "30", "AttributeName.1": "All",
                                         "MessageAttributeName.1": "All"}), "ReceiveMessage")
    msgs = xfindall(res, "Message")
    assert len(msgs) == 1
    m = msgs[0]
    assert xtext(m, "Body") == "query <poison> & co"
    assert xtext(m, "MD5OfBody") == md5_hex("query <poison> & co")
    a = xml_attributes(m)
    assert a["DeadLetterQueueSourceArn"] == _arn(src)
    assert a["SentTimestamp"] == sent_ts
    assert xml_message_attributes(m) == want_attrs
    assert xtext(m, "MD5OfMessageAttributes") == md5_of_attributes(want_attrs)


def test_fifo_source_moves_in_order_to_fifo_dlq(sqs):
    src, dlq = _pair(sqs, 2, fifo=True, prefix="fmv")
    for body in ("p1", "p2", "ok3", "ok4"):
        sqs.send_message(QueueUrl=src, MessageBody=body, MessageGroupId="G",
                         MessageDeduplicationId=uuid.uuid4().hex)
    deliveries = []
    for _ in range(12):
        msgs = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=1, VisibilityTimeout=0,
                                   WaitTimeSeconds=0).get("Messages", [])
        deliveries += [x["Body"] for x in msgs]
        if _visible(sqs, dlq) >= 2:
            break
    # p1 twice, then p2 twice (p1 moved on its third receive, p2 on its third)
    assert deliveries[:4] == ["p1", "p1", "p2", "p2"], deliveries
    assert deliveries[4:] in ([], ["ok3"]), deliveries
    assert _visible(sqs, dlq) == 2
    dead = _drain(sqs, dlq, MaxNumberOfMessages=1)
    assert [x["Body"] for x in dead] == ["p1", "p2"]
    for x in dead:
        assert x["Attributes"]["DeadLetterQueueSourceArn"] == _arn(src)
        assert x["Attributes"]["MessageGroupId"] == "G"
    # the group's later messages follow, in order
    rest = _drain(sqs, src, MaxNumberOfMessages=1)
    assert [x["Body"] for x in rest] == ["ok3", "ok4"]


# --------------------------------------------------------------------------- ListDeadLetterSourceQueues

def test_list_dead_letter_source_queues(sqs):
    dlq = _create(sqs, "lsrc-dlq")
    srcs = [_create(sqs, f"lsrc-s{i}", {"RedrivePolicy": _policy(dlq)}) for i in range(3)]
    _create(sqs, "lsrc-unrelated")
    other_dlq = _create(sqs, "lsrc-other-dlq")
    _create(sqs, "lsrc-other-src", {"RedrivePolicy": _policy(other_dlq)})
    got = sqs.list_dead_letter_source_queues(QueueUrl=dlq)
    assert sorted(got["queueUrls"]) == sorted(srcs)
    assert "NextToken" not in got
    # paginated
    seen, token, pages = [], None, 0
    while True:
        args = {"QueueUrl": dlq, "MaxResults": 2}
        if token:
            args["NextToken"] = token
        page = sqs.list_dead_letter_source_queues(**args)
        pages += 1
        assert len(page["queueUrls"]) <= 2
        seen += page["queueUrls"]
        token = page.get("NextToken")
        if not token or pages > 5:
            break
    assert pages == 2
    assert sorted(seen) == sorted(srcs) and len(seen) == 3
    one = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=1)
    assert len(one["queueUrls"]) == 1 and one.get("NextToken")


def test_list_dead_letter_source_queues_empty_and_missing(sqs, json_call):
    lonely = _create(sqs, "lsrc-lonely")
    assert sqs.list_dead_letter_source_queues(QueueUrl=lonely).get("queueUrls", []) == []
    # queueUrls is a required member of the answer: present even when empty
    r = json_call("ListDeadLetterSourceQueues", {"QueueUrl": lonely})
    assert r.status_code == 200, r.text
    assert r.json().get("queueUrls") == [], r.text
    gone = lonely.rsplit("/", 1)[0] + "/" + unique_name("never")
    expect_error(sqs.list_dead_letter_source_queues, NONEXISTENT, 400, QueueUrl=gone)


def test_query_list_dead_letter_source_queues(sqs, query):
    dlq = _create(sqs, "qlsrc-dlq")
    srcs = [_create(sqs, f"qlsrc-s{i}", {"RedrivePolicy": _policy(dlq)}) for i in range(2)]
    res = _qok(*query("ListDeadLetterSourceQueues", {"QueueUrl": dlq}), "ListDeadLetterSourceQueues")
    assert sorted(e.text for e in xfindall(res, "QueueUrl")) == sorted(srcs)
    res = _qok(*query("ListDeadLetterSourceQueues", {"QueueUrl": dlq, "MaxResults": "1"}),
               "ListDeadLetterSourceQueues")
    first = [e.text for e in xfindall(res, "QueueUrl")]
    token = xtext(res, "NextToken")
    assert len(first) == 1 and token
    res = _qok(*query("ListDeadLetterSourceQueues", {"QueueUrl": dlq, "MaxResults": "1", "NextToken": token}),
               "ListDeadLetterSourceQueues")
    second = [e.text for e in xfindall(res, "QueueUrl")]
    assert sorted(first + second) == sorted(srcs)
    _qerr(*query("ListDeadLetterSourceQueues", {"QueueUrl": dlq + "-missing"}), NONEXISTENT)


# --------------------------------------------------------------------------- move tasks

def test_move_task_back_to_original_sources(sqs):
    dlq = _create(sqs, "redrive-dlq")
    s1 = _create(sqs, "redrive-s1", {"RedrivePolicy": _policy(dlq, 1)})
    s2 = _create(sqs, "redrive-s2", {"RedrivePolicy": _policy(dlq, 1)})
    b1 = [f"one-{i}" for i in range(3)]
    b2 = [f"two-{i}" for i in range(2)]
    _send_many(sqs, s1, b1)
    sqs.send_message(QueueUrl=s2, MessageBody=b2[0], MessageAttributes=ATTRS)
    sqs.send_message(QueueUrl=s2, MessageBody=b2[1])
    for _ in range(20):
        for s in (s1, s2):
            sqs.receive_message(QueueUrl=s, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0)
        if _visible(sqs, dlq) >= 5:
            break
    assert queue_counts(sqs, dlq) == (5, 0, 0)
    assert queue_counts(sqs, s1) == (0, 0, 0) and queue_counts(sqs, s2) == (0, 0, 0)

    handle = sqs.start_message_move_task(SourceArn=_arn(dlq))["TaskHandle"]
    assert handle
    done = _wait_status(sqs, dlq, "COMPLETED")
    assert done["ApproximateNumberOfMessagesMoved"] == done["ApproximateNumberOfMessagesToMove"] == 5
    assert done["SourceArn"] == _arn(dlq)
    assert "DestinationArn" not in done
    assert "TaskHandle" not in done
    assert queue_counts(sqs, dlq) == (0, 0, 0)
    assert queue_counts(sqs, s1) == (3, 0, 0) and queue_counts(sqs, s2) == (2, 0, 0)
    got1 = _drain(sqs, s1)
    got2 = _drain(sqs, s2)
    assert sorted(x["Body"] for x in got1) == b1
    assert sorted(x["Body"] for x in got2) == b2
    with_attrs = [x for x in got2 if x["Body"] == b2[0]][0]
    assert normalized_attributes(with_attrs["MessageAttributes"]) == normalized_attributes(ATTRS)
    assert with_attrs["MD5OfMessageAttributes"] == md5_of_attributes(ATTRS)


def test_a_move_task_moves_the_messages_it_started_with_oldest_arrival_first(sqs):
    """"Dead-letter queues redrive messages in the order they are received, starting with the
    oldest message": a message dead-lettered later takes its place behind, even if it was sent
    earlier; and a task moves only what the queue held when it started (whose sources its start
    was authorized for), not what arrives during it."""
    dlq = _create(sqs, "order-dlq")
    early = _create(sqs, "order-early", {"RedrivePolicy": _policy(dlq, 1)})
    late = _create(sqs, "order-late", {"RedrivePolicy": _policy(dlq, 1)})
    dest = _create(sqs, "order-dest")
    _send_many(sqs, late, ["b0", "b1", "b2"])     # sent first ...
    _send_many(sqs, early, ["a0", "a1", "a2"])
    _dead_letter_all(sqs, early, dlq, 3)           # ... but dead-lettered after the a's
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest), MaxNumberOfMessagesPerSecond=1)
    for _ in range(60):
        sqs.receive_message(QueueUrl=late, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0)
        if queue_counts(sqs, late) == (0, 0, 0):
            break
    done = _wait_status(sqs, dlq, "COMPLETED", timeout=8)
    assert (done["ApproximateNumberOfMessagesMoved"], done["ApproximateNumberOfMessagesToMove"]) == (3, 3)
    moved = [m["Body"] for m in _drain(sqs, dest)]
    assert sorted(moved) == ["a0", "a1", "a2"]
    assert sorted(m["Body"] for m in _drain(sqs, dlq)) == ["b0", "b1", "b2"]


def test_a_move_task_comes_back_to_messages_that_were_in_flight_for_a_while(sqs):
    """The messages the queue held at the start are the task's, also those a consumer had in
    flight for a moment: the task moves them once they are visible again."""
    src, dlq = _pair(sqs, 1, prefix="inflight")
    dest = _create(sqs, "inflight-dest")
    _send_many(sqs, src, [f"m{i:02d}" for i in range(10)])
    _dead_letter_all(sqs, src, dlq, 10)
    sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=3, VisibilityTimeout=2)
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest))  # no rate: done long before they return
    done = _wait_status(sqs, dlq, "COMPLETED", timeout=12)
    assert (done["ApproximateNumberOfMessagesMoved"], done["ApproximateNumberOfMessagesToMove"]) == (10, 10)
    assert queue_counts(sqs, dlq) == (0, 0, 0) and queue_counts(sqs, dest) == (10, 0, 0)


def test_a_fifo_redrive_waits_for_a_group_head_in_flight_and_keeps_the_group_in_order(sqs):
    """A FIFO message moves only once no earlier message of its group is left in the dead-letter
    queue: a head a consumer holds in flight is not overtaken, and the task moves it (and the rest)
    once it is visible again."""
    src, dlq = _pair(sqs, 1, fifo=True, prefix="fifohead")
    for i in range(5):
        sqs.send_message(QueueUrl=src, MessageBody=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}")
    for _ in range(30):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
        if queue_counts(sqs, src) == (0, 0, 0):
            break
    sqs.send_message(QueueUrl=dlq, MessageBody="other", MessageGroupId="o", MessageDeduplicationId="o")
    held = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=1, VisibilityTimeout=3)["Messages"]
    assert [m["Body"] for m in held] == ["m0"]
    dest = _create(sqs, "fifohead-dest", fifo=True)
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest))
    # Another group does not wait for it; the held group waits, and so does the task.
    assert wait_until(lambda: queue_counts(sqs, dest)[0] == 1, timeout=2)
    assert _tasks(sqs, dlq)[0]["Status"] == "RUNNING"
    done = _wait_status(sqs, dlq, "COMPLETED", timeout=12)
    assert (done["ApproximateNumberOfMessagesMoved"], done["ApproximateNumberOfMessagesToMove"]) == (6, 6)
    assert queue_counts(sqs, dlq) == (0, 0, 0)
    got = [m["Body"] for m in _drain(sqs, dest)]
    assert [b for b in got if b != "other"] == ["m0", "m1", "m2", "m3", "m4"] and "other" in got


def test_fifo_sequence_numbers_in_a_dead_letter_queue_follow_arrival(sqs):
    """"SequenceNumber continues to increase for a particular MessageGroupId": a message moved
    into a FIFO dead-letter queue takes its place behind what the group already holds there."""
    src, dlq = _pair(sqs, 1, fifo=True, prefix="fifoseq")
    sqs.send_message(QueueUrl=src, MessageBody="from-source", MessageGroupId="g", MessageDeduplicationId="s1")
    sqs.send_message(QueueUrl=dlq, MessageBody="direct", MessageGroupId="g", MessageDeduplicationId="d1")
    for _ in range(10):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0)
        if queue_counts(sqs, src) == (0, 0, 0):
            break
    got = _drain(sqs, dlq)
    assert [m["Body"] for m in got] == ["direct", "from-source"]
    numbers = [int(m["Attributes"]["SequenceNumber"]) for m in got]
    assert numbers == sorted(numbers) and numbers[0] < numbers[1]


def test_a_message_sent_to_the_dead_letter_queue_directly_fails_a_redrive_to_its_source(sqs):
    """AWS's troubleshooting guide: such a message fails the task with CouldNotDetermineMessageSource
    (redrive it to a custom destination instead)."""
    src, dlq = _pair(sqs, 1, prefix="nosrc")
    sqs.send_message(QueueUrl=dlq, MessageBody="direct")
    sqs.start_message_move_task(SourceArn=_arn(dlq))
    failed = _wait_status(sqs, dlq, "FAILED")
    assert failed["FailureReason"] == "CouldNotDetermineMessageSource"
    assert queue_counts(sqs, dlq) == (1, 0, 0)
    dest = _create(sqs, "nosrc-dest")
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest))
    _wait_status(sqs, dlq, "COMPLETED")
    assert [m["Body"] for m in _drain(sqs, dest)] == ["direct"]


def test_move_task_to_destination(sqs):
    src, dlq = _pair(sqs, 1, prefix="mtdest")
    dest = _create(sqs, "mtdest-to")
    bodies = [f"d{i}" for i in range(4)]
    _send_many(sqs, src, bodies)
    _dead_letter_all(sqs, src, dlq, 4)
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest), MaxNumberOfMessagesPerSecond=500)
    done = _wait_status(sqs, dlq, "COMPLETED")
    assert done["ApproximateNumberOfMessagesMoved"] == done["ApproximateNumberOfMessagesToMove"] == 4
    assert done["DestinationArn"] == _arn(dest)
    assert done["MaxNumberOfMessagesPerSecond"] == 500
    assert queue_counts(sqs, dlq) == (0, 0, 0)
    assert queue_counts(sqs, src) == (0, 0, 0)
    assert sorted(x["Body"] for x in _drain(sqs, dest)) == bodies


def test_a_fifo_dead_letter_queue_gets_the_message_id_as_deduplication_id(sqs):
    """SQS guide: moving to a FIFO DLQ replaces the deduplication ID with the message's ID."""
    src, dlq = _pair(sqs, 1, fifo=True, prefix="fdedup")
    sent = [sqs.send_message(QueueUrl=src, MessageBody=f"f{i}", MessageGroupId="g", MessageDeduplicationId=f"orig-{i}")
            for i in range(2)]
    _dead_letter_all(sqs, src, dlq, 2)
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in dead] == ["f0", "f1"]
    assert [m["MessageId"] for m in dead] == [s["MessageId"] for s in sent]
    assert all(m["Attributes"]["MessageDeduplicationId"] == m["MessageId"] for m in dead)


def test_a_redriven_fifo_message_queues_behind_what_is_already_there(sqs):
    """SQS guide: the destination ingests redriven messages, like new messages from other
    producers, in the order it receives them."""
    src, dlq = _pair(sqs, 1, fifo=True, prefix="fredrive")
    sqs.send_message(QueueUrl=src, MessageBody="A0", MessageGroupId="g", MessageDeduplicationId="a0")
    got = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=1, VisibilityTimeout=0)["Messages"]
    assert got[0]["Body"] == "A0"
    moving = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=1, VisibilityTimeout=0)  # moves A0 to the DLQ
    assert "Messages" not in moving
    assert _visible(sqs, dlq) == 1
    for i in range(1, 4):
        sqs.send_message(QueueUrl=src, MessageBody=f"A{i}", MessageGroupId="g", MessageDeduplicationId=f"a{i}")
    sqs.start_message_move_task(SourceArn=_arn(dlq))
    _wait_status(sqs, dlq, "COMPLETED")
    back = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, MessageSystemAttributeNames=["SequenceNumber"])["Messages"]
    assert [m["Body"] for m in back] == ["A1", "A2", "A3", "A0"]
    numbers = [int(m["Attributes"]["SequenceNumber"]) for m in back]
    assert numbers == sorted(numbers)


def test_redriven_messages_are_new_messages(sqs):
    """AWS: the redrive task resets the retention period; redriven messages are new messages
    with a new message ID and enqueue time (a dead-letter move on receive keeps them)."""
    src, dlq = _pair(sqs, 1, prefix="mtnew")
    sent = {sqs.send_message(QueueUrl=src, MessageBody=f"r{i}")["MessageId"] for i in range(3)}
    _dead_letter_all(sqs, src, dlq, 3)
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0,
                               MessageSystemAttributeNames=["SentTimestamp"])["Messages"]
    assert {m["MessageId"] for m in dead} == sent
    started_ms = int(time.time() * 1000)
    time.sleep(0.05)
    sqs.start_message_move_task(SourceArn=_arn(dlq))
    _wait_status(sqs, dlq, "COMPLETED")
    back = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                               MessageSystemAttributeNames=["SentTimestamp", "ApproximateReceiveCount"])["Messages"]
    assert sorted(m["Body"] for m in back) == ["r0", "r1", "r2"]
    assert not {m["MessageId"] for m in back} & sent
    assert all(int(m["Attributes"]["SentTimestamp"]) >= started_ms for m in back)
    assert all(m["Attributes"]["ApproximateReceiveCount"] == "1" for m in back)


@pytest.mark.parametrize("rate", [0, 501, -1])
def test_move_task_rate_out_of_range(sqs, rate):
    src, dlq = _pair(sqs, 1, prefix="mtrate")
    sqs.send_message(QueueUrl=dlq, MessageBody="stay")
    expect_error(sqs.start_message_move_task, "InvalidParameterValue", 400, SourceArn=_arn(dlq),
                 DestinationArn=_arn(src), MaxNumberOfMessagesPerSecond=rate)
    assert _tasks(sqs, dlq) == []
    assert queue_counts(sqs, dlq) == (1, 0, 0)


def test_move_task_source_must_be_a_dlq_and_exist(sqs):
    plain = _create(sqs, "mtplain")
    target = _create(sqs, "mtplain-to")
    sqs.send_message(QueueUrl=plain, MessageBody="x")
    expect_error(sqs.start_message_move_task, "InvalidParameterValue", 400, SourceArn=_arn(plain))
    expect_error(sqs.start_message_move_task, "InvalidParameterValue", 400, SourceArn=_arn(plain),
                 DestinationArn=_arn(target))
    assert queue_counts(sqs, plain) == (1, 0, 0)
    missing = _arn(unique_name("mtmissing"))
    expect_error(sqs.start_message_move_task, RNF, 404, SourceArn=missing)
    expect_error(sqs.list_message_move_tasks, RNF, 404, SourceArn=missing)


def test_move_task_running_then_completed(sqs):
    src, dlq = _pair(sqs, 1, prefix="mtrun")
    dest = _create(sqs, "mtrun-to")
    _send_many(sqs, dlq, [f"r{i}" for i in range(6)])
    t0 = int(time.time() * 1000)
    handle = sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest),
                                         MaxNumberOfMessagesPerSecond=3)["TaskHandle"]
    t1 = int(time.time() * 1000)
    running = _tasks(sqs, dlq)
    assert len(running) == 1
    e = running[0]
    assert e["Status"] == "RUNNING", e
    assert e["TaskHandle"] == handle
    assert e["SourceArn"] == _arn(dlq) and e["DestinationArn"] == _arn(dest)
    assert e["MaxNumberOfMessagesPerSecond"] == 3
    assert e["ApproximateNumberOfMessagesToMove"] == 6
    assert 0 <= e["ApproximateNumberOfMessagesMoved"] < 6
    assert t0 - 2000 <= e["StartedTimestamp"] <= t1 + 2000, (t0, e["StartedTimestamp"])  # epoch ms
    # one active task per source queue
    expect_error(sqs.start_message_move_task, "InvalidParameterValue", 400, SourceArn=_arn(dlq),
                 DestinationArn=_arn(dest))
    expect_error(sqs.start_message_move_task, "InvalidParameterValue", 400, SourceArn=_arn(dlq))
    done = _wait_status(sqs, dlq, "COMPLETED", timeout=4)
    assert done["ApproximateNumberOfMessagesMoved"] == done["ApproximateNumberOfMessagesToMove"] == 6
    assert done["StartedTimestamp"] == e["StartedTimestamp"]
    assert "TaskHandle" not in done
    assert queue_counts(sqs, dest) == (6, 0, 0) and queue_counts(sqs, dlq) == (0, 0, 0)
    # a completed task cannot be cancelled
    _expect_one_of(sqs.cancel_message_move_task, CANCEL_NOT_RUNNING, TaskHandle=handle)


def test_list_move_tasks_newest_first_and_max_results(sqs):
    src, dlq = _pair(sqs, 1, prefix="mtlist")
    dest = _create(sqs, "mtlist-to")
    for n in (1, 2, 3):
        _send_many(sqs, dlq, [f"n{n}-{i}" for i in range(n)])
        sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest))
        done = _wait_status(sqs, dlq, "COMPLETED")
        assert done["ApproximateNumberOfMessagesToMove"] == n
    ten = _tasks(sqs, dlq, MaxResults=10)
    assert [t["ApproximateNumberOfMessagesToMove"] for t in ten] == [3, 2, 1]
    assert all(t["Status"] == "COMPLETED" for t in ten)
    stamps = [t["StartedTimestamp"] for t in ten]
    assert stamps == sorted(stamps, reverse=True)
    assert [t["ApproximateNumberOfMessagesToMove"] for t in _tasks(sqs, dlq, MaxResults=2)] == [3, 2]
    assert [t["ApproximateNumberOfMessagesToMove"] for t in _tasks(sqs, dlq)] == [3]  # default 1
    for bad in (0, 11):
        expect_error(sqs.list_message_move_tasks, "InvalidParameterValue", 400, SourceArn=_arn(dlq),
                     MaxResults=bad)
    assert queue_counts(sqs, dest) == (6, 0, 0)


def test_only_the_ten_newest_move_tasks_of_a_source_are_kept(sqs, daemon):
    """ListMessageMoveTasks "gets the most recent message movement tasks (up to 10)": older tasks
    that have ended can never be listed, so they are not kept (every task stayed in the database
    and in memory for good, and listing slowed as they piled up)."""
    src, dlq = _pair(sqs, 1, prefix="mtkeep")
    dest = _create(sqs, "mtkeep-to")
    for n in range(12):
        _send_many(sqs, dlq, [f"k{n}"])
        sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest))
        _wait_status(sqs, dlq, "COMPLETED")
    assert len(_tasks(sqs, dlq, MaxResults=10)) == 10
    with sqlite3.connect(f"file:{daemon.data_dir}/sealq.sqlite?mode=ro", uri=True) as db:
        kept = db.execute("SELECT COUNT(*) FROM move_tasks WHERE source_arn = ?", (_arn(dlq),)).fetchone()[0]
    assert kept == 10
    assert queue_counts(sqs, dest)[0] == 12


def test_deleting_a_queue_takes_its_ended_move_tasks_with_it(sqs, daemon):
    """Move tasks belong to their queue: deleting it removes its ended tasks, which a queue made
    later under the same name would otherwise list (they were kept for good)."""
    src, dlq = _pair(sqs, 1, prefix="mtgone")
    dest = _create(sqs, "mtgone-to")
    _send_many(sqs, dlq, ["x"])
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest))
    _wait_status(sqs, dlq, "COMPLETED")
    def kept():
        with sqlite3.connect(f"file:{daemon.data_dir}/sealq.sqlite?mode=ro", uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM move_tasks WHERE source_arn = ?", (_arn(dlq),)).fetchone()[0]
    assert kept() == 1
    sqs.delete_queue(QueueUrl=dlq)
    assert kept() == 0


def test_cancel_move_task_midway(sqs):
    src, dlq = _pair(sqs, 1, prefix="mtcancel")
    dest = _create(sqs, "mtcancel-to")
    _send_many(sqs, dlq, [f"c{i:02d}" for i in range(40)])
    handle = sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest),
                                         MaxNumberOfMessagesPerSecond=5)["TaskHandle"]
    time.sleep(1.0)
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    at_cancel = (_visible(sqs, dest), _visible(sqs, dlq))
    assert 1 <= moved <= 39, moved
    entry = _wait_status(sqs, dlq, "CANCELLED", timeout=2)
    assert entry["ApproximateNumberOfMessagesToMove"] == 40
    assert "TaskHandle" not in entry
    time.sleep(1.0)
    later = (_visible(sqs, dest), _visible(sqs, dlq))
    assert later == at_cancel, f"messages moved after the cancel answered: {at_cancel} -> {later}"
    assert later == (moved, 40 - moved), f"cancel answered {moved} moved, but (dest, dlq) = {later}"
    assert _tasks(sqs, dlq)[0]["ApproximateNumberOfMessagesMoved"] == moved
    # cancelling again fails
    _expect_one_of(sqs.cancel_message_move_task, CANCEL_NOT_RUNNING, TaskHandle=handle)
    # the queue is free for a new task, which moves the rest
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest))
    done = _wait_status(sqs, dlq, "COMPLETED")
    assert done["ApproximateNumberOfMessagesToMove"] == 40 - moved
    assert queue_counts(sqs, dest) == (40, 0, 0) and queue_counts(sqs, dlq) == (0, 0, 0)
    assert [t["Status"] for t in _tasks(sqs, dlq, MaxResults=10)] == ["COMPLETED", "CANCELLED"]


def test_a_move_task_whose_destination_is_deleted_fails_and_sends_nothing_to_the_sources(sqs):
    src, dlq = _pair(sqs, 1, prefix="mtgone")
    dest = _create(sqs, "mtgone-to")
    _send_many(sqs, dlq, [f"g{i}" for i in range(20)])
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest), MaxNumberOfMessagesPerSecond=2)
    time.sleep(1.2)
    sqs.delete_queue(QueueUrl=dest)
    failed = _wait_status(sqs, dlq, "FAILED", timeout=5)
    # exactly AWS's reason (recorded answers show no ARN after it)
    assert failed["FailureReason"] == "AWS.SimpleQueueService.NonExistentQueue"
    time.sleep(1.0)
    assert queue_counts(sqs, src) == (0, 0, 0), "nothing went back to the source queue"
    assert _visible(sqs, dlq) == 20 - failed["ApproximateNumberOfMessagesMoved"]


def test_cancel_unknown_handle(sqs):
    """AWS's answers (as recorded from AWS by other emulators' test snapshots): a handle naming a
    queue that does not exist, a task that never existed, and something that is no handle."""
    resp = expect_error(sqs.cancel_message_move_task, RNF, 404, TaskHandle=AWS_EXAMPLE_HANDLE)
    assert resp["Error"]["Message"] == "The resource that you specified for the SourceArn parameter doesn't exist."
    # a handle naming an existing DLQ but a task that never existed
    src, dlq = _pair(sqs, 1, prefix="mtunk")
    forged = base64.b64encode(json.dumps({"taskId": str(uuid.uuid4()), "sourceArn": _arn(dlq)}).encode()).decode()
    expect_error(sqs.cancel_message_move_task, RNF, 404, TaskHandle=forged)
    resp = expect_error(sqs.cancel_message_move_task, "InvalidParameterValue", 400, TaskHandle="not-a-handle")
    assert resp["Error"]["Message"] == "Value for parameter TaskHandle is invalid."


def test_query_move_task(sqs, query):
    src, dlq = _pair(sqs, 1, prefix="qmt")
    sqs.send_message(QueueUrl=src, MessageBody="q-back")
    _dead_letter_all(sqs, src, dlq, 1)
    _qerr(*query("StartMessageMoveTask", {"SourceArn": _arn(unique_name("qmt-missing"))}), RNF, 404)
    _qerr(*query("StartMessageMoveTask", {"SourceArn": _arn(dlq), "MaxNumberOfMessagesPerSecond": "501"}),
          "InvalidParameterValue")
    st, root = query("StartMessageMoveTask", {"SourceArn": _arn(src)})
    _qerr(st, root, "InvalidParameterValue")
    assert xml_error(root)[2] == "Source queue must be configured as a Dead Letter Queue."
    res = _qok(*query("StartMessageMoveTask", {"SourceArn": _arn(dlq)}), "StartMessageMoveTask")
    handle = xtext(res, "TaskHandle")
    assert handle

    def entries():
        r = _qok(*query("ListMessageMoveTasks", {"SourceArn": _arn(dlq), "MaxResults": "10"}),
                 "ListMessageMoveTasks")
        return [el for el in r.iter() if xfind(el, "Status") is not None]

    assert wait_until(lambda: [xtext(e, "Status") for e in entries()] == ["COMPLETED"], timeout=3), \
        [xtext(e, "Status") for e in entries()]
    e = entries()[0]
    assert xtext(e, "SourceArn") == _arn(dlq)
    assert xtext(e, "ApproximateNumberOfMessagesMoved") == xtext(e, "ApproximateNumberOfMessagesToMove") == "1"
    assert int(xtext(e, "StartedTimestamp")) > 0
    assert [x["Body"] for x in _drain(sqs, src)] == ["q-back"]
    _qerr(*query("ListMessageMoveTasks", {"SourceArn": _arn(dlq), "MaxResults": "11"}), "InvalidParameterValue")
    _qerr(*query("CancelMessageMoveTask", {"TaskHandle": AWS_EXAMPLE_HANDLE}), RNF, 404)


def test_move_task_survives_restart(fresh_daemon):
    d = fresh_daemon()
    sqs = make_client(d)
    src, dlq = _pair(sqs, 1, prefix="mtrs")
    dest = _create(sqs, "mtrs-to")
    bodies = [f"rs{i:02d}" for i in range(30)]
    _send_many(sqs, dlq, bodies)
    sqs.start_message_move_task(SourceArn=_arn(dlq), DestinationArn=_arn(dest), MaxNumberOfMessagesPerSecond=5)
    time.sleep(1.0)
    port = d.port
    assert d.stop(), "daemon did not exit within 10 s of SIGTERM"
    d.start(port=port)
    sqs = make_client(d)
    # The resumed task keeps moving between these reads, so nothing lost or doubled means the
    # totals bracket 30 (the source read before the destination, and again after it).
    left_before = _visible(sqs, dlq)
    before = _visible(sqs, dest)
    left_after = _visible(sqs, dlq)
    assert 1 <= before < 30, f"the task was not midway at the restart: {before} moved"
    assert before + left_after <= 30 <= before + left_before, (left_before, before, left_after)
    entry = _tasks(sqs, dlq)[0]
    assert entry["Status"] in ("RUNNING", "COMPLETED"), entry
    done = _wait_status(sqs, dlq, "COMPLETED", timeout=12)
    assert done["ApproximateNumberOfMessagesToMove"] == 30
    assert done["ApproximateNumberOfMessagesMoved"] == 30
    assert queue_counts(sqs, dlq) == (0, 0, 0)
    got = _drain(sqs, dest)
    counts = collections.Counter(x["Body"] for x in got)
    assert sorted(counts) == bodies
    assert [b for b, c in counts.items() if c != 1] == [], counts
    assert queue_counts(sqs, dest) == (0, 0, 0)
