"""Identity and access (issue 4): every SQS call is authorized against the caller's identity
policies and the queue's Policy. Who may send and receive with the example principals of
policies/, resource policies, AddPermission, explicit denies, anonymous grants, ABAC with tags
and policy variables, condition keys, role callers, get-caller-identity, signature errors with a
non-admin key, startup errors for a bad policies directory and invalid queue Policy values."""

import datetime
import json
import os
import re
import shutil
import subprocess
import time
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from conftest import (query_error_code, signed_request, signed_sqs_json, ACCOUNT, ADMIN_KEY, ADMIN_SECRET, REGION, REPO_POLICIES, SEALQ_BIN,
                      Daemon, JsonClient, QueryClient, arn_of, create_access_key, expect_error,
                      free_port, make_client, make_sts_client, queue_counts, receive_bodies,
                      unique_name, user_arn, wait_until, write_policies_dir, xml_error, xtext, kms_client)

NONEXISTENT = "AWS.SimpleQueueService.NonExistentQueue"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
ROLE_SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/queue-reader/sealq"
AWS = shutil.which("aws")

# Every Sid of every policy the daemons of this module load: none may leak into an error.
SIDS = ("EverythingEverywhere", "SendToOrderQueues", "ConsumeOrderQueues", "ReadQueueState",
        "DenyCallsFromOutsideThisHost", "LabAbacSend", "LabOwnQueues", "LabCreateTagged",
        "LabTagOwned", "LabUntagScratch", "LabReadTags", "LabNowWindow", "LabPast", "LabFuture",
        "LabDenyLoopbackSend", "LabDenyOutsideTen", "LabDenyPlainPurge", "LabDenyFromTen",
        "LabDenySecureTags", "LabNotAction", "LabIfExists", "LabAnyValue", "LabNotResource",
        "LabSendAnywhere", "LabDenyOtherTeam", "LabDenyNotOwn", "LabTagAnything", "LabDevTagsOnly",
        "QueueDenyAdminSend", "QueueDenyOthersReceive", "QueueSignedOnly", "QueueDenyAnonymousId",
        "LabCreateOnly", "LabPerimeter", "LabOwnAccountSends", "LabMoveTasksOnly", "QueueAnonymousAccount")


def denied(fn, **kwargs):
    """Expect AccessDenied (403) from fn(**kwargs), with no statement id in the message."""
    resp = expect_error(fn, "AccessDenied", 403, **kwargs)
    message = resp["Error"].get("Message", "")
    for sid in SIDS:
        assert sid not in message, f"AccessDenied message reveals Sid {sid}: {message!r}"
    return resp


def allowed(fn, **kwargs):
    """fn(**kwargs) succeeds; any error fails the test, showing its code and message."""
    try:
        return fn(**kwargs)
    except ClientError as e:
        raise AssertionError(f"{fn.__name__}{kwargs} failed: {e.response['Error']}") from e


def policy_doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def set_policy(admin, url, *statements):
    admin.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy_doc(*statements) if statements else ""})


def get_policy(admin, url):
    attrs = admin.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    return attrs.get("Policy", "")


def queue_named(admin, prefix, **kw):
    name = unique_name(prefix)
    return name, admin.create_queue(QueueName=name, **kw)["QueueUrl"]


# --------------------------------------------------------------------------- daemons

@pytest.fixture(scope="module")
def iam(tmp_path_factory):
    """A daemon loading a copy of the repository's example policies/, with one access key
    for each of producer, consumer, partner and the queue-reader role."""
    base = tmp_path_factory.mktemp("sealq-iam")
    policies = str(base / "policies")
    shutil.copytree(REPO_POLICIES, policies)
    d = Daemon(str(base), policies_dir=policies)
    keys = {n: create_access_key(n, d.data_dir, policies)
            for n in ("producer", "consumer", "partner", "queue-reader")}
    d.start()
    ns = SimpleNamespace(daemon=d, keys=keys, admin=make_client(d),
                         client=lambda name: make_client(d, *keys[name]),
                         sts=lambda name: make_sts_client(d, *keys[name]))
    yield ns
    d.stop()


def _lab_policies(now):
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    hour = datetime.timedelta(hours=1)
    epoch = int(now.timestamp())
    return {
        "administrator": {"Version": "2012-10-17", "Statement": [
            {"Sid": "EverythingEverywhere", "Effect": "Allow", "Action": "*", "Resource": "*"}]},
        "abac-send": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabAbacSend", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]},
        "own-queues": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabOwnQueues", "Effect": "Allow", "Action": "sqs:*",
             "Resource": "arn:aws:sqs:*:*:${aws:username}-*"}]},
        "tag-rules": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabCreateTagged", "Effect": "Allow", "Action": "sqs:CreateQueue", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/env": "test"},
                           "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "owner"]}}},
            {"Sid": "LabTagOwned", "Effect": "Allow", "Action": "sqs:TagQueue", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/owner": "${aws:username}"},
                           "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "owner"]}}},
            {"Sid": "LabUntagScratch", "Effect": "Allow", "Action": "sqs:UntagQueue", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["scratch"]}}},
            {"Sid": "LabReadTags", "Effect": "Allow", "Action": ["sqs:ListQueueTags", "sqs:GetQueueUrl"],
             "Resource": "*"}]},
        "time-window": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabNowWindow", "Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*",
             "Condition": {"DateGreaterThan": {"aws:CurrentTime": iso(now - hour)},
                           "DateLessThan": {"aws:CurrentTime": iso(now + hour)},
                           "NumericGreaterThan": {"aws:EpochTime": str(epoch - 3600)},
                           "NumericLessThan": {"aws:EpochTime": str(epoch + 3600)}}},
            {"Sid": "LabPast", "Effect": "Allow", "Action": "sqs:GetQueueUrl", "Resource": "*",
             "Condition": {"DateLessThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}},
            {"Sid": "LabFuture", "Effect": "Allow", "Action": "sqs:ListQueueTags", "Resource": "*",
             "Condition": {"DateGreaterThan": {"aws:CurrentTime": "3000-01-01T00:00:00Z"}}}]},
        "grammar": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabNotAction", "Effect": "Allow", "NotAction": ["sqs:SendMessage", "sqs:DeleteQueue"],
             "Resource": "arn:aws:sqs:*:*:nota-*"},
            {"Sid": "LabIfExists", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:nota-*",
             "Condition": {"StringEqualsIfExists": {"aws:ResourceTag/open": "yes"}}},
            {"Sid": "LabAnyValue", "Effect": "Allow", "Action": "sqs:TagQueue", "Resource": "*",
             "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["color"]}}},
            {"Sid": "LabNotResource", "Effect": "Allow", "Action": "sqs:ListQueueTags",
             "NotResource": "arn:aws:sqs:*:*:secret-*"}]},
        # A variable without a value is null: negated operators and NotResource still apply
        # (IAM guide, "Policy variables with no value").
        "send-anywhere": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabSendAnywhere", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]},
        "deny-other-team": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabDenyOtherTeam", "Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]},
        "deny-not-own": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabDenyNotOwn", "Effect": "Deny", "Action": "sqs:SendMessage",
             "NotResource": "arn:aws:sqs:*:*:${aws:username}-*"}]},
        "dev-tags-only": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabTagAnything", "Effect": "Allow", "Resource": "*",
             "Action": ["sqs:CreateQueue", "sqs:TagQueue", "sqs:GetQueueUrl", "sqs:ListQueueTags"]},
            {"Sid": "LabDevTagsOnly", "Effect": "Deny", "Action": ["sqs:CreateQueue", "sqs:TagQueue"], "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:RequestTag/env": "dev"}}}]},
        "create-only": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabCreateOnly", "Effect": "Allow", "Action": ["sqs:CreateQueue", "sqs:GetQueueUrl"], "Resource": "*"}]},
        # A data perimeter as AWS's guides write it, and allows that need the keys IAM always fills in.
        "perimeter": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabPerimeter", "Effect": "Deny", "Action": "sqs:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}},
            {"Sid": "LabOwnAccountSends", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:CreateQueue"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceAccount": ACCOUNT}, "Bool": {"aws:PrincipalIsAWSService": "false"}}}]},
        "move-tasks-only": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabMoveTasksOnly", "Effect": "Allow", "Action": ["sqs:ListMessageMoveTasks", "sqs:CancelMessageMoveTask"],
             "Resource": "*"}]},
        "deny-guard": {"Version": "2012-10-17", "Statement": [
            {"Sid": "LabDenyLoopbackSend", "Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}},
            {"Sid": "LabDenyOutsideTen", "Effect": "Deny", "Action": "sqs:ReceiveMessage", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
            {"Sid": "LabDenyPlainPurge", "Effect": "Deny", "Action": "sqs:PurgeQueue", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "LabDenyFromTen", "Effect": "Deny", "Action": "sqs:GetQueueAttributes", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
            {"Sid": "LabDenySecureTags", "Effect": "Deny", "Action": "sqs:ListQueueTags", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]},
    }


LAB_PRINCIPALS = {
    "Users": [
        {"Name": "admin", "Policies": ["administrator"]},
        {"Name": "alice", "Policies": ["abac-send", "own-queues"], "Tags": {"team": "orders"}},
        {"Name": "bob", "Policies": ["abac-send", "own-queues"], "Tags": {"team": "billing"}},
        {"Name": "tagger", "Policies": ["tag-rules"]},
        {"Name": "clock", "Policies": ["time-window"]},
        {"Name": "carol", "Policies": ["grammar"]},
        {"Name": "guarded", "Groups": ["guard"], "Policies": ["administrator"]},
        {"Name": "dana", "Policies": ["send-anywhere", "deny-other-team"], "Tags": {"team": "orders"}},
        {"Name": "drifter", "Policies": ["send-anywhere", "deny-other-team"]},
        {"Name": "erin", "Policies": ["send-anywhere", "deny-not-own"]},
        {"Name": "devtagger", "Policies": ["dev-tags-only"]},
        {"Name": "creator", "Policies": ["create-only"]},
        {"Name": "fenced", "Policies": ["perimeter"]},
        {"Name": "watcher", "Policies": ["move-tasks-only"]},
    ],
    "Roles": [{"Name": "runner", "Policies": ["send-anywhere", "deny-not-own"]}],
    "Groups": [{"Name": "guard", "Policies": ["deny-guard"]}],
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A daemon with this module's own policies: ABAC, variables, request tags, time and
    network conditions."""
    base = tmp_path_factory.mktemp("sealq-lab")
    policies = write_policies_dir(str(base / "policies"), LAB_PRINCIPALS,
                                  _lab_policies(datetime.datetime.now(datetime.timezone.utc)))
    d = Daemon(str(base), policies_dir=policies)
    keys = {p["Name"]: create_access_key(p["Name"], d.data_dir, policies)
            for p in LAB_PRINCIPALS["Users"] + LAB_PRINCIPALS["Roles"] if p["Name"] != "admin"}
    d.start()
    ns = SimpleNamespace(daemon=d, keys=keys, admin=make_client(d),
                         client=lambda name: make_client(d, *keys[name]))
    yield ns
    d.stop()


# --------------------------------------------------------------------------- producer / consumer

def test_producer_sends_single_and_batch_to_orders_queues(iam):
    name, url = queue_named(iam.admin, "orders")
    producer = iam.client("producer")
    assert producer.get_queue_url(QueueName=name)["QueueUrl"] == url
    sent = allowed(producer.send_message, QueueUrl=url, MessageBody="one")
    assert sent["MessageId"]
    batch = allowed(producer.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "m0", "MessageBody": "b0"}, {"Id": "m1", "MessageBody": "b1"}])
    assert sorted(e["Id"] for e in batch["Successful"]) == ["m0", "m1"]
    assert not batch.get("Failed")
    got = producer.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert got["Attributes"]["ApproximateNumberOfMessages"] == "3"
    assert sorted(m["Body"] for m in receive_bodies(iam.admin, url, 3)) == ["b0", "b1", "one"]


def test_producer_cannot_consume_purge_or_send_elsewhere(iam):
    admin, producer = iam.admin, iam.client("producer")
    name, url = queue_named(admin, "orders")
    admin.send_message(QueueUrl=url, MessageBody="keep me")
    handle = admin.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["ReceiptHandle"]

    denied(producer.receive_message, QueueUrl=url)
    denied(producer.delete_message, QueueUrl=url, ReceiptHandle=handle)
    denied(producer.delete_message_batch, QueueUrl=url, Entries=[{"Id": "a", "ReceiptHandle": handle}])
    denied(producer.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    denied(producer.purge_queue, QueueUrl=url)
    denied(producer.set_queue_attributes, QueueUrl=url, Attributes={"DelaySeconds": "5"})
    denied(producer.tag_queue, QueueUrl=url, Tags={"a": "b"})
    denied(producer.delete_queue, QueueUrl=url)
    denied(producer.create_queue, QueueName=unique_name("orders"))
    denied(producer.list_queues)

    other_name, other = queue_named(admin, "misc")
    denied(producer.send_message, QueueUrl=other, MessageBody="x")
    denied(producer.send_message_batch, QueueUrl=other, Entries=[{"Id": "a", "MessageBody": "x"}])
    denied(producer.get_queue_url, QueueName=other_name)
    denied(producer.get_queue_attributes, QueueUrl=other, AttributeNames=["All"])

    # nothing of that happened
    admin.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    assert queue_counts(admin, url) == (1, 0, 0)
    attrs = admin.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]
    assert attrs["DelaySeconds"] == "0"
    assert admin.list_queue_tags(QueueUrl=url).get("Tags", {}) == {}
    assert queue_counts(admin, other) == (0, 0, 0)


def test_not_allowed_on_missing_queue_is_access_denied_not_queue_does_not_exist(iam):
    producer = iam.client("producer")
    missing = unique_name("misc")
    denied(producer.get_queue_url, QueueName=missing)
    denied(producer.send_message, QueueUrl=iam.daemon.queue_url(missing), MessageBody="x")
    # where the caller is allowed, the missing queue is reported as such
    expect_error(producer.get_queue_url, NONEXISTENT, 400, QueueName=unique_name("orders"))
    expect_error(iam.admin.get_queue_url, NONEXISTENT, 400, QueueName=missing)


def test_consumer_receives_and_deletes_but_cannot_send(iam):
    admin, consumer = iam.admin, iam.client("consumer")
    name, url = queue_named(admin, "orders")
    for i in range(4):
        admin.send_message(QueueUrl=url, MessageBody=f"c{i}")
    assert consumer.get_queue_url(QueueName=name)["QueueUrl"] == url
    msgs = receive_bodies(consumer, url, 4, VisibilityTimeout=60)
    assert sorted(m["Body"] for m in msgs) == ["c0", "c1", "c2", "c3"]
    allowed(consumer.change_message_visibility, QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"],
            VisibilityTimeout=120)
    cv = allowed(consumer.change_message_visibility_batch, QueueUrl=url, Entries=[
        {"Id": "v1", "ReceiptHandle": msgs[1]["ReceiptHandle"], "VisibilityTimeout": 120}])
    assert [e["Id"] for e in cv["Successful"]] == ["v1"]
    allowed(consumer.delete_message, QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])
    db = allowed(consumer.delete_message_batch, QueueUrl=url, Entries=[
        {"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs[1:])])
    assert len(db["Successful"]) == 3 and not db.get("Failed")

    denied(consumer.send_message, QueueUrl=url, MessageBody="nope")
    denied(consumer.send_message_batch, QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}])
    denied(consumer.purge_queue, QueueUrl=url)
    denied(consumer.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])
    denied(consumer.delete_queue, QueueUrl=url)
    denied(consumer.list_queues)
    _, other = queue_named(admin, "misc")
    admin.send_message(QueueUrl=other, MessageBody="not yours")
    denied(consumer.receive_message, QueueUrl=other)

    assert queue_counts(admin, url) == (0, 0, 0)
    assert queue_counts(admin, other) == (1, 0, 0)


def test_access_denied_over_the_query_and_json_protocols(iam):
    query = QueryClient(iam.daemon)
    key, secret = iam.keys["producer"]
    name, url = queue_named(iam.admin, "orders")
    _, other = queue_named(iam.admin, "misc")

    st, root = query("SendMessage", {"QueueUrl": url, "MessageBody": "ok"}, key=key, secret=secret)
    assert st == 200, xml_error(root)
    for action, params in (("SendMessage", {"QueueUrl": other, "MessageBody": "x"}),
                           ("ReceiveMessage", {"QueueUrl": url}),
                           ("ListQueues", {})):
        st, root = query(action, params, key=key, secret=secret)
        assert st == 403, (action, st, xml_error(root))
        assert root.tag.rsplit("}", 1)[-1] == "ErrorResponse", root.tag
        typ, code, message = xml_error(root)
        assert code == "AccessDenied", (action, code, message)
        assert typ == "Sender"
        assert message and not any(s in message for s in SIDS), message
        assert xtext(root, "RequestId")

    r = JsonClient(iam.daemon)("ReceiveMessage", {"QueueUrl": url}, key=key, secret=secret)
    assert r.status_code == 403, r.content
    assert r.headers.get("x-amzn-query-error", "").startswith("AccessDenied;"), r.headers
    assert not any(s.encode() in r.content for s in SIDS), r.content
    assert queue_counts(iam.admin, url) == (1, 0, 0)


# --------------------------------------------------------------------------- resource policies

def test_queue_policy_grants_a_principal_without_identity_policies(iam):
    admin, partner, consumer = iam.admin, iam.client("partner"), iam.client("consumer")
    _, url = queue_named(admin, "misc")
    _, elsewhere = queue_named(admin, "misc")
    denied(partner.send_message, QueueUrl=url, MessageBody="x")

    set_policy(admin, url,
               {"Effect": "Allow", "Principal": {"AWS": user_arn("partner")},
                "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes"], "Resource": arn_of(url)},
               {"Effect": "Allow", "Principal": {"AWS": user_arn("consumer")},
                "Action": "sqs:ReceiveMessage", "Resource": arn_of(url)})
    allowed(partner.send_message, QueueUrl=url, MessageBody="from partner")
    got = partner.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert got["Attributes"]["ApproximateNumberOfMessages"] == "1"
    denied(partner.receive_message, QueueUrl=url)
    denied(partner.purge_queue, QueueUrl=url)
    denied(partner.send_message, QueueUrl=elsewhere, MessageBody="x")
    # the grant to consumer adds to its identity policy (orders-* only)
    msgs = consumer.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in msgs] == ["from partner"]
    denied(consumer.receive_message, QueueUrl=elsewhere)

    set_policy(admin, url)
    denied(partner.send_message, QueueUrl=url, MessageBody="x")
    denied(consumer.receive_message, QueueUrl=url)


def test_a_queue_policy_naming_the_account_delegates_to_identity_policies(iam):
    admin, partner, consumer = iam.admin, iam.client("partner"), iam.client("consumer")
    _, url = queue_named(admin, "misc")
    set_policy(admin, url,
               {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sqs:*", "Resource": arn_of(url)},
               {"Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "sqs:*", "Resource": arn_of(url)})
    # partner has no identity policy, consumer's covers orders-* only: the account grant gives them nothing
    denied(partner.send_message, QueueUrl=url, MessageBody="x")
    denied(partner.purge_queue, QueueUrl=url)
    denied(partner.set_queue_attributes, QueueUrl=url, Attributes={"Policy": ""})
    denied(consumer.receive_message, QueueUrl=url)
    allowed(admin.send_message, QueueUrl=url, MessageBody="the admin's identity policy allows")
    assert get_policy(admin, url), "the policy is still in place"


def test_a_move_task_needs_the_permissions_of_the_moves_it_makes(iam):
    """SQS guide, dead-letter queue redrive: receive, delete and get attributes on the source,
    send on the destination (or, without one, on the queues the messages came from)."""
    admin, partner = iam.admin, iam.client("partner")
    _, dlq = queue_named(admin, "misc")
    _, origin = queue_named(admin, "misc", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": 1})})
    _, other = queue_named(admin, "misc")
    admin.send_message(QueueUrl=dlq, MessageBody="poison")
    partner_arn = {"AWS": user_arn("partner")}

    def grant(url, *actions):
        set_policy(admin, url, {"Effect": "Allow", "Principal": partner_arn, "Action": list(actions), "Resource": arn_of(url)})

    grant(dlq, "sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks")
    denied(partner.start_message_move_task, SourceArn=arn_of(dlq))
    grant(dlq, "sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks", "sqs:ReceiveMessage", "sqs:DeleteMessage",
          "sqs:GetQueueAttributes")
    denied(partner.start_message_move_task, SourceArn=arn_of(dlq))
    denied(partner.start_message_move_task, SourceArn=arn_of(dlq), DestinationArn=arn_of(other))
    grant(other, "sqs:SendMessage")
    denied(partner.start_message_move_task, SourceArn=arn_of(dlq))  # without DestinationArn, the origin is the destination
    allowed(partner.start_message_move_task, SourceArn=arn_of(dlq), DestinationArn=arn_of(other))
    assert [m["Body"] for m in receive_bodies(admin, other, 1)] == ["poison"]
    # Without a DestinationArn the messages go back where they came from: the queues their
    # dead-letter moves recorded, even ones whose RedrivePolicy no longer names the DLQ.
    _, victim = queue_named(admin, "misc", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": 1})})
    admin.send_message(QueueUrl=victim, MessageBody="pay invoice 42")
    admin.receive_message(QueueUrl=victim, VisibilityTimeout=0)
    assert admin.receive_message(QueueUrl=victim).get("Messages", []) == [], "moved to the DLQ"
    admin.set_queue_attributes(QueueUrl=victim, Attributes={"RedrivePolicy": ""})
    admin.delete_queue(QueueUrl=origin)
    denied(partner.start_message_move_task, SourceArn=arn_of(dlq))


def test_the_example_producer_and_consumer_use_sse_kms_queues_through_sqs_only(iam):
    """The shipped policies let the producer and consumer use KMS keys through SQS (kms:ViaService),
    so SSE-KMS orders-* queues work for them; calling KMS directly stays denied."""
    admin = iam.admin
    key = kms_client(iam.daemon).create_key(Description="orders")["KeyMetadata"]["KeyId"]
    _, url = queue_named(admin, "orders", Attributes={"KmsMasterKeyId": key})
    allowed(iam.client("producer").send_message, QueueUrl=url, MessageBody="sealed order")
    assert [m["Body"] for m in receive_bodies(iam.client("consumer"), url, 1)] == ["sealed order"]
    producer_kms = kms_client(iam.daemon, *iam.keys["producer"])
    with pytest.raises(ClientError) as denied_direct:
        producer_kms.generate_data_key(KeyId=key, KeySpec="AES_256")
    assert denied_direct.value.response["Error"]["Code"] == "AccessDeniedException"


def test_add_and_remove_permission_take_effect(iam):
    admin, partner, role = iam.admin, iam.client("partner"), iam.client("queue-reader")
    _, url = queue_named(admin, "misc")
    denied(partner.send_message, QueueUrl=url, MessageBody="x")
    denied(iam.client("producer").add_permission, QueueUrl=url, Label="sneaky",
           AWSAccountIds=[ACCOUNT], Actions=["SendMessage"])

    admin.add_permission(QueueUrl=url, Label="partners", AWSAccountIds=[ACCOUNT],
                         Actions=["SendMessage", "ReceiveMessage"])
    statement = json.loads(get_policy(admin, url))["Statement"][0]
    assert statement["Sid"] == "partners" and statement["Principal"] == {"AWS": ROOT_ARN}
    # A grant to an account delegates to that account's identity policies (as on AWS): partner
    # has none and the role's allows no send, so neither gains anything.
    denied(partner.send_message, QueueUrl=url, MessageBody="x")
    denied(role.send_message, QueueUrl=url, MessageBody="x")
    allowed(admin.send_message, QueueUrl=url, MessageBody="the admin's identity policy allows")

    admin.remove_permission(QueueUrl=url, Label="partners")
    assert "partners" not in get_policy(admin, url)


def test_explicit_deny_in_queue_policy_beats_admin_allow_all(iam):
    admin, producer = iam.admin, iam.client("producer")
    _, url = queue_named(admin, "orders")
    set_policy(admin, url,
               {"Sid": "QueueDenyAdminSend", "Effect": "Deny", "Principal": {"AWS": user_arn("admin")},
                "Action": "sqs:SendMessage", "Resource": arn_of(url)})
    denied(admin.send_message, QueueUrl=url, MessageBody="x")
    denied(admin.send_message_batch, QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}])
    allowed(producer.send_message, QueueUrl=url, MessageBody="producer is not denied")
    msgs = admin.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in msgs] == ["producer is not denied"]

    set_policy(admin, url, {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage",
                            "Resource": arn_of(url)})
    denied(admin.send_message, QueueUrl=url, MessageBody="x")
    denied(producer.send_message, QueueUrl=url, MessageBody="x")

    set_policy(admin, url)
    allowed(admin.send_message, QueueUrl=url, MessageBody="allowed again")
    allowed(producer.send_message, QueueUrl=url, MessageBody="allowed again")


# Anonymous callers need a queue without server-side encryption (AWS refuses them on SSE queues).
PLAIN = {"SqsManagedSseEnabled": "false"}


def test_anonymous_send_and_receive_on_an_encrypted_queue_are_invalid_security(iam):
    """AWS's SSE guide: "With SSE enabled, anonymous SendMessage and ReceiveMessage requests to the
    encrypted queue will be rejected" (the model's InvalidSecurity), even where a policy grants "*";
    signed callers are unaffected."""
    admin = iam.admin
    anon = make_client(iam.daemon, unsigned=True)
    _, url = queue_named(admin, "misc")
    set_policy(admin, url, {"Effect": "Allow", "Principal": "*", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
                            "Resource": arn_of(url)})
    expect_error(anon.send_message, "InvalidSecurity", 400, QueueUrl=url, MessageBody="x")
    expect_error(anon.send_message_batch, "InvalidSecurity", 400, QueueUrl=url,
                 Entries=[{"Id": "a", "MessageBody": "x"}])
    expect_error(anon.receive_message, "InvalidSecurity", 400, QueueUrl=url)
    assert queue_counts(admin, url) == (0, 0, 0)
    admin.set_queue_attributes(QueueUrl=url, Attributes=PLAIN)
    assert anon.send_message(QueueUrl=url, MessageBody="anonymous")["MessageId"]
    assert [m["Body"] for m in anon.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])] == ["anonymous"]


def test_anonymous_requests_need_a_principal_star_grant(iam):
    admin, partner = iam.admin, iam.client("partner")
    anon = make_client(iam.daemon, unsigned=True)
    _, url = queue_named(admin, "misc", Attributes=PLAIN)
    _, closed = queue_named(admin, "misc", Attributes=PLAIN)
    expect_error(anon.send_message, "MissingAuthenticationToken", 403, QueueUrl=url, MessageBody="x")

    set_policy(admin, url, {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                            "Resource": arn_of(url)})
    assert anon.send_message(QueueUrl=url, MessageBody="anonymous")["MessageId"]
    allowed(partner.send_message, QueueUrl=url, MessageBody="signed")
    expect_error(anon.receive_message, "MissingAuthenticationToken", 403, QueueUrl=url)
    expect_error(anon.send_message, "MissingAuthenticationToken", 403, QueueUrl=closed, MessageBody="x")
    expect_error(anon.list_queues, "MissingAuthenticationToken", 403)
    assert sorted(m["Body"] for m in receive_bodies(admin, url, 2)) == ["anonymous", "signed"]
    assert queue_counts(admin, closed) == (0, 0, 0)


def test_anonymous_callers_carry_the_principal_type_and_user_id_iam_documents(iam):
    """IAM's principal key table: an anonymous SQS caller has aws:PrincipalType "Anonymous" and
    aws:userid "anonymous", so a queue policy can tell it apart from signed callers."""
    admin, partner = iam.admin, iam.client("partner")
    anon = make_client(iam.daemon, unsigned=True)
    _, signed_only = queue_named(admin, "misc", Attributes=PLAIN)
    set_policy(admin, signed_only, {"Sid": "QueueSignedOnly", "Effect": "Allow", "Principal": "*",
                                    "Action": "sqs:SendMessage", "Resource": arn_of(signed_only),
                                    "Condition": {"StringNotEquals": {"aws:PrincipalType": "Anonymous"}}})
    expect_error(anon.send_message, "MissingAuthenticationToken", 403, QueueUrl=signed_only, MessageBody="x")
    allowed(partner.send_message, QueueUrl=signed_only, MessageBody="signed")

    _, no_anonymous = queue_named(admin, "misc", Attributes=PLAIN)
    set_policy(admin, no_anonymous,
               {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn_of(no_anonymous)},
               {"Sid": "QueueDenyAnonymousId", "Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage",
                "Resource": arn_of(no_anonymous), "Condition": {"StringEquals": {"aws:userid": "anonymous"}}})
    expect_error(anon.send_message, "MissingAuthenticationToken", 403, QueueUrl=no_anonymous, MessageBody="x")
    allowed(partner.send_message, QueueUrl=no_anonymous, MessageBody="signed")
    assert queue_counts(admin, signed_only) == (1, 0, 0)
    assert queue_counts(admin, no_anonymous) == (1, 0, 0)


def test_anonymous_callers_have_the_principal_account_iam_documents(iam):
    """IAM: aws:PrincipalAccount is "included in the request context for all requests, including
    anonymous requests"; "for anonymous requests, the request context returns anonymous"."""
    admin = iam.admin
    anon = make_client(iam.daemon, unsigned=True)
    _, url = queue_named(admin, "misc", Attributes=PLAIN)
    set_policy(admin, url, {"Sid": "QueueAnonymousAccount", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                            "Resource": arn_of(url), "Condition": {"StringEquals": {"aws:PrincipalAccount": "anonymous"}}})
    assert anon.send_message(QueueUrl=url, MessageBody="from nobody")["MessageId"]
    assert queue_counts(admin, url) == (1, 0, 0)


def test_a_queue_policy_cannot_give_anonymous_callers_the_owners_actions(iam):
    """'Cross-account permissions don't apply to this action' (SetQueueAttributes, DeleteQueue,
    AddPermission, ...): a grant to "*" lets strangers send, never take the queue over."""
    admin = iam.admin
    anon = make_client(iam.daemon, unsigned=True)
    _, url = queue_named(admin, "misc", Attributes=PLAIN)
    set_policy(admin, url, {"Effect": "Allow", "Principal": "*", "Resource": arn_of(url),
                            "Action": ["sqs:SendMessage", "sqs:SetQueueAttributes", "sqs:DeleteQueue", "sqs:TagQueue",
                                       "sqs:AddPermission", "sqs:ListQueueTags"]})
    before = admin.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    assert anon.send_message(QueueUrl=url, MessageBody="anonymous")["MessageId"]
    expect_error(anon.set_queue_attributes, "MissingAuthenticationToken", 403, QueueUrl=url,
                 Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": arn_of(url)}]})})
    expect_error(anon.delete_queue, "MissingAuthenticationToken", 403, QueueUrl=url)
    expect_error(anon.tag_queue, "MissingAuthenticationToken", 403, QueueUrl=url, Tags={"owner": "me"})
    expect_error(anon.list_queue_tags, "MissingAuthenticationToken", 403, QueueUrl=url)
    expect_error(anon.add_permission, "MissingAuthenticationToken", 403, QueueUrl=url, Label="mine",
                 AWSAccountIds=["111122223333"], Actions=["ReceiveMessage"])
    assert admin.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"] == before
    assert queue_counts(admin, url) == (1, 0, 0)


def test_a_queue_policy_cannot_give_anonymous_callers_message_move_tasks(iam):
    """StartMessageMoveTask, ListMessageMoveTasks and CancelMessageMoveTask are on the same list
    ('Cross-account permissions don't apply'): a grant of sqs:* to "*" on a dead-letter queue
    lets no stranger redrive it, list its tasks or cancel the owner's."""
    admin = iam.admin
    anon = make_client(iam.daemon, unsigned=True)
    _, dlq = queue_named(admin, "anon-dlq", Attributes=PLAIN)
    _, source = queue_named(admin, "anon-src", Attributes=dict(PLAIN, RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": "1"})))
    for url in (dlq, source):
        set_policy(admin, url, {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": arn_of(url)})
    for i in range(3):
        admin.send_message(QueueUrl=source, MessageBody=f"dead-{i}")
    for _ in range(3):
        admin.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert wait_until(lambda: queue_counts(admin, dlq)[0] == 3, timeout=5)
    expect_error(anon.start_message_move_task, "MissingAuthenticationToken", 403, SourceArn=arn_of(dlq))
    expect_error(anon.list_message_move_tasks, "MissingAuthenticationToken", 403, SourceArn=arn_of(dlq))
    handle = admin.start_message_move_task(SourceArn=arn_of(dlq), MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    expect_error(anon.cancel_message_move_task, "MissingAuthenticationToken", 403, TaskHandle=handle)
    assert admin.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"] >= 0


def test_role_sessions_in_principal_and_not_principal(iam):
    """A role caller is its session: NotPrincipal exempts it only when the session, the role and
    the account are all listed (IAM User Guide, NotPrincipal); Principal may name the session."""
    admin, role = iam.admin, iam.client("queue-reader")
    session = iam.sts("queue-reader").get_caller_identity()["Arn"]
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/ops/queue-reader"  # policies/principals.json: Path /ops/
    assert session.startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/queue-reader/")
    _, url = queue_named(admin, "misc")
    arn = arn_of(url)
    everyone = {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}

    def deny_all_but(*exempt):
        return {"Effect": "Deny", "NotPrincipal": {"AWS": list(exempt)}, "Action": "sqs:SendMessage", "Resource": arn}
    set_policy(admin, url, everyone, deny_all_but(role_arn, ROOT_ARN))
    denied(role.send_message, QueueUrl=url, MessageBody="session not listed")
    set_policy(admin, url, everyone, deny_all_but(session, role_arn, ROOT_ARN))
    allowed(role.send_message, QueueUrl=url, MessageBody="session listed")
    set_policy(admin, url, {"Effect": "Allow", "Principal": {"AWS": session}, "Action": "sqs:SendMessage", "Resource": arn})
    allowed(role.send_message, QueueUrl=url, MessageBody="session named")
    set_policy(admin, url, {"Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": "sqs:SendMessage", "Resource": arn})
    allowed(role.send_message, QueueUrl=url, MessageBody="role named")
    # A role ARN is its path and name: without the path it names another role.
    set_policy(admin, url, {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/queue-reader"},
                            "Action": "sqs:SendMessage", "Resource": arn})
    denied(role.send_message, QueueUrl=url, MessageBody="another role named")
    set_policy(admin, url, everyone, deny_all_but(session, f"arn:aws:iam::{ACCOUNT}:role/queue-reader", ROOT_ARN))
    denied(role.send_message, QueueUrl=url, MessageBody="exempted under another role's ARN")


def test_allow_with_not_principal_is_refused(iam):
    """IAM: NotPrincipal must be used with Deny; with Allow it would grant everyone not listed."""
    admin = iam.admin
    _, url = queue_named(admin, "misc")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"}, "Action": "sqs:SendMessage",
         "Resource": arn_of(url)}]}
    expect_error(admin.set_queue_attributes, "InvalidAttributeValue", 400, QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    expect_error(make_client(iam.daemon, unsigned=True).send_message, "MissingAuthenticationToken", 403, QueueUrl=url,
                 MessageBody="x")


def test_principal_condition_keys_in_a_queue_policy(iam):
    admin, partner, role = iam.admin, iam.client("partner"), iam.client("queue-reader")
    partner_id = iam.sts("partner").get_caller_identity()["UserId"]
    role_id = iam.sts("queue-reader").get_caller_identity()["UserId"]
    _, url = queue_named(admin, "misc")
    arn = arn_of(url)
    # "*" rather than the account: a statement naming only the account grants nothing by itself.
    set_policy(admin, url,
               {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn,
                "Condition": {"StringEquals": {"aws:PrincipalType": "AssumedRole",
                                               "aws:PrincipalAccount": ACCOUNT}}},
               {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:ReceiveMessage", "Resource": arn,
                "Condition": {"ArnEquals": {"aws:PrincipalArn": user_arn("partner")}}},
               {"Effect": "Allow", "Principal": "*", "Action": "sqs:ChangeMessageVisibility",
                "Resource": arn, "Condition": {"StringLike": {"aws:username": "part*"}}},
               {"Effect": "Allow", "Principal": "*", "Action": "sqs:DeleteMessage", "Resource": arn,
                "Condition": {"StringEquals": {"aws:userid": partner_id}}})

    allowed(role.send_message, QueueUrl=url, MessageBody="from the role")
    denied(partner.send_message, QueueUrl=url, MessageBody="users may not")
    denied(role.receive_message, QueueUrl=url)
    msgs = partner.receive_message(QueueUrl=url, WaitTimeSeconds=1,
                                   MessageSystemAttributeNames=["SenderId"])["Messages"]
    assert [m["Body"] for m in msgs] == ["from the role"]
    assert msgs[0]["Attributes"]["SenderId"] == role_id
    handle = msgs[0]["ReceiptHandle"]
    allowed(partner.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=60)
    denied(role.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    denied(role.delete_message, QueueUrl=url, ReceiptHandle=handle)
    allowed(partner.delete_message, QueueUrl=url, ReceiptHandle=handle)
    assert queue_counts(admin, url) == (0, 0, 0)


# --------------------------------------------------------------------------- callers

def test_role_reads_but_cannot_write_and_is_an_assumed_role(iam):
    admin, role = iam.admin, iam.client("queue-reader")
    name, url = queue_named(admin, "misc", tags={"team": "ops"})
    assert role.list_queues(QueueNamePrefix=name)["QueueUrls"] == [url]
    assert role.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert role.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"] == arn_of(url)
    assert role.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "ops"}
    denied(role.send_message, QueueUrl=url, MessageBody="x")
    denied(role.receive_message, QueueUrl=url)
    denied(role.create_queue, QueueName=unique_name("misc"))
    denied(role.tag_queue, QueueUrl=url, Tags={"team": "other"})

    who = iam.sts("queue-reader").get_caller_identity()
    assert who["Arn"] == ROLE_SESSION_ARN
    assert who["Account"] == ACCOUNT
    assert re.fullmatch(r"AROA[A-Z0-9]{12,}:sealq", who["UserId"]), who["UserId"]


def test_get_caller_identity_for_users(iam):
    admin = make_sts_client(iam.daemon).get_caller_identity()
    assert admin["Arn"] == user_arn("admin") and admin["Account"] == ACCOUNT
    assert re.fullmatch(r"AIDA[A-Z0-9]{12,}", admin["UserId"]), admin["UserId"]
    ids = {}
    for name in ("producer", "consumer", "partner"):
        who = iam.sts(name).get_caller_identity()
        assert who["Arn"] == user_arn(name) and who["Account"] == ACCOUNT, who
        assert re.fullmatch(r"AIDA[A-Z0-9]{12,}", who["UserId"]), who["UserId"]
        assert iam.sts(name).get_caller_identity()["UserId"] == who["UserId"], "user id is not stable"
        ids[name] = who["UserId"]
    assert len(set(ids.values()) | {admin["UserId"]}) == 4, ids


def test_sender_id_is_the_senders_user_id(iam):
    _, url = queue_named(iam.admin, "orders")
    iam.client("producer").send_message(QueueUrl=url, MessageBody="who sent me")
    iam.admin.send_message(QueueUrl=url, MessageBody="admin sent me")
    msgs = receive_bodies(iam.admin, url, 2, MessageSystemAttributeNames=["SenderId"])
    senders = {m["Body"]: m["Attributes"]["SenderId"] for m in msgs}
    assert senders == {"who sent me": iam.sts("producer").get_caller_identity()["UserId"],
                       "admin sent me": make_sts_client(iam.daemon).get_caller_identity()["UserId"]}


@pytest.mark.skipif(AWS is None, reason="awscli not installed")
def test_aws_cli_with_a_producer_key(iam, tmp_path):
    key, secret = iam.keys["producer"]
    (tmp_path / "config").write_text("[default]\nregion = us-east-1\noutput = json\n")
    (tmp_path / "credentials").write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": REGION,
                "AWS_CONFIG_FILE": str(tmp_path / "config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
                "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": ""})

    def aws(*args):
        return subprocess.run([AWS, "--endpoint-url", iam.daemon.url, "--output", "json", *args],
                              env=env, capture_output=True, text=True, timeout=60)

    _, url = queue_named(iam.admin, "orders")
    p = aws("sqs", "send-message", "--queue-url", url, "--message-body", "from the cli")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["MessageId"]
    p = aws("sqs", "receive-message", "--queue-url", url)
    assert p.returncode != 0
    assert "AccessDenied" in p.stderr, p.stderr
    p = aws("sts", "get-caller-identity")
    assert p.returncode == 0, p.stderr
    who = json.loads(p.stdout)
    assert who["Arn"] == user_arn("producer") and who["Account"] == ACCOUNT
    assert who["UserId"].startswith("AIDA")
    assert queue_counts(iam.admin, url) == (1, 0, 0)


# --------------------------------------------------------------------------- signatures

def _signed_json(daemon, key, secret, action, payload, when=None, tamper=None):
    return signed_sqs_json(daemon, action, json.dumps(payload).encode(), key=key, secret=secret, when=when, tamper=tamper)


_code = query_error_code


def test_signature_errors_with_a_non_admin_key(iam):
    key, secret = iam.keys["producer"]
    name, url = queue_named(iam.admin, "orders")
    d = iam.daemon
    ok = _signed_json(d, key, secret, "GetQueueUrl", {"QueueName": name})
    assert ok.status_code == 200, ok.content

    r = _signed_json(d, key, secret[:-1] + ("A" if secret[-1] != "A" else "B"), "GetQueueUrl", {"QueueName": name})
    assert (r.status_code, _code(r)) == (403, "SignatureDoesNotMatch"), r.content
    # authentication comes before authorization: a bad signature on a denied action
    r = _signed_json(d, key, "not-the-secret", "ReceiveMessage", {"QueueUrl": url})
    assert (r.status_code, _code(r)) == (403, "SignatureDoesNotMatch"), r.content
    r = _signed_json(d, key, secret, "GetQueueUrl", {"QueueName": name},
                     tamper=json.dumps({"QueueName": name + "x"}).encode())
    assert (r.status_code, _code(r)) == (403, "SignatureDoesNotMatch"), r.content

    now = datetime.datetime.now(datetime.timezone.utc)
    for skew in (datetime.timedelta(minutes=-20), datetime.timedelta(minutes=20)):
        r = _signed_json(d, key, secret, "GetQueueUrl", {"QueueName": name}, when=now + skew)
        assert (r.status_code, _code(r)) == (403, "SignatureDoesNotMatch"), (skew, r.content)

    st, root = QueryClient(d)("GetQueueUrl", {"QueueName": name}, key=key, secret="wrong-secret")
    assert st == 403 and xml_error(root)[1] == "SignatureDoesNotMatch", xml_error(root)
    for response in (r, ok):
        assert secret.encode() not in response.content


def test_a_session_token_sealq_did_not_issue_is_refused(iam):
    """SealQ issues no temporary credentials: a long-term key sent with any session token gets
    InvalidClientTokenId, as AWS answers for a token it did not issue, signed header or presigned URL."""
    import boto3
    import requests
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
    key, secret = ADMIN_KEY, ADMIN_SECRET
    with_token = boto3.client("sqs", endpoint_url=iam.daemon.url, region_name=REGION, aws_access_key_id=key,
                              aws_secret_access_key=secret, aws_session_token="FQoGZXIvYXdzEXAMPLETOKEN",
                              config=Config(retries={"max_attempts": 1}))
    expect_error(with_token.list_queues, ("InvalidClientTokenId", "UnrecognizedClientException"), 403)

    def presigned(token):
        request = AWSRequest(method="GET", url=f"{iam.daemon.url}/?Action=ListQueues&Version=2012-11-05")
        SigV4QueryAuth(Credentials(key, secret, token), "sqs", REGION, expires=300).add_auth(request)
        return requests.get(request.url, timeout=10)

    ok = presigned(None)
    assert ok.status_code == 200, ok.content
    refused = presigned("FQoGZXIvYXdzEXAMPLETOKEN")
    assert refused.status_code == 403 and b"InvalidClientTokenId" in refused.content, refused.content


# --------------------------------------------------------------------------- invalid queue policies

def _policy_of_size(arn, size):
    """A valid policy document of exactly `size` bytes (compact JSON)."""
    def doc(pad):
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "sqs:SendMessage", "Resource": arn,
             "Condition": {"StringEquals": {"aws:username": ["u" * pad]}}}]}, separators=(",", ":"))
    text = doc(1)
    text = doc(1 + size - len(text.encode()))
    assert len(text.encode()) == size
    return text


def _statements(arn, n):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": f"S{i}", "Effect": "Allow", "Principal": {"AWS": ROOT_ARN},
         "Action": "sqs:SendMessage", "Resource": arn} for i in range(n)]})


def test_invalid_queue_policy_values_are_refused_and_change_nothing(iam):
    admin = iam.admin
    _, url = queue_named(admin, "misc")
    arn = arn_of(url)
    good = policy_doc({"Sid": "Original", "Effect": "Allow", "Principal": {"AWS": user_arn("partner")},
                       "Action": "sqs:SendMessage", "Resource": arn})
    admin.set_queue_attributes(QueueUrl=url, Attributes={"Policy": good, "VisibilityTimeout": "31"})

    # A malformed policy is InvalidAttributeValue; a broken quota is OverLimit (403), as AWS
    # answers "22 statements were found in the submitted policy, max allowed is 20".
    bad = {
        "malformed JSON": ('{"Version": "2012-10-17", "Statement": [', "InvalidAttributeValue", 400),
        "unknown condition operator": (policy_doc(
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn,
             "Condition": {"StringEqualz": {"aws:username": "x"}}}), "InvalidAttributeValue", 400),
        "over 8,192 bytes": (_policy_of_size(arn, 8193), "OverLimit", 403),
        "21 statements": (_statements(arn, 21), "OverLimit", 403),
    }
    for why, (text, code, status) in bad.items():
        resp = expect_error(admin.set_queue_attributes, code, status, QueueUrl=url, Attributes={"Policy": text})
        if why == "21 statements":
            assert resp["Error"]["Message"] == "21 statements were found in the submitted policy, max allowed is 20."
        if why == "over 8,192 bytes":
            assert resp["Error"]["Message"] == "Submitted policy is over max allowed size."
        expect_error(admin.set_queue_attributes, code, status,
                     QueueUrl=url, Attributes={"Policy": text, "VisibilityTimeout": "77"})
        attrs = admin.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy", "VisibilityTimeout"])["Attributes"]
        assert json.loads(attrs["Policy"]) == json.loads(good), why
        assert attrs["VisibilityTimeout"] == "31", why
    # the original grant still works
    allowed(iam.client("partner").send_message, QueueUrl=url, MessageBody="still granted")

    # the limits themselves are fine
    for text in (_policy_of_size(arn, 8192), _statements(arn, 20)):
        admin.set_queue_attributes(QueueUrl=url, Attributes={"Policy": text})
        assert json.loads(get_policy(admin, url)) == json.loads(text)


def test_a_variable_under_the_old_policy_version_is_literal_text(iam):
    """IAM: before Version 2012-10-17, "variables like ${aws:username} are treated as literal
    strings in the policy". Such a queue policy is accepted and matches only the literal text."""
    admin, partner = iam.admin, iam.client("partner")
    name, url = queue_named(admin, "misc", Attributes=PLAIN)
    literal = json.dumps({"Version": "2008-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user_arn("partner")}, "Action": "sqs:SendMessage",
         "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:${{aws:username}}"}]})
    admin.set_queue_attributes(QueueUrl=url, Attributes={"Policy": literal})
    assert json.loads(get_policy(admin, url)) == json.loads(literal)
    denied(partner.send_message, QueueUrl=url, MessageBody="the variable is not substituted")


# --------------------------------------------------------------------------- lab: conditions

def test_abac_resource_tag_must_match_principal_tag(lab):
    admin, alice, bob = lab.admin, lab.client("alice"), lab.client("bob")
    _, orders = queue_named(admin, "abac", tags={"team": "orders"})
    _, billing = queue_named(admin, "abac", tags={"team": "billing"})
    _, untagged = queue_named(admin, "abac")

    allowed(alice.send_message, QueueUrl=orders, MessageBody="alice")
    denied(alice.send_message, QueueUrl=billing, MessageBody="x")
    denied(alice.send_message, QueueUrl=untagged, MessageBody="x")
    denied(alice.receive_message, QueueUrl=orders)
    allowed(bob.send_message, QueueUrl=billing, MessageBody="bob")
    denied(bob.send_message, QueueUrl=orders, MessageBody="x")
    denied(bob.send_message, QueueUrl=untagged, MessageBody="x")

    # tags are read at each call
    admin.tag_queue(QueueUrl=orders, Tags={"team": "billing"})
    denied(alice.send_message, QueueUrl=orders, MessageBody="x")
    allowed(bob.send_message, QueueUrl=orders, MessageBody="bob now")
    admin.untag_queue(QueueUrl=orders, TagKeys=["team"])
    denied(bob.send_message, QueueUrl=orders, MessageBody="x")

    assert queue_counts(admin, orders) == (2, 0, 0)
    assert queue_counts(admin, billing) == (1, 0, 0)
    assert queue_counts(admin, untagged) == (0, 0, 0)


def test_username_variable_in_resource(lab):
    admin, alice, bob = lab.admin, lab.client("alice"), lab.client("bob")
    mine = unique_name("alice")
    url = allowed(alice.create_queue, QueueName=mine)["QueueUrl"]
    allowed(alice.send_message, QueueUrl=url, MessageBody="own queue")
    msgs = alice.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in msgs] == ["own queue"]
    allowed(alice.delete_message, QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])

    theirs = unique_name("bob")
    denied(alice.create_queue, QueueName=theirs)
    expect_error(admin.get_queue_url, NONEXISTENT, 400, QueueName=theirs)
    bob_url = allowed(bob.create_queue, QueueName=theirs)["QueueUrl"]
    denied(alice.send_message, QueueUrl=bob_url, MessageBody="x")
    denied(alice.get_queue_attributes, QueueUrl=bob_url, AttributeNames=["All"])
    denied(bob.send_message, QueueUrl=url, MessageBody="x")
    denied(alice.create_queue, QueueName="alicex-" + unique_name("q"))


def test_a_deny_with_a_variable_that_has_no_value_still_applies(lab):
    """IAM: a variable without a value is null. 'Inverted condition operators like
    StringNotEquals ... do match against a null value', and a resource naming it 'will not match
    any resource', so a NotResource excludes nothing: both denies reach callers that lack the key."""
    admin = lab.admin
    _, orders = queue_named(admin, "team", tags={"team": "orders"})
    allowed(lab.client("dana").send_message, QueueUrl=orders, MessageBody="same team")
    denied(lab.client("drifter").send_message, QueueUrl=orders, MessageBody="no team tag")

    _, own = queue_named(admin, "erin")
    allowed(lab.client("erin").send_message, QueueUrl=own, MessageBody="own queue")
    denied(lab.client("erin").send_message, QueueUrl=orders, MessageBody="x")
    # A role session has no aws:username: its deny covers every queue, its own-looking ones too.
    denied(lab.client("runner").send_message, QueueUrl=orders, MessageBody="x")
    _, runner_like = queue_named(admin, "runner")
    denied(lab.client("runner").send_message, QueueUrl=runner_like, MessageBody="x")
    assert queue_counts(admin, orders) == (1, 0, 0)
    assert queue_counts(admin, own) == (1, 0, 0)
    assert queue_counts(admin, runner_like) == (0, 0, 0)


def test_tag_keys_that_differ_only_in_case_cannot_slip_past_a_deny(lab):
    """aws:RequestTag/KEY is case-insensitive: env=prod beside a decoy ENV=dev is one key with two
    values, and the call gets the strictest reading, so the guard's Deny still applies."""
    admin, devtagger = lab.admin, lab.client("devtagger")
    allowed(devtagger.create_queue, QueueName=unique_name("devtag"), tags={"env": "dev"})
    for tags in ({"env": "prod"}, {"env": "prod", "ENV": "dev"}, {"ENV": "dev", "env": "prod"}):
        for _ in range(3):
            name = unique_name("devtag")
            denied(devtagger.create_queue, QueueName=name, tags=tags)
            expect_error(admin.get_queue_url, NONEXISTENT, 400, QueueName=name)
    _, url = queue_named(admin, "devtag", tags={"env": "dev"})
    denied(devtagger.tag_queue, QueueUrl=url, Tags={"env": "prod", "Env": "dev"})
    assert admin.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}


def test_tag_keys_that_differ_only_in_case_are_refused(lab):
    """aws:ResourceTag keys ignore case, so a queue whose tags differ only in case would be
    ambiguous to every policy: TagQueue and CreateQueue refuse such keys (InvalidParameterValue)."""
    admin = lab.admin
    _, url = queue_named(admin, "pairs", tags={"env": "dev"})
    expect_error(admin.tag_queue, "InvalidParameterValue", 400, QueueUrl=url, Tags={"ENV": "prod"})
    admin.tag_queue(QueueUrl=url, Tags={"env": "test"})  # the same key in the same case is replaced
    assert admin.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test"}
    admin.untag_queue(QueueUrl=url, TagKeys=["env"])
    admin.tag_queue(QueueUrl=url, Tags={"ENV": "prod"})  # once the other case is gone, the key is free
    name = unique_name("pairs")
    expect_error(admin.create_queue, "InvalidParameterValue", 400, QueueName=name, tags={"team": "a", "TEAM": "b"})
    expect_error(admin.get_queue_url, NONEXISTENT, 400, QueueName=name)


def test_request_tag_conditions_on_create_tag_and_untag(lab):
    admin, tagger = lab.admin, lab.client("tagger")
    good = unique_name("rt")
    url = allowed(tagger.create_queue, QueueName=good, tags={"env": "test", "owner": "tagger"})["QueueUrl"]
    assert admin.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test", "owner": "tagger"}
    for tags in ({"env": "prod"}, {"env": "test", "color": "red"}, None):
        name = unique_name("rt")
        kw = {"tags": tags} if tags is not None else {}
        denied(tagger.create_queue, QueueName=name, **kw)
        expect_error(admin.get_queue_url, NONEXISTENT, 400, QueueName=name)

    allowed(tagger.tag_queue, QueueUrl=url, Tags={"owner": "tagger", "env": "test"})
    denied(tagger.tag_queue, QueueUrl=url, Tags={"owner": "somebody-else"})
    denied(tagger.tag_queue, QueueUrl=url, Tags={"owner": "tagger", "color": "red"})
    denied(tagger.tag_queue, QueueUrl=url, Tags={"env": "test"})
    assert admin.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test", "owner": "tagger"}

    admin.tag_queue(QueueUrl=url, Tags={"scratch": "1"})
    denied(tagger.untag_queue, QueueUrl=url, TagKeys=["scratch", "env"])
    denied(tagger.untag_queue, QueueUrl=url, TagKeys=["env"])
    allowed(tagger.untag_queue, QueueUrl=url, TagKeys=["scratch"])
    assert tagger.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test", "owner": "tagger"}


def test_creating_a_queue_with_tags_also_needs_tag_queue(lab):
    """CreateQueue's Tags: "To be able to tag a queue on creation, you must have the
    sqs:CreateQueue and sqs:TagQueue permissions." Without tags CreateQueue alone will do."""
    admin, creator = lab.admin, lab.client("creator")
    tagged = unique_name("ct")
    denied(creator.create_queue, QueueName=tagged, tags={"env": "test"})
    expect_error(admin.get_queue_url, NONEXISTENT, 400, QueueName=tagged)
    allowed(creator.create_queue, QueueName=unique_name("ct"))


def test_resource_account_and_principal_is_aws_service_are_in_every_signed_call(lab):
    """IAM: aws:ResourceAccount "is always included in the request context for most service
    actions", aws:PrincipalIsAWSService "for all signed API requests": a data perimeter that
    denies calls on resources outside the caller's account lets the own account's through."""
    admin, fenced = lab.admin, lab.client("fenced")
    url = allowed(fenced.create_queue, QueueName=unique_name("fence"), Attributes=PLAIN)["QueueUrl"]
    allowed(fenced.send_message, QueueUrl=url, MessageBody="inside the perimeter")
    denied(fenced.get_queue_attributes, QueueUrl=url, AttributeNames=["All"])  # never allowed: still refused
    assert queue_counts(admin, url) == (1, 0, 0)


def test_listing_and_cancelling_move_tasks_need_the_rights_on_the_source(lab):
    """The SQS permissions reference: CancelMessageMoveTask also needs sqs:ReceiveMessage,
    sqs:DeleteMessage and sqs:GetQueueAttributes on the dead-letter queue, ListMessageMoveTasks
    also sqs:GetQueueAttributes."""
    admin, watcher = lab.admin, lab.client("watcher")
    _, dlq = queue_named(admin, "mt", Attributes=PLAIN)
    _, target = queue_named(admin, "mt", Attributes=PLAIN)
    queue_named(admin, "mt", Attributes={**PLAIN, "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": 3})})
    admin.send_message_batch(QueueUrl=dlq, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)])
    handle = admin.start_message_move_task(SourceArn=arn_of(dlq), DestinationArn=arn_of(target),
                                           MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    denied(watcher.list_message_move_tasks, SourceArn=arn_of(dlq))
    denied(watcher.cancel_message_move_task, TaskHandle=handle)
    grant = {"Effect": "Allow", "Principal": {"AWS": user_arn("watcher")}, "Resource": arn_of(dlq)}
    set_policy(admin, dlq, {**grant, "Action": ["sqs:GetQueueAttributes"]})
    assert allowed(watcher.list_message_move_tasks, SourceArn=arn_of(dlq))["Results"][0]["Status"] == "RUNNING"
    denied(watcher.cancel_message_move_task, TaskHandle=handle)
    set_policy(admin, dlq, {**grant, "Action": ["sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage"]})
    allowed(watcher.cancel_message_move_task, TaskHandle=handle)


def test_current_time_and_epoch_time_conditions(lab):
    clock = lab.client("clock")
    name, _ = queue_named(lab.admin, "clock")
    assert "QueueUrls" in allowed(clock.list_queues, QueueNamePrefix=name)
    denied(clock.get_queue_url, QueueName=name)
    denied(clock.list_queue_tags, QueueUrl=lab.daemon.queue_url(name))


def test_identity_deny_on_source_ip_and_secure_transport(lab):
    admin, guarded = lab.admin, lab.client("guarded")
    name = unique_name("guard")
    url = allowed(guarded.create_queue, QueueName=name)["QueueUrl"]
    admin.send_message(QueueUrl=url, MessageBody="from admin")
    denied(guarded.send_message, QueueUrl=url, MessageBody="x")           # IpAddress 127.0.0.0/8
    denied(guarded.send_message_batch, QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}])
    denied(guarded.receive_message, QueueUrl=url)                          # NotIpAddress 10.0.0.0/8
    denied(guarded.purge_queue, QueueUrl=url)                              # SecureTransport false
    # the denies whose conditions do not hold do not apply
    got = allowed(guarded.get_queue_attributes, QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert got["Attributes"]["ApproximateNumberOfMessages"] == "1"
    assert allowed(guarded.list_queue_tags, QueueUrl=url).get("Tags", {}) == {}

    # an Allow in the queue policy does not beat the identity Deny
    set_policy(admin, url, {"Effect": "Allow", "Principal": {"AWS": user_arn("guarded")},
                            "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": arn_of(url)})
    denied(guarded.send_message, QueueUrl=url, MessageBody="x")
    denied(guarded.receive_message, QueueUrl=url)
    assert queue_counts(admin, url) == (1, 0, 0)


def test_not_action_not_resource_if_exists_and_for_any_value(lab):
    admin, carol = lab.admin, lab.client("carol")
    _, plain = queue_named(admin, "nota")
    _, closed = queue_named(admin, "nota", tags={"open": "no"})
    _, opened = queue_named(admin, "nota", tags={"open": "yes"})
    _, secret = queue_named(admin, "secret")

    # NotAction: everything on nota-* but SendMessage and DeleteQueue
    allowed(carol.get_queue_attributes, QueueUrl=plain, AttributeNames=["QueueArn"])
    admin.send_message(QueueUrl=plain, MessageBody="for carol")
    msgs = carol.receive_message(QueueUrl=plain, WaitTimeSeconds=1)["Messages"]
    allowed(carol.delete_message, QueueUrl=plain, ReceiptHandle=msgs[0]["ReceiptHandle"])
    denied(carol.delete_queue, QueueUrl=plain)
    denied(carol.receive_message, QueueUrl=secret)
    # SendMessage only through StringEqualsIfExists: absent tag or open=yes
    allowed(carol.send_message, QueueUrl=plain, MessageBody="no tag")
    allowed(carol.send_message, QueueUrl=opened, MessageBody="open")
    denied(carol.send_message, QueueUrl=closed, MessageBody="x")
    # ForAnyValue over aws:TagKeys
    allowed(carol.tag_queue, QueueUrl=secret, Tags={"color": "red", "size": "L"})
    denied(carol.tag_queue, QueueUrl=secret, Tags={"size": "S"})
    # NotResource
    assert allowed(carol.list_queue_tags, QueueUrl=closed)["Tags"] == {"open": "no"}
    denied(carol.list_queue_tags, QueueUrl=secret)
    assert admin.list_queue_tags(QueueUrl=secret)["Tags"] == {"color": "red", "size": "L"}
    assert [queue_counts(admin, u)[0] for u in (plain, closed, opened)] == [1, 0, 1]


def test_not_principal_deny_in_a_queue_policy(iam):
    """AWS's documented form: the exempt user and its account's ARN (AWS checks the account,
    then the user), which denies every other user of the account."""
    admin, producer, consumer = iam.admin, iam.client("producer"), iam.client("consumer")
    _, url = queue_named(admin, "orders")
    producer.send_message(QueueUrl=url, MessageBody="m")
    set_policy(admin, url, {"Sid": "QueueDenyOthersReceive", "Effect": "Deny",
                            "NotPrincipal": {"AWS": [user_arn("admin"), ROOT_ARN]},
                            "Action": "sqs:ReceiveMessage", "Resource": arn_of(url)})
    denied(consumer.receive_message, QueueUrl=url)
    allowed(producer.send_message, QueueUrl=url, MessageBody="sending is not denied")
    assert len(receive_bodies(admin, url, 2)) == 2
    set_policy(admin, url)
    producer.send_message(QueueUrl=url, MessageBody="after")
    msgs = allowed(consumer.receive_message, QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in msgs] == ["after"]


# --------------------------------------------------------------------------- startup errors

def _admin_only(extra_users=(), groups=()):
    return {"Users": [{"Name": "admin", "Policies": ["administrator"]}, *extra_users],
            "Roles": [], "Groups": list(groups)}


ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

BROKEN_JSON = """{
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "sqs:*", "Resource": "*",}
    ]
}
"""

BAD_EFFECT = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Perhaps",
            "Action": "sqs:*",
            "Resource": "*"
        }
    ]
}
"""

BAD_PRINCIPALS = """{
    "Users": [
        {"Name": "admin", "Policies": ["administrator"]}
        {"Name": "other"}
    ]
}
"""

STARTUP_CASES = {
    "malformed-policy-json": (
        _admin_only(), {"administrator": ADMIN_POLICY, "broken-policy": BROKEN_JSON},
        ["broken-policy.json", re.compile(r"line 4, column 64\b|:4:64\b")]),
    "policy-grammar-error": (
        _admin_only(), {"administrator": ADMIN_POLICY, "wobbly": BAD_EFFECT},
        ["wobbly.json", re.compile(r"line 5, column 23\b|:5:23\b")]),
    "malformed-principals-json": (
        BAD_PRINCIPALS, {"administrator": ADMIN_POLICY},
        ["principals.json", re.compile(r"line 4, column 9\b|:4:9\b")]),
    "unknown-group": (
        _admin_only([{"Name": "joiner", "Groups": ["nobody-group"]}]), {"administrator": ADMIN_POLICY},
        ["principals.json", "nobody-group"]),
    "unknown-policy": (
        _admin_only([{"Name": "attacher", "Policies": ["no-such-policy"]}]), {"administrator": ADMIN_POLICY},
        ["principals.json", "no-such-policy"]),
}


@pytest.mark.parametrize("case", list(STARTUP_CASES))
def test_bad_policies_dir_stops_the_daemon_at_start(case, tmp_path):
    principals, policies, wanted = STARTUP_CASES[case]
    pdir = write_policies_dir(str(tmp_path / "policies"), principals, policies)
    env = dict(os.environ, SEALQ_ADMIN_ACCESS_KEY_ID=ADMIN_KEY, SEALQ_ADMIN_SECRET_ACCESS_KEY=ADMIN_SECRET)
    port = free_port()
    cmd = [SEALQ_BIN, "serve", "--host", "127.0.0.1", "--port", str(port),
           "--data-dir", str(tmp_path / "data"), "--policies", pdir]
    try:
        p = subprocess.run(cmd, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=20,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"sealq kept running with an invalid policies dir ({case})")
    assert p.returncode != 0, (case, p.stdout, p.stderr)
    for w in wanted:
        if isinstance(w, str):
            assert w in p.stderr, (case, w, p.stderr)
        else:
            assert w.search(p.stderr), (case, w.pattern, p.stderr)
    assert ADMIN_SECRET not in p.stderr + p.stdout


# --------------------------------------------------------------------------- logs

def test_no_secret_in_daemon_logs(iam, lab):
    secrets = [ADMIN_SECRET] + [s for _, s in iam.keys.values()] + [s for _, s in lab.keys.values()]
    # a couple of requests that fail on a secret-bearing step, then read everything logged so far
    r = _signed_json(iam.daemon, iam.keys["producer"][0], "wrong-secret", "ListQueues", {})
    assert r.status_code == 403
    make_sts_client(lab.daemon, *lab.keys["alice"]).get_caller_identity()
    time.sleep(0.3)
    for d in (iam.daemon, lab.daemon):
        logs = b""
        for path in (d.stderr_path, d.stdout_path):
            with open(path, "rb") as f:
                logs += f.read()
        for s in secrets:
            assert s.encode() not in logs, f"a secret access key appears in {d.base_dir} logs"


def test_a_decision_that_read_a_defaulted_variable_is_not_reused_for_another_request(tmp_path):
    """A Deny comparing a principal tag with `${aws:UserAgent, 'none'}` decides per request: an
    allowed call does not let a later one with another User-Agent through, nor does a denied one
    keep the right agent out (a cached decision once ignored variables that had a default)."""
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    principals = {"Users": [{"Name": "admin", "Policies": ["everything"]},
                            {"Name": "agent", "Policies": ["pinned-sends"], "Tags": {"agent": "pinned-agent"}}],
                  "Roles": [], "Groups": []}
    policies = {
        "everything": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        "pinned-sends": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
            {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*",
             "Condition": {"StringNotLike": {"aws:PrincipalTag/agent": "${aws:UserAgent, 'none'}"}}}]},
    }
    policies_dir = write_policies_dir(str(tmp_path / "policies"), principals, policies)
    d = Daemon(str(tmp_path), policies_dir=policies_dir)
    key, secret = create_access_key("agent", d.data_dir, policies_dir)
    d.start()
    try:
        url = make_client(d).create_queue(QueueName="pinned")["QueueUrl"]

        def send(agent):
            body = json.dumps({"QueueUrl": url, "MessageBody": "x"})
            request = AWSRequest(method="POST", url=d.url + "/", data=body, headers={
                "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage", "User-Agent": agent})
            SigV4Auth(Credentials(key, secret), "sqs", REGION).add_auth(request)
            prepared = request.prepare()
            return requests.post(prepared.url, headers=dict(prepared.headers.items()), data=prepared.body, timeout=30).status_code

        assert [send("pinned-agent"), send("evil-agent/6.6"), send("pinned-agent"), send("evil-agent/6.6")] == [200, 403, 200, 403]
    finally:
        d.stop()


def test_a_long_pattern_against_a_long_user_agent_is_decided_right_and_at_once(daemon):
    """A queue policy's StringLike of 8,000 characters against a 60,000-character User-Agent:
    once text length × pattern length (seconds of CPU per request), now linear."""
    from urllib.parse import urlencode
    sqs = make_client(daemon)
    url = sqs.create_queue(QueueName=unique_name("long-ua"))["QueueUrl"]
    pattern = "*" + "a" * 8000 + "b"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*",
         "Condition": {"StringLike": {"aws:UserAgent": pattern}}}]})})

    def send(agent):
        body = urlencode({"Action": "SendMessage", "Version": "2012-11-05", "QueueUrl": url, "MessageBody": "m"}).encode()
        return signed_request("POST", daemon.url + "/", body, timeout=30, headers={
            "Content-Type": "application/x-www-form-urlencoded", "User-Agent": agent})

    near_miss = send("a" * 60000)
    assert near_miss.status_code == 200, near_miss.text[:300]
    hit = send("a" * 60000 + "b")
    assert hit.status_code == 403 and "AccessDenied" in hit.text, hit.text[:300]
