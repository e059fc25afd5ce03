"""SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch."""

import pytest

from conftest import expect_error, md5_hex, queue_counts, receive_bodies

P = "AWS.SimpleQueueService."


def test_send_batch_of_ten(sqs, queue):
    entries = [{"Id": f"id-{i}", "MessageBody": f"body-{i}"} for i in range(10)]
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert resp.get("Failed", []) == []
    assert sorted(e["Id"] for e in resp["Successful"]) == sorted(e["Id"] for e in entries)
    for r in resp["Successful"]:
        assert r["MD5OfMessageBody"] == md5_hex("body-" + r["Id"].split("-")[1])
        assert r["MessageId"]
    got = receive_bodies(sqs, queue, 10)
    assert sorted(m["Body"] for m in got) == sorted(e["MessageBody"] for e in entries)
    ids = {r["MessageId"] for r in resp["Successful"]}
    assert {m["MessageId"] for m in got} == ids


def test_send_batch_too_many(sqs, queue):
    entries = [{"Id": f"i{i}", "MessageBody": "x"} for i in range(11)]
    expect_error(sqs.send_message_batch, P + "TooManyEntriesInBatchRequest", 400, QueueUrl=queue, Entries=entries)
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_send_batch_empty(sqs, queue):
    expect_error(sqs.send_message_batch, P + "EmptyBatchRequest", 400, QueueUrl=queue, Entries=[])


def test_send_batch_ids_not_distinct(sqs, queue):
    entries = [{"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}]
    expect_error(sqs.send_message_batch, P + "BatchEntryIdsNotDistinct", 400, QueueUrl=queue, Entries=entries)
    assert queue_counts(sqs, queue) == (0, 0, 0)


@pytest.mark.parametrize("bad_id", ["has space", "dot.id", "x" * 81, "\u00fc", "a/b", ""],
                         ids=["space", "dot", "81chars", "non-ascii", "slash", "empty"])
def test_send_batch_invalid_entry_id(sqs, queue, bad_id):
    entries = [{"Id": "good", "MessageBody": "a"}, {"Id": bad_id, "MessageBody": "b"}]
    expect_error(sqs.send_message_batch, (P + "InvalidBatchEntryId", "MissingParameter") if bad_id == ""
                 else P + "InvalidBatchEntryId", 400, QueueUrl=queue, Entries=entries)
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_send_batch_entry_id_of_80_chars(sqs, queue):
    eid = ("Az09_-" * 20)[:80]
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": eid, "MessageBody": "ok"}])
    assert [e["Id"] for e in resp["Successful"]] == [eid]


def test_send_batch_total_too_long(sqs, queue):
    big = "x" * 600000
    entries = [{"Id": "a", "MessageBody": big}, {"Id": "b", "MessageBody": big}]
    expect_error(sqs.send_message_batch, P + "BatchRequestTooLong", 400, QueueUrl=queue, Entries=entries)
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_send_batch_total_at_limit(sqs, queue):
    half = "y" * 524288
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "a", "MessageBody": half},
                                                          {"Id": "b", "MessageBody": half}])
    assert len(resp["Successful"]) == 2


def test_send_batch_partial_failure(sqs, queue):
    entries = [
        {"Id": "ok1", "MessageBody": "good one"},
        {"Id": "badchar", "MessageBody": "bad\u0000"},
        {"Id": "ok2", "MessageBody": "good two"},
        {"Id": "baddelay", "MessageBody": "late", "DelaySeconds": 901},
        {"Id": "badattr", "MessageBody": "attr", "MessageAttributes": {
            "AWS.reserved": {"DataType": "String", "StringValue": "v"}}},
    ]
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sorted(e["Id"] for e in resp["Successful"]) == ["ok1", "ok2"]
    failed = {f["Id"]: f for f in resp["Failed"]}
    assert set(failed) == {"badchar", "baddelay", "badattr"}
    for f in failed.values():
        assert f["SenderFault"] is True
        assert f["Code"]
    assert failed["badchar"]["Code"] == "InvalidMessageContents"
    assert failed["baddelay"]["Code"] == "InvalidParameterValue"
    assert failed["badattr"]["Code"] == "InvalidParameterValue"
    got = receive_bodies(sqs, queue, 2, timeout=3)
    assert sorted(m["Body"] for m in got) == ["good one", "good two"]
    assert queue_counts(sqs, queue) == (0, 2, 0)


def test_a_lone_surrogate_escape_fails_only_its_own_entry(sqs, queue, json_call):
    """`"\\ud83d"` is valid JSON (JavaScript's JSON.stringify writes it for a string cut inside an
    emoji) but no character SQS accepts: InvalidMessageContents for that message, not a
    SerializationException for the whole request."""
    body = ('{"QueueUrl": "%s", "Entries": [{"Id": "ok", "MessageBody": "fine \\ud83d\\ude00"},'
            ' {"Id": "cut", "MessageBody": "cut \\ud83d"}, {"Id": "low", "MessageBody": "\\ude00 alone"}]}' % queue)
    r = json_call("SendMessageBatch", raw_body=body.encode())
    assert r.status_code == 200, r.text
    answer = r.json()
    assert [e["Id"] for e in answer["Successful"]] == ["ok"]
    assert answer["Successful"][0]["MD5OfMessageBody"] == md5_hex("fine \U0001F600")
    assert {f["Id"]: (f["Code"], f["SenderFault"]) for f in answer["Failed"]} == {
        "cut": ("InvalidMessageContents", True), "low": ("InvalidMessageContents", True)}
    r = json_call("SendMessage", raw_body=('{"QueueUrl": "%s", "MessageBody": "cut \\ud83d"}' % queue).encode())
    assert r.status_code == 400 and r.json()["__type"] == "com.amazonaws.sqs#InvalidMessageContents", r.text
    assert [m["Body"] for m in receive_bodies(sqs, queue, 1, timeout=3)] == ["fine \U0001F600"]


def test_send_batch_per_entry_delay(sqs, queue):
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "now", "MessageBody": "now"}, {"Id": "later", "MessageBody": "later", "DelaySeconds": 60}])
    assert len(resp["Successful"]) == 2
    assert queue_counts(sqs, queue) == (1, 0, 1)


def test_send_batch_missing_queue(sqs, daemon):
    expect_error(sqs.send_message_batch, P + "NonExistentQueue", 400,
                 QueueUrl=daemon.queue_url("no-such-queue-batch"), Entries=[{"Id": "a", "MessageBody": "x"}])


# ---------------------------------------------------------------- DeleteMessageBatch

def _fill_and_receive(sqs, url, n, vis=30):
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"e{i}", "MessageBody": f"m{i}"} for i in range(n)])
    got = receive_bodies(sqs, url, n, VisibilityTimeout=vis)
    assert len(got) == n
    return got


def test_delete_batch(sqs, queue):
    msgs = _fill_and_receive(sqs, queue, 3)
    entries = [{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
    entries.append({"Id": "forged", "ReceiptHandle": "not-a-real-handle"})
    resp = sqs.delete_message_batch(QueueUrl=queue, Entries=entries)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sorted(e["Id"] for e in resp["Successful"]) == ["d0", "d1", "d2"]
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in resp["Failed"]] == [
        ("forged", "ReceiptHandleIsInvalid", True)]
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_delete_batch_errors(sqs, queue):
    msgs = _fill_and_receive(sqs, queue, 1)
    h = msgs[0]["ReceiptHandle"]
    expect_error(sqs.delete_message_batch, P + "EmptyBatchRequest", 400, QueueUrl=queue, Entries=[])
    expect_error(sqs.delete_message_batch, P + "TooManyEntriesInBatchRequest", 400, QueueUrl=queue,
                 Entries=[{"Id": f"i{i}", "ReceiptHandle": h} for i in range(11)])
    expect_error(sqs.delete_message_batch, P + "BatchEntryIdsNotDistinct", 400, QueueUrl=queue,
                 Entries=[{"Id": "x", "ReceiptHandle": h}, {"Id": "x", "ReceiptHandle": h}])
    expect_error(sqs.delete_message_batch, P + "InvalidBatchEntryId", 400, QueueUrl=queue,
                 Entries=[{"Id": "bad id", "ReceiptHandle": h}])
    # none of the refused batches deleted anything
    assert queue_counts(sqs, queue) == (0, 1, 0)


# ---------------------------------------------------------------- ChangeMessageVisibilityBatch

def test_change_visibility_batch(sqs, queue):
    msgs = _fill_and_receive(sqs, queue, 2)
    by_body = {m["Body"]: m for m in msgs}
    resp = sqs.change_message_visibility_batch(QueueUrl=queue, Entries=[
        {"Id": "zero", "ReceiptHandle": by_body["m0"]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "long", "ReceiptHandle": by_body["m1"]["ReceiptHandle"], "VisibilityTimeout": 120},
        {"Id": "forged", "ReceiptHandle": "forged-handle", "VisibilityTimeout": 0},
        {"Id": "toolong", "ReceiptHandle": by_body["m1"]["ReceiptHandle"], "VisibilityTimeout": 43201},
        # The model makes an entry's VisibilityTimeout optional: without one, that entry fails alone.
        {"Id": "untimed", "ReceiptHandle": by_body["m1"]["ReceiptHandle"]},
    ])
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sorted(e["Id"] for e in resp["Successful"]) == ["long", "zero"]
    failed = {f["Id"]: f for f in resp["Failed"]}
    assert set(failed) == {"forged", "toolong", "untimed"}
    assert failed["forged"]["Code"] == "ReceiptHandleIsInvalid"
    assert failed["toolong"]["Code"] == "InvalidParameterValue"
    assert failed["untimed"]["Code"] == "MissingParameter"
    assert all(f["SenderFault"] is True for f in failed.values())
    again = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in again] == ["m0"]


def test_change_visibility_batch_errors(sqs, queue):
    msgs = _fill_and_receive(sqs, queue, 1)
    h = msgs[0]["ReceiptHandle"]
    expect_error(sqs.change_message_visibility_batch, P + "EmptyBatchRequest", 400, QueueUrl=queue, Entries=[])
    expect_error(sqs.change_message_visibility_batch, P + "TooManyEntriesInBatchRequest", 400, QueueUrl=queue,
                 Entries=[{"Id": f"i{i}", "ReceiptHandle": h, "VisibilityTimeout": 0} for i in range(11)])
    expect_error(sqs.change_message_visibility_batch, P + "BatchEntryIdsNotDistinct", 400, QueueUrl=queue,
                 Entries=[{"Id": "x", "ReceiptHandle": h, "VisibilityTimeout": 0},
                          {"Id": "x", "ReceiptHandle": h, "VisibilityTimeout": 0}])
    expect_error(sqs.change_message_visibility_batch, P + "InvalidBatchEntryId", 400, QueueUrl=queue,
                 Entries=[{"Id": "bad!", "ReceiptHandle": h, "VisibilityTimeout": 0}])
    # the message is still in flight: none of the refused batches made it visible
    assert queue_counts(sqs, queue) == (0, 1, 0)


def test_send_batch_all_entries_failed_is_still_200(sqs, queue):
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "a", "MessageBody": "\u0000"}, {"Id": "b", "MessageBody": "x", "DelaySeconds": -5}])
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert resp.get("Successful", []) == []
    assert sorted(f["Id"] for f in resp["Failed"]) == ["a", "b"]
    assert queue_counts(sqs, queue) == (0, 0, 0)


def test_a_batch_answer_leaves_out_an_empty_list(sqs, queue, json_call):
    """As SQS answers over JSON (aws/aws-sdk#657): no "Failed" when every entry succeeded, no
    "Successful" when every entry failed; the Java SDK v2's hasFailed() reads the key's presence."""
    sent = json_call("SendMessageBatch", {"QueueUrl": queue, "Entries": [
        {"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two"}]}).json()
    assert sorted(sent) == ["Successful"] and len(sent["Successful"]) == 2, sent
    refused = json_call("SendMessageBatch", {"QueueUrl": queue, "Entries": [{"Id": "x", "MessageBody": "\u0000"}]}).json()
    assert sorted(refused) == ["Failed"], refused
    handles = [m["ReceiptHandle"] for m in receive_bodies(sqs, queue, 2)]
    for action, extra in [("ChangeMessageVisibilityBatch", {"VisibilityTimeout": 0}), ("DeleteMessageBatch", {})]:
        answer = json_call(action, {"QueueUrl": queue, "Entries": [
            {"Id": f"e{i}", "ReceiptHandle": h, **extra} for i, h in enumerate(handles)]}).json()
        assert sorted(answer) == ["Successful"], (action, answer)
    assert sorted(json_call("DeleteMessageBatch", {"QueueUrl": queue, "Entries": [
        {"Id": "bad", "ReceiptHandle": "not-a-handle"}]}).json()) == ["Failed"]
