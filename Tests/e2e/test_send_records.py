"""CloudTrail records of sends name what they stored, as AWS's SQS data events do: a
SendMessage record's responseElements carry the message id, the MD5s the caller was answered
with (on a queue with SSE off: beside sealed messages they would let whoever holds the file
confirm a guessed body) and, on a FIFO queue, the sequence number; a SendMessageBatch record lists its successful
entries' ids with their message ids. So the audit log answers "who sent message X", and the records still verify."""

import json
import os
import sqlite3

from conftest import Daemon, make_client, md5_hex, md5_of_attributes, run_sealq


def send_records(data_dir):
    db = sqlite3.connect(f"file:{data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    try:
        records = [json.loads(record) for (record,) in db.execute("SELECT record FROM audit_records ORDER BY position")]
    finally:
        db.close()
    return {r["requestID"]: r for r in records if r["eventName"] in ("SendMessage", "SendMessageBatch")}


def test_send_records_name_the_messages_they_stored(tmp_path):
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs = make_client(d)
        queue = sqs.create_queue(QueueName="recorded")["QueueUrl"]
        plain = sqs.create_queue(QueueName="recorded-plain", Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
        attributes = {"colour": {"DataType": "String", "StringValue": "blue"}}
        single = sqs.send_message(QueueUrl=plain, MessageBody="first", MessageAttributes=attributes)
        again = sqs.send_message(QueueUrl=plain, MessageBody="second")
        verdict = sqs.send_message(QueueUrl=queue, MessageBody="verdict: positive",
                                   MessageAttributes={"patient": {"DataType": "String", "StringValue": "1234"}},
                                   MessageSystemAttributes={"AWSTraceHeader": {
                                       "DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}})
        batch = sqs.send_message_batch(QueueUrl=queue, Entries=[
            {"Id": "a", "MessageBody": "batch a"}, {"Id": "b", "MessageBody": "batch b"}, {"Id": "empty", "MessageBody": ""}])
        fifo = sqs.create_queue(QueueName="recorded.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        stored = sqs.send_message(QueueUrl=fifo, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d")
        duplicate = sqs.send_message(QueueUrl=fifo, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d")
        refused = None
        try:
            sqs.send_message(QueueUrl=queue, MessageBody="x", DelaySeconds=901)
        except Exception as error:  # noqa: BLE001 - any refusal will do
            refused = error.response["ResponseMetadata"]["RequestId"]
    finally:
        d.stop()
    records = send_records(d.data_dir)

    first = records[single["ResponseMetadata"]["RequestId"]]["responseElements"]
    assert first == {"mD5OfMessageAttributes": md5_of_attributes(attributes), "mD5OfMessageBody": md5_hex("first"),
                     "messageId": single["MessageId"]}
    assert records[again["ResponseMetadata"]["RequestId"]]["responseElements"] == {
        "mD5OfMessageBody": md5_hex("second"), "messageId": again["MessageId"]}

    # SSE on: the record names the message, and no digest of it is anywhere in the data directory
    assert records[verdict["ResponseMetadata"]["RequestId"]]["responseElements"] == {"messageId": verdict["MessageId"]}
    digests = [verdict["MD5OfMessageBody"], verdict["MD5OfMessageAttributes"], verdict["MD5OfMessageSystemAttributes"]]
    for directory, _, names in os.walk(d.data_dir):
        for name in names:
            with open(os.path.join(directory, name), "rb") as f:
                content = f.read()
            for digest in digests:
                assert digest.encode() not in content and bytes.fromhex(digest) not in content, (name, digest)

    listed = records[batch["ResponseMetadata"]["RequestId"]]["responseElements"]["successful"]
    assert listed == [{"id": e["Id"], "messageId": e["MessageId"]} for e in batch["Successful"]]
    assert [e["Id"] for e in batch["Failed"]] == ["empty"]

    # a duplicate FIFO send names the message it duplicates, as its answer does
    for answer in (stored, duplicate):
        elements = records[answer["ResponseMetadata"]["RequestId"]]["responseElements"]
        assert elements["messageId"] == stored["MessageId"] and elements["sequenceNumber"] == stored["SequenceNumber"]

    assert refused and records[refused]["responseElements"] is None and records[refused]["errorCode"]
    assert run_sealq("audit", "verify", "--data-dir", d.data_dir).returncode == 0
    # the message ids reach LookupEvents' CloudTrailEvent too
    lookup = run_sealq("audit", "lookup", "--data-dir", d.data_dir, "--attribute", "EventName=SendMessage")
    assert single["MessageId"] in lookup.stdout
