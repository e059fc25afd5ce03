"""Restarts on the same data directory: queues, attributes, tags and messages survive;
SIGTERM shuts down gracefully and answers waiting long polls with an empty 200."""

import threading
import time

from conftest import (ACCOUNT, make_client, md5_hex, md5_of_attributes, queue_counts, receive_bodies,
                      unique_name)


def test_messages_and_queues_survive_restart(fresh_daemon):
    d = fresh_daemon()
    sqs = make_client(d)
    name = unique_name("rs")
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "40", "DelaySeconds": "0"},
                           tags={"keep": "me"})["QueueUrl"]
    other = sqs.create_queue(QueueName=name + "-other")["QueueUrl"]
    attrs = {"n": {"DataType": "Number", "StringValue": "42"},
             "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
             "s": {"DataType": "String.x", "StringValue": "\u00fc\U0001F600"}}
    bodies = [f"persist-{i}-\u00e9\r\n" for i in range(5)]
    sent = {}
    for i, body in enumerate(bodies):
        kw = {"MessageAttributes": attrs} if i == 0 else {}
        sent[body] = sqs.send_message(QueueUrl=url, MessageBody=body, **kw)["MessageId"]
    # one message deleted before the restart must stay deleted
    sqs.send_message(QueueUrl=url, MessageBody="deleted-before")
    got = [m for m in receive_bodies(sqs, url, 6, VisibilityTimeout=0) if m["Body"] == "deleted-before"]
    assert got
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[-1]["ReceiptHandle"])
    # a delayed message keeps its delay
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=600)
    sqs.delete_queue(QueueUrl=other)
    created = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    port = d.port
    assert d.stop(), "daemon did not exit within 10 s of SIGTERM"
    d.start(port=port)
    sqs = make_client(d)

    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", []) == [url]
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    for k in ("VisibilityTimeout", "CreatedTimestamp", "QueueArn", "MaximumMessageSize"):
        assert a[k] == created[k], k
    assert a["ApproximateNumberOfMessagesDelayed"] == "1"
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"keep": "me"}

    msgs = receive_bodies(sqs, url, 5, MessageAttributeNames=["All"], VisibilityTimeout=60)
    by_body = {m["Body"]: m for m in msgs}
    assert sorted(by_body) == sorted(bodies)
    for body, mid in sent.items():
        m = by_body[body]
        assert m["MessageId"] == mid
        assert m["MD5OfBody"] == md5_hex(body)
    first = by_body[bodies[0]]
    assert first["MD5OfMessageAttributes"] == md5_of_attributes(attrs)
    assert bytes(first["MessageAttributes"]["b"]["BinaryValue"]) == b"\x00\xff"
    assert first["MessageAttributes"]["s"]["StringValue"] == "\u00fc\U0001F600"
    assert queue_counts(sqs, url) == (0, 5, 1)


def test_in_flight_state_survives_restart(fresh_daemon):
    d = fresh_daemon()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName=unique_name("rsv"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="in-flight")
    m = sqs.receive_message(QueueUrl=url, VisibilityTimeout=300, WaitTimeSeconds=1)["Messages"][0]
    port = d.port
    d.stop()
    d.start(port=port)
    sqs = make_client(d)
    # still invisible after the restart, and its receipt handle still deletes it
    assert queue_counts(sqs, url) == (0, 1, 0)
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert queue_counts(sqs, url) == (0, 0, 0)


def test_restart_on_another_port(fresh_daemon):
    d = fresh_daemon()
    sqs = make_client(d)
    name = unique_name("rsp")
    sqs.create_queue(QueueName=name)
    sqs.send_message(QueueUrl=d.queue_url(name), MessageBody="moved")
    d.stop()
    from conftest import free_port
    d.start(port=free_port())
    sqs = make_client(d)
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    assert url == f"http://127.0.0.1:{d.port}/{ACCOUNT}/{name}"
    msgs = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in msgs] == ["moved"]


def test_sigterm_answers_waiting_long_poll(fresh_daemon):
    d = fresh_daemon()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName=unique_name("rsl"))["QueueUrl"]
    result = {}

    def poll():
        c = make_client(d)
        t = time.monotonic()
        try:
            r = c.receive_message(QueueUrl=url, WaitTimeSeconds=20)
            result["status"] = r["ResponseMetadata"]["HTTPStatusCode"]
            result["messages"] = r.get("Messages", [])
        except Exception as e:  # noqa: BLE001 - reported below
            result["error"] = repr(e)
        result["elapsed"] = time.monotonic() - t

    th = threading.Thread(target=poll)
    th.start()
    time.sleep(1.0)
    t = time.monotonic()
    exited = d.stop()
    th.join(timeout=30)
    assert exited, "daemon did not exit within 10 s of SIGTERM"
    assert time.monotonic() - t < 10
    assert "error" not in result, result
    assert result["status"] == 200 and result["messages"] == []
    assert result["elapsed"] < 15, result


def test_sigkill_keeps_acknowledged_queue_changes(fresh_daemon):
    d = fresh_daemon()
    sqs = make_client(d)
    name = unique_name("rk")
    url = sqs.create_queue(QueueName=name, Attributes={"DelaySeconds": "1"})["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "55"})
    sqs.tag_queue(QueueUrl=url, Tags={"t": "1"})
    sqs.add_permission(QueueUrl=url, Label="perm", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    gone = sqs.create_queue(QueueName=name + "-gone")["QueueUrl"]
    sqs.delete_queue(QueueUrl=gone)
    mid = sqs.send_message(QueueUrl=url, MessageBody="acked", DelaySeconds=0)["MessageId"]
    d.kill()  # SIGKILL right after the acknowledgements
    d.start(port=d.port)
    sqs = make_client(d)
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert a["DelaySeconds"] == "1" and a["VisibilityTimeout"] == "55"
    assert "perm" in a.get("Policy", "")
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"t": "1"}
    assert sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", []) == [url]
    msgs = receive_bodies(sqs, url, 1, timeout=5)
    assert [(m["MessageId"], m["Body"]) for m in msgs] == [(mid, "acked")]


def test_an_upgrade_says_which_migrations_it_applies(fresh_daemon):
    """A database from an older SealQ is migrated at start, one way: the start says so before it
    begins (it may take a while on a large database) and when it is done; other starts say nothing."""
    import sqlite3
    d = fresh_daemon()
    url = make_client(d).create_queue(QueueName=unique_name("up"))["QueueUrl"]
    make_client(d).send_message(QueueUrl=url, MessageBody="kept across the upgrade")
    assert d.stop()
    newest = "v16-group-head-index-covers-busy-until"
    db = sqlite3.connect(f"{d.data_dir}/sealq.sqlite")
    db.execute("DELETE FROM grdb_migrations WHERE identifier = ?", (newest,))  # as the SealQ before it left it
    db.commit()
    db.close()
    d.start()
    said = d.stderr_tail(20000)
    assert "upgrading the database; older SealQ versions cannot open it afterwards" in said, said
    assert f"storage.migrations={newest}" in said and "database upgraded" in said, said
    assert [m["Body"] for m in make_client(d).receive_message(QueueUrl=url).get("Messages", [])] == ["kept across the upgrade"]
    assert d.stop()
    d.start()
    assert "upgrading the database" not in d.stderr_tail(20000)
    assert d.stop()
