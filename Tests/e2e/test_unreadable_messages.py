"""Messages whose KMS key was deleted (its deletion window over, its material destroyed) can never
be read again. Each holds back only itself: a receive delivers every message it can open, leaves
the unreadable ones in flight for its visibility timeout with the receive counted, and answers
KMS.NotFoundException only when it could open nothing. On a FIFO queue the dead message's group
stays blocked (order), the other groups are served. Runs with `--kms-deletion-day-seconds 1`."""

import sqlite3
import time
from types import SimpleNamespace

from botocore.exceptions import ClientError
import pytest

from conftest import Daemon, expect_error, kms_client, kms_key_gone, make_client, unique_name


def not_visible(sqs, url):
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
               ["Attributes"]["ApproximateNumberOfMessagesNotVisible"])


def receive_counts(daemon, message_ids):
    """The stored receive count of each message, by id (read-only, safe while the daemon runs)."""
    db = sqlite3.connect(f"file:{daemon.data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    try:
        marks = ",".join("?" * len(message_ids))
        return dict(db.execute(f"SELECT message_id, receive_count FROM messages WHERE message_id IN ({marks})",
                               list(message_ids)).fetchall())
    finally:
        db.close()



@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Three queues, each with three messages under key K1 and then, after a switch to SSE-SQS or
    to key K2, three readable ones; K1 deleted for good before the tests run."""
    d = Daemon(str(tmp_path_factory.mktemp("sealq-unreadable")), extra_args=["--kms-deletion-day-seconds", "1"])
    d.start()
    sqs, kms = make_client(d), kms_client(d)
    k1 = kms.create_key(Description="doomed")["KeyMetadata"]["KeyId"]
    k2 = kms.create_key(Description="successor")["KeyMetadata"]["KeyId"]
    queues, old_ids = {}, {}
    for kind, attributes, switch in (
            ("sqs", {}, {"KmsMasterKeyId": "", "SqsManagedSseEnabled": "true"}),
            ("kms", {}, {"KmsMasterKeyId": k2}),
            ("fifo", {"FifoQueue": "true", "ContentBasedDeduplication": "true"},
             {"KmsMasterKeyId": "", "SqsManagedSseEnabled": "true"})):
        suffix = ".fifo" if kind == "fifo" else ""
        url = sqs.create_queue(QueueName=unique_name(f"unreadable-{kind}") + suffix,
                               Attributes={"KmsMasterKeyId": k1, **attributes})["QueueUrl"]
        old = {"MessageGroupId": "dead"} if kind == "fifo" else {}
        old_ids[kind] = [sqs.send_message(QueueUrl=url, MessageBody=f"old-{i}", **old)["MessageId"] for i in range(3)]
        sqs.set_queue_attributes(QueueUrl=url, Attributes=switch)
        for i in range(3):
            sqs.send_message(QueueUrl=url, MessageBody=f"new-{i}", **({"MessageGroupId": f"g{i}"} if kind == "fifo" else {}))
        queues[kind] = url
    sqs.send_message(QueueUrl=queues["fifo"], MessageBody="late", MessageGroupId="dead")
    kms.schedule_key_deletion(KeyId=k1, PendingWindowInDays=7)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not kms_key_gone(kms, k1):
        time.sleep(0.25)
    assert kms_key_gone(kms, k1), "the key's deletion did not complete"
    yield SimpleNamespace(daemon=d, sqs=sqs, queues=queues, old_ids=old_ids)
    d.stop()


def test_a_receive_delivers_what_it_can_open_and_keeps_the_unreadable_messages_in_flight(env):
    sqs, url = env.sqs, env.queues["sqs"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=2)["Messages"]
    assert sorted(m["Body"] for m in got) == ["new-0", "new-1", "new-2"]
    assert not_visible(sqs, url) == 6, "the unreadable messages are in flight too"
    assert receive_counts(env.daemon, env.old_ids["sqs"]) == {i: 1 for i in env.old_ids["sqs"]}, "the receive was counted"
    for m in got:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []) == []
    time.sleep(2.2)
    # Only unreadable messages are left: now the receive says why they cannot be delivered.
    expect_error(sqs.receive_message, "KMS.NotFoundException", 400, QueueUrl=url, MaxNumberOfMessages=10)
    assert receive_counts(env.daemon, env.old_ids["sqs"]) == {i: 2 for i in env.old_ids["sqs"]}, "a RedrivePolicy can count them"


def test_single_message_receives_get_past_the_unreadable_messages(env):
    sqs, url = env.sqs, env.queues["kms"]
    bodies, errors = [], []
    for _ in range(6):
        try:
            bodies += [m["Body"] for m in sqs.receive_message(QueueUrl=url, VisibilityTimeout=60).get("Messages", [])]
        except ClientError as e:
            errors.append(e.response["Error"]["Code"])
    assert sorted(bodies) == ["new-0", "new-1", "new-2"]
    assert errors == ["KMS.NotFoundException"] * 3
    assert not_visible(sqs, url) == 6, "each receive that met an unreadable message left it in flight"


def test_fifo_an_unreadable_head_blocks_its_group_only(env):
    sqs, url = env.sqs, env.queues["fifo"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)["Messages"]
    assert sorted(m["Body"] for m in got) == ["new-0", "new-1", "new-2"], "the dead group's messages stay behind its head"
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []) == []


def test_a_message_under_a_disabled_key_holds_back_only_itself(tmp_path):
    """A message under a key that is only disabled (or that the caller may not use) wedged every
    receive: each one claimed it first, failed with KMS.DisabledException and gave everything
    back, FIFO groups included. Now the receive looks past it and delivers the rest; the message
    stays visible with its receive uncounted, the error comes back only when nothing else could
    be delivered, and the message is read once its key is enabled again."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs, kms = make_client(d), kms_client(d)
        k1 = kms.create_key(Description="paused")["KeyMetadata"]["KeyId"]
        for fifo in (False, True):
            attrs = {"KmsMasterKeyId": k1}
            if fifo:
                attrs.update(FifoQueue="true", ContentBasedDeduplication="true")
            url = sqs.create_queue(QueueName=unique_name("paused") + (".fifo" if fifo else ""), Attributes=attrs)["QueueUrl"]
            group = (lambda g: {"MessageGroupId": g}) if fifo else (lambda g: {})
            sqs.send_message(QueueUrl=url, MessageBody="old", **group("paused"))
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "", "SqsManagedSseEnabled": "true"})
            for i in range(5):
                sqs.send_message(QueueUrl=url, MessageBody=f"new-{i}", **group(f"g{i}"))
            kms.disable_key(KeyId=k1)
            got = []
            for _ in range(5):
                got += [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1,
                                                               VisibilityTimeout=60).get("Messages", [])]
            assert sorted(got) == [f"new-{i}" for i in range(5)], fifo
            expect_error(sqs.receive_message, "KMS.DisabledException", 400, QueueUrl=url, MaxNumberOfMessages=10)
            kms.enable_key(KeyId=k1)
            old = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"])
            assert [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in old["Messages"]] == [("old", "1")]
    finally:
        d.stop()
