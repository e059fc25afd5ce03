"""Queue lifecycle, listing, queue attributes, tags and permissions (AWS JSON 1.0 via boto3)."""

import json
import time
import uuid

import pytest

from conftest import ACCOUNT, arn_of, expect_error, unique_name, queue_counts

NONEXISTENT = "AWS.SimpleQueueService.NonExistentQueue"


# ---------------------------------------------------------------- CreateQueue

def test_create_queue_url_and_get_queue_url(sqs, daemon, queue_name):
    url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    assert url == f"http://127.0.0.1:{daemon.port}/{ACCOUNT}/{queue_name}"
    assert sqs.get_queue_url(QueueName=queue_name)["QueueUrl"] == url
    assert sqs.get_queue_url(QueueName=queue_name, QueueOwnerAWSAccountId=ACCOUNT)["QueueUrl"] == url
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=queue_name, QueueOwnerAWSAccountId="111122223333")


def test_create_queue_is_idempotent_with_equal_attributes(sqs, queue_name):
    attrs = {"VisibilityTimeout": "45", "DelaySeconds": "3"}
    u1 = sqs.create_queue(QueueName=queue_name, Attributes=attrs)["QueueUrl"]
    u2 = sqs.create_queue(QueueName=queue_name, Attributes=dict(attrs))["QueueUrl"]
    assert u1 == u2
    got = sqs.get_queue_attributes(QueueUrl=u1, AttributeNames=["All"])["Attributes"]
    assert got["VisibilityTimeout"] == "45"
    assert got["DelaySeconds"] == "3"


def test_create_queue_without_attributes_twice(sqs, queue_name):
    u1 = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    u2 = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    assert u1 == u2
    urls = sqs.list_queues(QueueNamePrefix=queue_name).get("QueueUrls", [])
    assert urls == [u1]


def test_create_queue_with_different_attributes_fails(sqs, queue_name):
    url = sqs.create_queue(QueueName=queue_name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    expect_error(sqs.create_queue, "QueueAlreadyExists", 400,
                 QueueName=queue_name, Attributes={"VisibilityTimeout": "46"})
    # the existing queue keeps its attributes
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"]
    assert got == {"VisibilityTimeout": "45"}


def test_create_queue_deleted_recently(sqs, queue_name):
    url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    expect_error(sqs.create_queue, "AWS.SimpleQueueService.QueueDeletedRecently", 400,
                 QueueName=queue_name)
    # and it is still gone
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=queue_name)


@pytest.mark.parametrize("bad", [
    "a" * 81,
    "has space",
    "dot.name",
    "slash/name",
    "star*name",
    "colon:name",
    "n\u00e4me",
    "plus+name",
])
def test_create_queue_invalid_name(sqs, bad):
    name = bad if len(bad) > 80 else f"{bad}{uuid.uuid4().hex[:6]}"
    expect_error(sqs.create_queue, "InvalidParameterValue", 400, QueueName=name)
    listed = sqs.list_queues(QueueNamePrefix=name[:20]).get("QueueUrls", [])
    assert not any(u.endswith("/" + name) for u in listed)


def test_create_queue_empty_name(sqs):
    expect_error(sqs.create_queue, ("InvalidParameterValue", "MissingParameter"), 400, QueueName="")


def test_create_queue_name_of_80_chars(sqs, daemon):
    name = ("Az09_-" + uuid.uuid4().hex + "x" * 80)[:80]
    assert len(name) == 80
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url == daemon.queue_url(name)
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url


def test_create_queue_invalid_attribute_value(sqs, queue_name):
    expect_error(sqs.create_queue, "InvalidAttributeValue", 400,
                 QueueName=queue_name, Attributes={"VisibilityTimeout": "43201"})
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=queue_name)


def test_create_queue_unknown_attribute(sqs, queue_name):
    expect_error(sqs.create_queue, "InvalidAttributeName", 400,
                 QueueName=queue_name, Attributes={"NoSuchAttribute": "1"})
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=queue_name)


def test_create_queue_with_all_settable_attributes(sqs, queue_name):
    attrs = {"DelaySeconds": "5", "MaximumMessageSize": "2048", "MessageRetentionPeriod": "3600",
             "ReceiveMessageWaitTimeSeconds": "7", "VisibilityTimeout": "99"}
    url = sqs.create_queue(QueueName=queue_name, Attributes=attrs)["QueueUrl"]
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    for k, v in attrs.items():
        assert got[k] == v, k


def test_create_queue_with_tags(sqs, queue_name):
    url = sqs.create_queue(QueueName=queue_name, tags={"team": "core", "env": "t\u00e9st"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core", "env": "t\u00e9st"}


def test_create_queue_with_empty_tags_map(sqs, queue_name):
    url = sqs.create_queue(QueueName=queue_name, tags={})["QueueUrl"]
    assert url.endswith("/" + queue_name)
    assert sqs.list_queue_tags(QueueUrl=url).get("Tags", {}) == {}


# ---------------------------------------------------------------- GetQueueUrl / ListQueues

def test_get_queue_url_missing(sqs):
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=unique_name("missing"))


def test_list_queues_by_prefix(sqs):
    prefix = "lp" + uuid.uuid4().hex[:10]
    mine = {sqs.create_queue(QueueName=f"{prefix}-{i}")["QueueUrl"] for i in range(3)}
    other = sqs.create_queue(QueueName="x" + prefix)["QueueUrl"]
    got = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    assert set(got) == mine
    assert len(got) == 3
    assert other not in got
    # prefix matching is case-sensitive and may match nothing
    assert sqs.list_queues(QueueNamePrefix=prefix.upper()).get("QueueUrls", []) == []
    assert sqs.list_queues(QueueNamePrefix=prefix + "-zz").get("QueueUrls", []) == []
    # no prefix: everything, including ours
    everything = sqs.list_queues().get("QueueUrls", [])
    assert mine <= set(everything) and other in everything


def test_list_queues_pagination(sqs):
    prefix = "pg" + uuid.uuid4().hex[:10]
    mine = {sqs.create_queue(QueueName=f"{prefix}-{i}")["QueueUrl"] for i in range(5)}
    seen = []
    token = None
    pages = 0
    while True:
        args = {"QueueNamePrefix": prefix, "MaxResults": 2}
        if token:
            args["NextToken"] = token
        resp = sqs.list_queues(**args)
        page = resp.get("QueueUrls", [])
        assert len(page) <= 2
        seen.extend(page)
        pages += 1
        token = resp.get("NextToken")
        if not token:
            break
        assert pages < 10, "pagination does not terminate"
    assert sorted(seen) == sorted(mine)  # every queue exactly once
    assert pages >= 3
    # MaxResults larger than the match count: one page, no NextToken
    resp = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=1000)
    assert set(resp["QueueUrls"]) == mine
    assert "NextToken" not in resp
    resp = sqs.list_queues(QueueNamePrefix=prefix, MaxResults=5)
    assert set(resp["QueueUrls"]) == mine


@pytest.mark.parametrize("n", [0, 1001, -1])
def test_list_queues_max_results_out_of_range(sqs, n):
    expect_error(sqs.list_queues, "InvalidParameterValue", 400, MaxResults=n)


# ---------------------------------------------------------------- DeleteQueue

def test_delete_queue(sqs, queue_name):
    url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="bye")
    sqs.delete_queue(QueueUrl=url)
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=queue_name)
    expect_error(sqs.send_message, NONEXISTENT, 400, QueueUrl=url, MessageBody="x")
    expect_error(sqs.receive_message, NONEXISTENT, 400, QueueUrl=url)
    assert url not in sqs.list_queues(QueueNamePrefix=queue_name).get("QueueUrls", [])
    expect_error(sqs.delete_queue, NONEXISTENT, 400, QueueUrl=url)


def test_delete_missing_queue(sqs, daemon):
    expect_error(sqs.delete_queue, NONEXISTENT, 400, QueueUrl=daemon.queue_url(unique_name("nq")))


@pytest.mark.parametrize("op,args", [
    ("send_message", {"MessageBody": "x"}),
    ("send_message_batch", {"Entries": [{"Id": "a", "MessageBody": "x"}]}),
    ("receive_message", {}),
    ("get_queue_attributes", {"AttributeNames": ["All"]}),
    ("set_queue_attributes", {"Attributes": {"DelaySeconds": "1"}}),
    ("purge_queue", {}),
    ("list_queue_tags", {}),
    ("tag_queue", {"Tags": {"a": "b"}}),
    ("untag_queue", {"TagKeys": ["a"]}),
    ("add_permission", {"Label": "l", "AWSAccountIds": ["111122223333"], "Actions": ["SendMessage"]}),
])
def test_operations_on_missing_queue(sqs, daemon, op, args):
    url = daemon.queue_url(unique_name("nq"))
    expect_error(getattr(sqs, op), NONEXISTENT, 400, QueueUrl=url, **args)


# ---------------------------------------------------------------- GetQueueAttributes

DEFAULTS = {
    "VisibilityTimeout": "30",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "ApproximateNumberOfMessages": "0",
    "ApproximateNumberOfMessagesNotVisible": "0",
    "ApproximateNumberOfMessagesDelayed": "0",
}

STANDARD_NAMES = ["QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                  "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
                  "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds",
                  "ReceiveMessageWaitTimeSeconds"]


def test_get_queue_attributes_all_defaults(sqs, queue_name):
    t0 = int(time.time())
    url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    t1 = int(time.time())
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert a["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:{queue_name}"
    for k, v in DEFAULTS.items():
        assert a.get(k) == v, (k, a.get(k))
    for k in ("CreatedTimestamp", "LastModifiedTimestamp"):
        assert a[k].isdigit(), (k, a[k])  # epoch seconds, not ms, not ISO
        assert t0 - 2 <= int(a[k]) <= t1 + 2, (k, a[k], t0)
    for k in ("Policy", "RedrivePolicy", "FifoQueue"):
        assert k not in a or k == "FifoQueue" and a[k] == "false"


@pytest.mark.parametrize("name", STANDARD_NAMES)
def test_get_queue_attributes_single_name(sqs, queue, name):
    a = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[name])["Attributes"]
    assert set(a) == {name}
    if name in DEFAULTS:
        assert a[name] == DEFAULTS[name]
    elif name == "QueueArn":
        assert a[name] == arn_of(queue)
    else:
        assert a[name].isdigit()


def test_get_queue_attributes_several_names(sqs, queue):
    a = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["DelaySeconds", "QueueArn"])["Attributes"]
    assert a == {"DelaySeconds": "0", "QueueArn": arn_of(queue)}


def test_get_queue_attributes_without_names_returns_nothing(sqs, queue):
    assert sqs.get_queue_attributes(QueueUrl=queue).get("Attributes", {}) == {}


@pytest.mark.parametrize("bad", ["NoSuchAttribute", "visibilitytimeout", ""])
def test_get_queue_attributes_invalid_name(sqs, queue, bad):
    expect_error(sqs.get_queue_attributes, "InvalidAttributeName", 400,
                 QueueUrl=queue, AttributeNames=["QueueArn", bad])


def test_approximate_counts(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=60)
    assert queue_counts(sqs, queue) == (3, 0, 1)
    msgs = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, VisibilityTimeout=60)["Messages"]
    assert len(msgs) == 1 and msgs[0]["Body"] != "delayed"
    assert queue_counts(sqs, queue) == (2, 1, 1)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msgs[0]["ReceiptHandle"])
    assert queue_counts(sqs, queue) == (2, 0, 1)


# ---------------------------------------------------------------- SetQueueAttributes

VALID = [
    ("DelaySeconds", "0"), ("DelaySeconds", "900"),
    ("MaximumMessageSize", "1024"), ("MaximumMessageSize", "1048576"),
    ("MessageRetentionPeriod", "60"), ("MessageRetentionPeriod", "1209600"),
    ("ReceiveMessageWaitTimeSeconds", "0"), ("ReceiveMessageWaitTimeSeconds", "20"),
    ("VisibilityTimeout", "0"), ("VisibilityTimeout", "43200"),
]

INVALID = [
    ("DelaySeconds", "-1"), ("DelaySeconds", "901"), ("DelaySeconds", "abc"),
    ("MaximumMessageSize", "1023"), ("MaximumMessageSize", "1048577"),
    ("MessageRetentionPeriod", "59"), ("MessageRetentionPeriod", "1209601"),
    ("ReceiveMessageWaitTimeSeconds", "-1"), ("ReceiveMessageWaitTimeSeconds", "21"),
    ("VisibilityTimeout", "-1"), ("VisibilityTimeout", "43201"), ("VisibilityTimeout", "1.5"),
    ("VisibilityTimeout", ""),
]


@pytest.mark.parametrize("name,value", VALID)
def test_set_queue_attribute_valid(sqs, queue, name, value):
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={name: value})
    got = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[name])["Attributes"]
    assert got == {name: value}


@pytest.mark.parametrize("name,value", INVALID)
def test_set_queue_attribute_invalid(sqs, queue, name, value):
    expect_error(sqs.set_queue_attributes, "InvalidAttributeValue", 400,
                 QueueUrl=queue, Attributes={name: value})
    got = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[name])["Attributes"]
    assert got == {name: DEFAULTS[name]}


def test_set_several_attributes_at_once(sqs, queue):
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"DelaySeconds": "4", "VisibilityTimeout": "77"})
    got = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert got["DelaySeconds"] == "4" and got["VisibilityTimeout"] == "77"


def test_set_attributes_one_invalid_changes_nothing(sqs, queue):
    expect_error(sqs.set_queue_attributes, "InvalidAttributeValue", 400, QueueUrl=queue,
                 Attributes={"DelaySeconds": "4", "VisibilityTimeout": "99999"})
    got = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert got["DelaySeconds"] == "0" and got["VisibilityTimeout"] == "30"


def test_set_unknown_attribute(sqs, queue):
    expect_error(sqs.set_queue_attributes, "InvalidAttributeName", 400,
                 QueueUrl=queue, Attributes={"NoSuchAttribute": "1"})


@pytest.mark.parametrize("name", ["QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp"])
def test_set_read_only_attribute(sqs, queue, name):
    expect_error(sqs.set_queue_attributes, "InvalidAttributeName", 400,
                 QueueUrl=queue, Attributes={name: "1"})


def test_last_modified_timestamp_moves_on_set(sqs, queue):
    before = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    time.sleep(1.2)
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"DelaySeconds": "1"})
    after = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert after["CreatedTimestamp"] == before["CreatedTimestamp"]
    assert int(after["LastModifiedTimestamp"]) > int(before["LastModifiedTimestamp"])


def test_redrive_policy(sqs, make_queue, queue):
    dlq = make_queue(prefix="dlq")
    policy = {"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": 5}
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedrivePolicy": json.dumps(policy)})
    got = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["RedrivePolicy"])["Attributes"]
    parsed = json.loads(got["RedrivePolicy"])
    assert parsed["deadLetterTargetArn"] == arn_of(dlq)
    assert int(parsed["maxReceiveCount"]) == 5


@pytest.mark.parametrize("bad", ["{not json", "[]", "42"])
def test_redrive_policy_invalid_json(sqs, queue, bad):
    expect_error(sqs.set_queue_attributes, "InvalidAttributeValue", 400,
                 QueueUrl=queue, Attributes={"RedrivePolicy": bad})


def test_policy_attribute(sqs, queue):
    doc = {"Version": "2012-10-17", "Id": "p", "Statement": [{
        "Sid": "AllowSend", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "sqs:SendMessage", "Resource": arn_of(queue)}]}
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": json.dumps(doc)})
    got = json.loads(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert [s["Sid"] for s in got["Statement"]] == ["AllowSend"]
    assert got["Statement"][0]["Effect"] == "Allow"
    # an empty value removes the policy
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": ""})
    a = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"]).get("Attributes", {})
    assert a.get("Policy", "") == ""


def test_policy_attribute_invalid_json(sqs, queue):
    expect_error(sqs.set_queue_attributes, "InvalidAttributeValue", 400,
                 QueueUrl=queue, Attributes={"Policy": "{\"Statement\": ["})


# ---------------------------------------------------------------- PurgeQueue

def test_purge_queue(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"p{i}")
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=30)
    inflight = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=60)["Messages"]
    assert len(inflight) >= 1
    sqs.purge_queue(QueueUrl=queue)
    assert wait_counts_zero(sqs, queue)
    assert sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []) == []
    # the queue still works
    sqs.send_message(QueueUrl=queue, MessageBody="after")
    # a second purge within 60 s is refused
    expect_error(sqs.purge_queue, "AWS.SimpleQueueService.PurgeQueueInProgress", 403, QueueUrl=queue)


def wait_counts_zero(sqs, url, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if queue_counts(sqs, url) == (0, 0, 0):
            return True
        time.sleep(0.2)
    return False


def test_purge_is_per_queue(sqs, make_queue):
    a, b = make_queue(prefix="pa"), make_queue(prefix="pb")
    sqs.send_message(QueueUrl=b, MessageBody="keep")
    sqs.purge_queue(QueueUrl=a)
    sqs.purge_queue(QueueUrl=b)  # a different queue is not blocked by a's purge
    expect_error(sqs.purge_queue, "AWS.SimpleQueueService.PurgeQueueInProgress", 403, QueueUrl=a)


# ---------------------------------------------------------------- Tags

def test_tag_untag_list(sqs, queue):
    assert sqs.list_queue_tags(QueueUrl=queue).get("Tags", {}) == {}
    sqs.tag_queue(QueueUrl=queue, Tags={"a": "1", "b": "2"})
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"] == {"a": "1", "b": "2"}
    sqs.tag_queue(QueueUrl=queue, Tags={"a": "9", "\u00fcml": "\u65e5\u672c"})
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"] == {"a": "9", "b": "2", "\u00fcml": "\u65e5\u672c"}
    sqs.untag_queue(QueueUrl=queue, TagKeys=["a", "not-there"])
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"] == {"b": "2", "\u00fcml": "\u65e5\u672c"}
    sqs.untag_queue(QueueUrl=queue, TagKeys=["b", "\u00fcml"])
    assert sqs.list_queue_tags(QueueUrl=queue).get("Tags", {}) == {}


def test_tag_with_empty_value(sqs, queue):
    sqs.tag_queue(QueueUrl=queue, Tags={"flag": ""})
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"] == {"flag": ""}


# ---------------------------------------------------------------- Permissions

def _policy(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    return json.loads(a["Policy"]) if a.get("Policy") else None


def _actions(stmt):
    acts = stmt["Action"]
    acts = [acts] if isinstance(acts, str) else acts
    return sorted(a.lower().replace("sqs:", "") for a in acts)


def test_add_and_remove_permission(sqs, queue):
    sqs.add_permission(QueueUrl=queue, Label="p1", AWSAccountIds=["111122223333"],
                       Actions=["SendMessage", "ReceiveMessage"])
    pol = _policy(sqs, queue)
    st = {s["Sid"]: s for s in pol["Statement"]}
    assert set(st) == {"p1"}
    assert st["p1"]["Effect"] == "Allow"
    assert st["p1"]["Resource"] == arn_of(queue)
    assert _actions(st["p1"]) == ["receivemessage", "sendmessage"]
    assert "111122223333" in json.dumps(st["p1"]["Principal"])

    sqs.add_permission(QueueUrl=queue, Label="p2", AWSAccountIds=["444455556666"], Actions=["*"])
    assert {s["Sid"] for s in _policy(sqs, queue)["Statement"]} == {"p1", "p2"}

    sqs.remove_permission(QueueUrl=queue, Label="p1")
    pol = _policy(sqs, queue)
    assert [s["Sid"] for s in pol["Statement"]] == ["p2"]

    sqs.remove_permission(QueueUrl=queue, Label="p2")
    pol = _policy(sqs, queue)
    assert pol is None or pol.get("Statement", []) == []


def test_remove_unknown_permission(sqs, queue):
    expect_error(sqs.remove_permission, "InvalidParameterValue", 400, QueueUrl=queue, Label="nope")


def test_add_permission_duplicate_label(sqs, queue):
    sqs.add_permission(QueueUrl=queue, Label="dup", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    expect_error(sqs.add_permission, "InvalidParameterValue", 400, QueueUrl=queue, Label="dup",
                 AWSAccountIds=["111122223333"], Actions=["DeleteMessage"])
    assert [s["Sid"] for s in _policy(sqs, queue)["Statement"]] == ["dup"]


def test_add_permission_keeps_a_policy_whose_statement_is_one_object(sqs, queue):
    deny = {"Sid": "DenyAll", "Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": deny})})
    sqs.add_permission(QueueUrl=queue, Label="L1", AWSAccountIds=["111122223333"], Actions=["ReceiveMessage"])
    statements = {s["Sid"]: s for s in _policy(sqs, queue)["Statement"]}
    assert set(statements) == {"DenyAll", "L1"}
    assert statements["DenyAll"]["Effect"] == "Deny"
    sqs.remove_permission(QueueUrl=queue, Label="L1")
    assert [s["Sid"] for s in _policy(sqs, queue)["Statement"]] == ["DenyAll"]


def test_add_permission_respects_the_queue_policy_quotas(sqs, queue):
    actions = ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes",
               "GetQueueUrl", "PurgeQueue", "ListDeadLetterSourceQueues"]
    expect_error(sqs.add_permission, "OverLimit", 403, QueueUrl=queue, Label="eight",
                 AWSAccountIds=["111122223333"], Actions=actions)
    expect_error(sqs.add_permission, "OverLimit", 403, QueueUrl=queue, Label="many",
                 AWSAccountIds=[f"{100000000000 + n}" for n in range(51)], Actions=["SendMessage"])
    for n in range(20):
        sqs.add_permission(QueueUrl=queue, Label=f"p{n}", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    resp = expect_error(sqs.add_permission, "OverLimit", 403, QueueUrl=queue, Label="p20",
                        AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    assert resp["Error"]["Message"] == "21 statements were found in the submitted policy, max allowed is 20."
    assert len(_policy(sqs, queue)["Statement"]) == 20


def test_set_attributes_on_a_missing_queue_is_told_so_before_its_policy_is_judged(sqs, queue):
    gone = queue.rsplit("/", 1)[0] + "/" + unique_name("never-created")
    for policy in ('{"Version": "2012-10-17", "Statement": [', json.dumps({"Statement": [{}] * 21})):
        expect_error(sqs.set_queue_attributes, NONEXISTENT, 400, QueueUrl=gone, Attributes={"Policy": policy})


def test_add_permission_cannot_store_a_policy_set_queue_attributes_would_refuse(sqs, queue):
    """AddPermission keeps to the 8,192-byte quota and to ASCII account ids, so it never stores a
    Policy that SetQueueAttributes would then refuse."""
    for account in ("١١١١٢٢٢٢٣٣٣٣", "１１１１２２２２３３３３"):
        expect_error(sqs.add_permission, "InvalidParameterValue", 400, QueueUrl=queue, Label="digits",
                     AWSAccountIds=[account], Actions=["SendMessage"])
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    filler = {"Sid": "Filler", "Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn,
              "Condition": {"StringEquals": {"aws:UserAgent": ""}}}
    document = {"Version": "2012-10-17", "Statement": [filler]}
    text = json.dumps(document)
    filler["Condition"]["StringEquals"]["aws:UserAgent"] = "x" * (8192 - len(text))
    text = json.dumps(document)
    assert len(text.encode()) == 8192
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": text})
    resp = expect_error(sqs.add_permission, "OverLimit", 403, QueueUrl=queue, Label="toomuch",
                        AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    assert resp["Error"]["Message"] == "Submitted policy is over max allowed size."
    assert json.loads(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"])["Attributes"]["Policy"]) == document


def test_queue_names_are_case_sensitive(sqs):
    base = "Case" + uuid.uuid4().hex[:10]
    upper = sqs.create_queue(QueueName=base)["QueueUrl"]
    lower = sqs.create_queue(QueueName=base.lower())["QueueUrl"]
    assert upper != lower
    sqs.send_message(QueueUrl=upper, MessageBody="upper")
    assert queue_counts(sqs, upper) == (1, 0, 0)
    assert queue_counts(sqs, lower) == (0, 0, 0)
    expect_error(sqs.get_queue_url, NONEXISTENT, 400, QueueName=base.upper())


def test_concurrent_create_of_one_name(client_factory, sqs, queue_name):
    import threading
    results = []

    def create():
        try:
            results.append(client_factory().create_queue(QueueName=queue_name,
                                                         Attributes={"DelaySeconds": "1"})["QueueUrl"])
        except Exception as e:  # noqa: BLE001
            results.append(repr(e))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert len(results) == 8 and len(set(results)) == 1, set(results)
    assert sqs.list_queues(QueueNamePrefix=queue_name)["QueueUrls"] == [results[0]]


def test_queue_url_of_another_account(sqs, daemon, queue_name):
    sqs.create_queue(QueueName=queue_name)
    expect_error(sqs.send_message, NONEXISTENT, 400,
                 QueueUrl=f"{daemon.url}/111111111111/{queue_name}", MessageBody="x")


def _race(*calls):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def test_concurrent_changes_to_one_queue_all_take_effect(daemon, client_factory):
    """SetQueueAttributes, TagQueue and RemovePermission on one queue at once: every change that
    was acknowledged is in the queue afterwards (none overwrites another with stale settings,
    and a removed permission never comes back)."""
    clients = [client_factory() for _ in range(4)]
    for trial in range(15):
        url = clients[0].create_queue(QueueName=unique_name("changes"))["QueueUrl"]
        clients[0].add_permission(QueueUrl=url, Label="partner", AWSAccountIds=["111122223333"], Actions=["ReceiveMessage"])
        visibility, delay = str(100 + trial), str(10 + trial)
        _race(lambda: clients[0].set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": visibility}),
              lambda: clients[1].set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": delay}),
              lambda: clients[2].tag_queue(QueueUrl=url, Tags={"trial": str(trial)}),
              lambda: clients[3].remove_permission(QueueUrl=url, Label="partner"))
        attributes = clients[0].get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert (attributes["VisibilityTimeout"], attributes["DelaySeconds"]) == (visibility, delay), (trial, attributes)
        assert "Policy" not in attributes, f"trial {trial}: the removed permission came back"
        assert clients[0].list_queue_tags(QueueUrl=url)["Tags"] == {"trial": str(trial)}
        clients[0].delete_queue(QueueUrl=url)


def test_a_queue_deleted_during_a_change_stays_deleted(daemon, client_factory):
    """DeleteQueue racing TagQueue or SetQueueAttributes: once the delete answered, the queue is
    gone (not listed, sends refused, its name QueueDeletedRecently) rather than half alive."""
    clients = [client_factory() for _ in range(3)]
    for trial in range(30):
        name = unique_name("deleted")
        url = clients[0].create_queue(QueueName=name)["QueueUrl"]

        def change(client=clients[1], trial=trial):
            try:
                if trial % 2:
                    client.tag_queue(QueueUrl=url, Tags={"a": "b"})
                else:
                    client.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "1"})
            except Exception as error:  # noqa: BLE001 - the queue may be gone first
                assert error.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue", error.response

        _race(change, lambda: clients[2].delete_queue(QueueUrl=url))
        assert not clients[0].list_queues(QueueNamePrefix=name).get("QueueUrls"), f"trial {trial}: {name} still listed"
        expect_error(clients[0].send_message, "AWS.SimpleQueueService.NonExistentQueue", 400, QueueUrl=url, MessageBody="lost?")
        expect_error(clients[0].create_queue, "AWS.SimpleQueueService.QueueDeletedRecently", 400, QueueName=name)
