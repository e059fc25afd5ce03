"""Server-side encryption of queues (issue 6), against the real daemon: SSE-SQS on by default,
SSE-KMS with customer keys and alias/aws/sqs, the exclusive modes and their bad input, nothing
readable on disk through every path a message can take, Kms* errors in both SQS protocols,
key rotation mid-stream, ciphertexts copied between rows, crypto-shredding on purge and queue
deletion, and key-service calls that follow the data key reuse period."""

import hashlib
import json
import os
import sqlite3
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from types import SimpleNamespace

from botocore.exceptions import ClientError
import pytest
import requests

from conftest import (ACCOUNT, ADMIN_KEY, ADMIN_SECRET, QUERY_VERSION, REGION, Daemon, arn_of,
                      create_access_key, expect_error, make_client, query_error_code, signed_request,
                      signed_sqs_json, unique_name, user_arn, write_policies_dir, xml_error, kms_client, kms_key_gone)


# --------------------------------------------------------------------------- helpers

def attrs(sqs, url, *names):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ["All"])["Attributes"]


def visible_count(sqs, url):
    return int(attrs(sqs, url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"])


def receive_all(sqs, url, expected, visibility=30, **kw):
    got = []
    deadline = time.monotonic() + 15
    while len(got) < expected and time.monotonic() < deadline:
        got += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=visibility,
                                   MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"],
                                   **kw).get("Messages", [])
    return got


def query_call(daemon, action, url=None, key=ADMIN_KEY, secret=ADMIN_SECRET, **params):
    """A Query-protocol (form POST, XML) call; returns (status, legacy code or None, root)."""
    form = {"Action": action, "Version": QUERY_VERSION, **params}
    r = signed_request("POST", url or daemon.url + "/", body=urllib.parse.urlencode(form).encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"}, key=key, secret=secret)
    root = ET.fromstring(r.content)
    code = xml_error(root)[1] if r.status_code >= 400 else None
    return r.status_code, code, root


def both_protocols_fail(daemon, sqs, url, json_code, query_code, key=ADMIN_KEY, secret=ADMIN_SECRET, action="SendMessage"):
    """The call fails with 400 in both protocols: over AWS JSON 1.0 with `__type` `json_code` and
    the legacy `query_code` in x-amzn-query-error (which boto3 reports), over Query with `query_code`."""
    if action == "SendMessage":
        expect_error(sqs.send_message, query_code, 400, QueueUrl=url, MessageBody="must not be stored")
        status, code, _ = query_call(daemon, "SendMessage", url, key, secret, MessageBody="must not be stored")
    else:
        expect_error(sqs.receive_message, query_code, 400, QueueUrl=url)
        status, code, _ = query_call(daemon, "ReceiveMessage", url, key, secret)
    assert (status, code) == (400, query_code)
    body = json.dumps({"QueueUrl": url, "MessageBody": "x"}) if action == "SendMessage" else json.dumps({"QueueUrl": url})
    raw = signed_sqs_json(daemon, action, body, key=key, secret=secret)
    assert raw.status_code == 400 and query_error_code(raw) == query_code
    assert raw.json()["__type"] == f"com.amazonaws.sqs#{json_code}"


def files_under(directory):
    for root, _, names in os.walk(directory):
        for name in names:
            yield os.path.join(root, name)


def files_containing(directory, needles):
    """{needle: [files holding it]} for every needle found in any file under `directory`."""
    found = {}
    for path in files_under(directory):
        try:
            with open(path, "rb") as f:
                content = f.read()
        except OSError:
            continue
        for needle in needles:
            if needle in content:
                found.setdefault(needle, []).append(path)
    return found


def database_rows(daemon, sql, args=()):
    """Rows of a read-only query on the daemon's database (safe while it runs: WAL readers)."""
    db = sqlite3.connect(f"file:{daemon.data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def metric(daemon, name, **labels):
    text = requests.get(daemon.url + "/metrics", timeout=10).text
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if all(w in line for w in wanted):
                total += float(line.rsplit(" ", 1)[1])
    return total


# --------------------------------------------------------------------------- fixtures

SENDER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "QueuesOnly", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}
GENERATE_ONLY_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Queues", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
    {"Sid": "NoDecrypt", "Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": "*"}]}
KMS_USER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Queues", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
    {"Sid": "QueueKeys", "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}
PRINCIPALS = {"Users": [
    {"Name": "admin", "Policies": ["administrator"]},
    {"Name": "sqsonly", "Policies": ["sqs-only"]},
    {"Name": "generateonly", "Policies": ["generate-only"]},
    {"Name": "producer", "Policies": ["kms-user"]},
    {"Name": "producer2", "Policies": ["kms-user"]},
    {"Name": "consumer", "Policies": ["kms-user"]},
], "Roles": [], "Groups": []}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    base = tmp_path_factory.mktemp("sealq-sse")
    policies = write_policies_dir(str(base / "policies"), PRINCIPALS, {
        "administrator": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        "sqs-only": SENDER_POLICY, "generate-only": GENERATE_ONLY_POLICY, "kms-user": KMS_USER_POLICY})
    d = Daemon(str(base), policies_dir=policies, extra_args=["--kms-deletion-day-seconds", "1"])
    keys = {n: create_access_key(n, d.data_dir, policies) for n in ("sqsonly", "generateonly", "producer", "producer2", "consumer")}
    d.start()
    ns = SimpleNamespace(daemon=d, keys=keys, sqs=make_client(d), kms=kms_client(d),
                         client=lambda name: make_client(d, *keys[name]))
    yield ns
    d.stop()


def cmk(env, description="queue key"):
    return env.kms.create_key(Description=description)["KeyMetadata"]


# --------------------------------------------------------------------------- attributes and bad input

def test_new_queues_use_sse_sqs_and_the_two_modes_exclude_each_other(env):
    sqs = env.sqs
    url = sqs.create_queue(QueueName=unique_name("sse"))["QueueUrl"]
    a = attrs(sqs, url)
    assert a["SqsManagedSseEnabled"] == "true" and "KmsMasterKeyId" not in a
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    a = attrs(sqs, url)
    assert (a["SqsManagedSseEnabled"], a["KmsMasterKeyId"], a["KmsDataKeyReusePeriodSeconds"]) == ("false", "alias/aws/sqs", "300")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"SqsManagedSseEnabled": "true"})
    a = attrs(sqs, url)
    assert a["SqsManagedSseEnabled"] == "true" and "KmsMasterKeyId" not in a
    key = cmk(env)
    for identifier in (key["KeyId"], key["Arn"], "alias/aws/sqs", f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/sqs"):
        u = sqs.create_queue(QueueName=unique_name("ssekey"), Attributes={
            "KmsMasterKeyId": identifier, "KmsDataKeyReusePeriodSeconds": "60"})["QueueUrl"]
        sqs.send_message(QueueUrl=u, MessageBody="hello")
        assert [m["Body"] for m in receive_all(sqs, u, 1)] == ["hello"]


@pytest.mark.parametrize("attributes", [
    {"KmsMasterKeyId": "not a key"},
    {"KmsMasterKeyId": "arn:aws:s3:::bucket"},
    {"KmsMasterKeyId": "alias/"},
    {"KmsMasterKeyId": "1234abcd-12ab-34cd-56ef"},
    {"KmsMasterKeyId": "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds": "59"},
    {"KmsMasterKeyId": "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds": "86401"},
    {"KmsMasterKeyId": "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds": "five"},
    {"KmsMasterKeyId": "alias/aws/sqs", "SqsManagedSseEnabled": "true"},
    {"SqsManagedSseEnabled": "maybe"},
])
def test_bad_sse_attributes_are_invalid_attribute_value(env, attributes):
    name = unique_name("ssebad")
    expect_error(env.sqs.create_queue, "InvalidAttributeValue", 400, QueueName=name, Attributes=attributes)
    url = env.sqs.create_queue(QueueName=name)["QueueUrl"]
    expect_error(env.sqs.set_queue_attributes, "InvalidAttributeValue", 400, QueueUrl=url, Attributes=attributes)
    assert attrs(env.sqs, url)["SqsManagedSseEnabled"] == "true", "a refused change changed nothing"


def test_a_missing_key_fails_sends_with_kms_not_found_and_accepts_nothing(env):
    for identifier in ("alias/no-such-key", str(uuid.uuid4()), f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{uuid.uuid4()}"):
        url = env.sqs.create_queue(QueueName=unique_name("ssemissing"), Attributes={"KmsMasterKeyId": identifier})["QueueUrl"]
        both_protocols_fail(env.daemon, env.sqs, url, "KmsNotFound", "KMS.NotFoundException")
        expect_error(env.sqs.send_message_batch, "KMS.NotFoundException", 400, QueueUrl=url,
                     Entries=[{"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two"}])
        assert visible_count(env.sqs, url) == 0


# --------------------------------------------------------------------------- Kms* errors

def test_disabled_and_pending_deletion_keys_fail_sends_and_receives_until_they_are_usable_again(env):
    sqs, kms = env.sqs, env.kms
    key = cmk(env)
    url = sqs.create_queue(QueueName=unique_name("ssestate"), Attributes={"KmsMasterKeyId": key["Arn"]})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="kept safe")
    kms.disable_key(KeyId=key["KeyId"])
    both_protocols_fail(env.daemon, sqs, url, "KmsDisabled", "KMS.DisabledException")
    both_protocols_fail(env.daemon, sqs, url, "KmsDisabled", "KMS.DisabledException", action="ReceiveMessage")
    kms.enable_key(KeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=30)
    both_protocols_fail(env.daemon, sqs, url, "KmsInvalidState", "KMS.InvalidStateException")
    both_protocols_fail(env.daemon, sqs, url, "KmsInvalidState", "KMS.InvalidStateException", action="ReceiveMessage")
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    kms.enable_key(KeyId=key["KeyId"])
    got = receive_all(sqs, url, 1)
    assert [m["Body"] for m in got] == ["kept safe"], "failed receives lost nothing"
    assert got[0]["Attributes"]["ApproximateReceiveCount"] == "1", "a receive that failed on its key was not counted"


@pytest.mark.parametrize("fifo", [False, True])
def test_a_message_whose_dead_letter_key_is_disabled_holds_back_only_itself(env, fifo):
    """A message due for a dead-letter queue whose key is disabled stays where it is (and holds
    its FIFO group); every other message, other groups' included, is still delivered."""
    sqs, kms = env.sqs, env.kms
    key = cmk(env, "dead-letter key")
    suffix = ".fifo" if fifo else ""
    fifo_attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    dlq = sqs.create_queue(QueueName=unique_name("dlqkey") + suffix,
                           Attributes={"KmsMasterKeyId": key["Arn"], **fifo_attributes})["QueueUrl"]
    source = sqs.create_queue(QueueName=unique_name("dlqsrc") + suffix, Attributes={
        **fifo_attributes, "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": 1})})["QueueUrl"]
    group = {"MessageGroupId": "poisoned"} if fifo else {}
    sqs.send_message(QueueUrl=source, MessageBody="poison", **group)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]] == ["poison"]
    kms.disable_key(KeyId=key["KeyId"])
    for i in range(3):
        sqs.send_message(QueueUrl=source, MessageBody=f"fresh-{i}", **({"MessageGroupId": f"g{i}"} if fifo else {}))
    got = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
    assert sorted(m["Body"] for m in got) == ["fresh-0", "fresh-1", "fresh-2"]
    # Only the poisoned message is left: now the receive says why it cannot be delivered.
    expect_error(sqs.receive_message, "KMS.DisabledException", 400, QueueUrl=source)
    kms.enable_key(KeyId=key["KeyId"])
    assert sqs.receive_message(QueueUrl=source).get("Messages", []) == [], "moved on this receive"
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1)["Messages"]] == ["poison"]


def test_a_key_that_cannot_encrypt_fails_sends_with_kms_invalid_key_usage(env):
    mac_key = env.kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    url = env.sqs.create_queue(QueueName=unique_name("ssemac"), Attributes={"KmsMasterKeyId": mac_key["Arn"]})["QueueUrl"]
    both_protocols_fail(env.daemon, env.sqs, url, "KmsInvalidKeyUsage", "KMS.InvalidKeyUsageException")
    assert visible_count(env.sqs, url) == 0


def test_a_caller_without_kms_permissions_gets_kms_access_denied_on_a_customer_key_but_not_on_aws_sqs(env):
    key = cmk(env)
    url = env.sqs.create_queue(QueueName=unique_name("ssedeny"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    sqsonly = env.client("sqsonly")
    both_protocols_fail(env.daemon, sqsonly, url, "KmsAccessDenied", "KMS.AccessDeniedException", *env.keys["sqsonly"])
    env.client("producer").send_message(QueueUrl=url, MessageBody="from producer")
    both_protocols_fail(env.daemon, sqsonly, url, "KmsAccessDenied", "KMS.AccessDeniedException", *env.keys["sqsonly"],
                        action="ReceiveMessage")
    assert [m["Body"] for m in receive_all(env.client("consumer"), url, 1)] == ["from producer"]
    # A receive that looks past ten messages it cannot open logs its refused Decrypt once.
    producer = env.client("producer")
    for i in range(10):
        producer.send_message(QueueUrl=url, MessageBody=f"unreadable to sqsonly {i}")
    with pytest.raises(ClientError) as refused:
        sqsonly.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=30)
    assert refused.value.response["Error"]["Code"] == "KMS.AccessDeniedException"
    request_id = refused.value.response["ResponseMetadata"]["RequestId"]
    import sqlite3
    db = sqlite3.connect(f"file:{env.daemon.data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    logged = [json.loads(r) for (r,) in db.execute("SELECT record FROM audit_records ORDER BY position")]
    db.close()
    uses = [(r["eventName"], r.get("errorCode")) for r in logged
            if r["requestID"] == request_id and r["eventSource"] == "kms.amazonaws.com"]
    assert uses == [("Decrypt", "AccessDeniedException")], uses
    # alias/aws/sqs: its AWS-managed policy lets every principal of the account use it through SQS.
    managed = env.sqs.create_queue(QueueName=unique_name("ssemanaged"), Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    sqsonly.send_message(QueueUrl=managed, MessageBody="via sqs")
    assert [m["Body"] for m in receive_all(sqsonly, managed, 1)] == ["via sqs"]
    # ...but not directly.
    with pytest.raises(Exception):
        kms_client(env.daemon, *env.keys["sqsonly"]).encrypt(KeyId="alias/aws/sqs", Plaintext=b"x")


def test_a_producer_needs_kms_decrypt_as_well_as_generate_data_key_as_on_aws(env):
    key = cmk(env)
    url = env.sqs.create_queue(QueueName=unique_name("ssegen"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    sender = env.client("generateonly")
    with pytest.raises(ClientError) as refused:
        sender.send_message(QueueUrl=url, MessageBody="needs decrypt too")
    assert refused.value.response["Error"]["Code"] == "KMS.AccessDeniedException"
    assert "kms:Decrypt" in refused.value.response["Error"]["Message"]
    assert visible_count(env.sqs, url) == 0
    # The refused use of the key is in the audit log as a KMS event of its own, as KMS logs it.
    import sqlite3
    db = sqlite3.connect(f"file:{env.daemon.data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    records = [json.loads(r) for (r,) in db.execute("SELECT record FROM audit_records ORDER BY position")]
    db.close()
    refusals = [r for r in records if r["eventSource"] == "kms.amazonaws.com" and r.get("errorCode") == "AccessDeniedException"
                and r["resources"][0]["ARN"] == key["Arn"]]
    assert [(r["eventName"], r["userIdentity"]["invokedBy"], r["userIdentity"]["userName"]) for r in refusals] == [
        ("Decrypt", "sqs.amazonaws.com", "generateonly")], refusals
    env.client("producer").send_message(QueueUrl=url, MessageBody="both permissions")
    assert visible_count(env.sqs, url) == 1


def test_a_key_policy_can_limit_use_to_calls_through_sqs(env):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": user_arn("admin")}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "ProducerThroughSqsOnly", "Effect": "Allow", "Principal": {"AWS": user_arn("sqsonly")},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": f"sqs.{REGION}.amazonaws.com"},
                       "StringLike": {"kms:EncryptionContext:aws:sqs:arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:ssevia-*"}}}]}
    key = env.kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]
    url = env.sqs.create_queue(QueueName=unique_name("ssevia"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    other = env.sqs.create_queue(QueueName=unique_name("sseother"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    sqsonly = env.client("sqsonly")
    sqsonly.send_message(QueueUrl=url, MessageBody="through sqs")
    assert [m["Body"] for m in receive_all(sqsonly, url, 1)] == ["through sqs"]
    expect_error(sqsonly.send_message, "KMS.AccessDeniedException", 400, QueueUrl=other, MessageBody="wrong queue")
    with pytest.raises(Exception):
        kms_client(env.daemon, *env.keys["sqsonly"]).generate_data_key(
            KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext={"aws:sqs:arn": arn_of(url)})


def test_key_policies_on_the_keys_properties_and_via_aws_service_work_through_sqs(env):
    """The KMS guide's conditions on the key itself (kms:KeySpec, kms:KeyUsage), on how it is
    used (kms:EncryptionAlgorithm: SYMMETRIC_DEFAULT for SQS's data keys) and IAM's
    aws:ViaAWSService (true when SQS calls KMS for the caller, false when the caller does)."""
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": user_arn("admin")}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "SymmetricThroughServices", "Effect": "Allow", "Principal": {"AWS": user_arn("sqsonly")},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT"},
                       "Bool": {"aws:ViaAWSService": "true"}}},
        {"Sid": "AllowOnlySymmetricAlgorithm", "Effect": "Deny", "Principal": "*", "Resource": "*",
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
         "Condition": {"StringNotEquals": {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}}}]}
    key = env.kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]
    url = env.sqs.create_queue(QueueName=unique_name("sseprops"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    sqsonly = env.client("sqsonly")
    sqsonly.send_message(QueueUrl=url, MessageBody="through sqs")
    assert [m["Body"] for m in receive_all(sqsonly, url, 1)] == ["through sqs"]
    with pytest.raises(ClientError) as denied:
        kms_client(env.daemon, *env.keys["sqsonly"]).generate_data_key(
            KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext={"aws:sqs:arn": arn_of(url)})
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_key_use_sqs_makes_for_the_caller_keeps_the_callers_address(env):
    """IAM: forward access sessions keep "the original requester's IP address" (the deny-by-IP
    example "does not deny requests made by AWS services using Forward access sessions"): a key
    policy on the caller's address decides the key uses SQS makes for it, as it does its own."""
    def key_allowing(condition):
        return env.kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": user_arn("admin")}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "FromThisHost", "Effect": "Allow", "Principal": {"AWS": user_arn("sqsonly")},
             "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*", "Condition": condition}]}))["KeyMetadata"]
    for network, allowed in (("127.0.0.0/8", True), ("192.0.2.0/24", False)):
        key = key_allowing({"IpAddress": {"aws:SourceIp": network}})
        url = env.sqs.create_queue(QueueName=unique_name("sseip"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
        if allowed:
            env.client("sqsonly").send_message(QueueUrl=url, MessageBody="from this host")
            assert visible_count(env.sqs, url) == 1
        else:
            expect_error(env.client("sqsonly").send_message, "KMS.AccessDeniedException", 400, QueueUrl=url, MessageBody="x")


def test_a_queue_naming_its_key_by_alias_calls_generate_data_key_by_that_alias(env):
    """kms:RequestAlias is the alias a call names its key by: SQS's GenerateDataKey names the
    queue's KmsMasterKeyId, so a key policy can admit sends only through queues that use the alias."""
    alias = "alias/" + unique_name("byalias")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": user_arn("admin")}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "GenerateByAliasOnly", "Effect": "Allow", "Principal": {"AWS": user_arn("sqsonly")}, "Action": "kms:GenerateDataKey",
         "Resource": "*", "Condition": {"StringEquals": {"kms:RequestAlias": alias}}},
        {"Sid": "Decrypt", "Effect": "Allow", "Principal": {"AWS": user_arn("sqsonly")}, "Action": "kms:Decrypt", "Resource": "*"}]}
    key = env.kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]
    env.kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    by_alias = env.sqs.create_queue(QueueName=unique_name("ssealias"), Attributes={"KmsMasterKeyId": alias})["QueueUrl"]
    by_id = env.sqs.create_queue(QueueName=unique_name("sseid"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    sqsonly = env.client("sqsonly")
    sqsonly.send_message(QueueUrl=by_alias, MessageBody="through the alias")
    assert [m["Body"] for m in receive_all(sqsonly, by_alias, 1)] == ["through the alias"]
    expect_error(sqsonly.send_message, "KMS.AccessDeniedException", 400, QueueUrl=by_id, MessageBody="by key id")


def test_a_dead_letter_message_whose_key_is_gone_holds_back_only_itself_in_a_redrive(env):
    """A move task moves every message it can re-encrypt and leaves the unreadable one behind
    (it then ends FAILED with that message's reason), as receives already do."""
    old_key = cmk(env, "dlq key that will be deleted")
    new_key = cmk(env, "dlq key")
    dlq = env.sqs.create_queue(QueueName=unique_name("poisondlq"), Attributes={"KmsMasterKeyId": old_key["KeyId"]})["QueueUrl"]
    src = env.sqs.create_queue(QueueName=unique_name("poisonsrc"), Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": 1})})["QueueUrl"]
    dest = env.sqs.create_queue(QueueName=unique_name("poisondest"))["QueueUrl"]

    def dead_letter(body):
        env.sqs.send_message(QueueUrl=src, MessageBody=body)
        for _ in range(10):
            env.sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)
            if visible_count(env.sqs, src) == 0:
                return
        raise AssertionError("not dead-lettered")
    dead_letter("poison")
    env.sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"KmsMasterKeyId": new_key["KeyId"]})
    for body in ("ok-1", "ok-2", "ok-3"):
        dead_letter(body)
    env.kms.schedule_key_deletion(KeyId=old_key["KeyId"], PendingWindowInDays=7)  # 7 s with --kms-deletion-day-seconds 1
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not kms_key_gone(env.kms, old_key["KeyId"]):
        time.sleep(0.5)
    assert kms_key_gone(env.kms, old_key["KeyId"])

    env.sqs.start_message_move_task(SourceArn=arn_of(dlq), DestinationArn=arn_of(dest))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        task = env.sqs.list_message_move_tasks(SourceArn=arn_of(dlq))["Results"][0]
        if task["Status"] != "RUNNING":
            break
        time.sleep(0.2)
    assert task["Status"] == "FAILED" and "KmsNotFound" in task["FailureReason"], task
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert sorted(m["Body"] for m in receive_all(env.sqs, dest, 3)) == ["ok-1", "ok-2", "ok-3"]
    assert visible_count(env.sqs, dlq) == 1


def test_a_fifo_redrive_holds_back_the_group_of_a_message_it_cannot_move(env):
    """In a FIFO dead-letter queue a message the task cannot re-encrypt (its key disabled) holds
    back the rest of its group, so a later task still moves the group in order."""
    k1, k2 = cmk(env, "fifo dlq key 1"), cmk(env, "fifo dlq key 2")
    dlq = env.sqs.create_queue(QueueName=unique_name("holddlq") + ".fifo", Attributes={
        "FifoQueue": "true", "KmsMasterKeyId": k1["KeyId"]})["QueueUrl"]
    src = env.sqs.create_queue(QueueName=unique_name("holdsrc") + ".fifo", Attributes={
        "FifoQueue": "true", "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": 1})})["QueueUrl"]

    def dead_letter(body):
        env.sqs.send_message(QueueUrl=src, MessageBody=body, MessageGroupId="g", MessageDeduplicationId=body)
        for _ in range(10):
            env.sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)
            if visible_count(env.sqs, src) == 0 and visible_count(env.sqs, dlq) >= 1:
                return
        raise AssertionError("not dead-lettered")
    dead_letter("m1")
    env.sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"KmsMasterKeyId": k2["KeyId"]})
    dead_letter("m2")
    env.kms.disable_key(KeyId=k1["KeyId"])

    def run_task():
        env.sqs.start_message_move_task(SourceArn=arn_of(dlq))
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            task = env.sqs.list_message_move_tasks(SourceArn=arn_of(dlq))["Results"][0]
            if task["Status"] != "RUNNING":
                return task
            time.sleep(0.2)
        raise AssertionError("task still running")
    first = run_task()
    assert (first["Status"], first["ApproximateNumberOfMessagesMoved"]) == ("FAILED", 0), first
    assert "KmsDisabled" in first["FailureReason"]
    env.kms.enable_key(KeyId=k1["KeyId"])
    second = run_task()
    assert (second["Status"], second["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 2), second
    bodies = []
    for _ in range(4):
        for m in env.sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10).get("Messages", []):
            bodies.append(m["Body"])
            env.sqs.delete_message(QueueUrl=src, ReceiptHandle=m["ReceiptHandle"])
        if len(bodies) == 2:
            break
    assert bodies == ["m1", "m2"]


# --------------------------------------------------------------------------- rotation, caching, mode switches

def test_rotation_mid_stream_keeps_old_messages_readable(env):
    key = cmk(env)
    url = env.sqs.create_queue(QueueName=unique_name("sserot"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    for i in range(5):
        env.sqs.send_message(QueueUrl=url, MessageBody=f"before-{i}")
    env.kms.rotate_key_on_demand(KeyId=key["KeyId"])
    for i in range(5):
        env.sqs.send_message(QueueUrl=url, MessageBody=f"after-{i}")
    bodies = sorted(m["Body"] for m in receive_all(env.sqs, url, 10))
    assert bodies == sorted([f"before-{i}" for i in range(5)] + [f"after-{i}" for i in range(5)])
    assert len(env.kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]) == 1


def test_key_service_calls_follow_the_reuse_period_per_caller(env):
    key = cmk(env)
    url = env.sqs.create_queue(QueueName=unique_name("ssecount"), Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    generate0 = metric(env.daemon, "sealq_queue_key_uses_total", operation="GenerateDataKey")
    decrypt0 = metric(env.daemon, "sealq_queue_key_uses_total", operation="Decrypt")
    producer, producer2, consumer = env.client("producer"), env.client("producer2"), env.client("consumer")
    for i in range(30):
        producer.send_message(QueueUrl=url, MessageBody=f"p1-{i}")
    producer.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"b-{i}"} for i in range(10)])
    assert metric(env.daemon, "sealq_queue_key_uses_total", operation="GenerateDataKey") - generate0 == 1
    for i in range(10):
        producer2.send_message(QueueUrl=url, MessageBody=f"p2-{i}")
    assert metric(env.daemon, "sealq_queue_key_uses_total", operation="GenerateDataKey") - generate0 == 2
    # As on AWS, each producer's refresh is a GenerateDataKey and a Decrypt.
    assert metric(env.daemon, "sealq_queue_key_uses_total", operation="Decrypt") - decrypt0 == 2
    got = receive_all(consumer, url, 50)
    assert len(got) == 50
    # Two data keys (one per producer), each opened once by the consumer.
    assert metric(env.daemon, "sealq_queue_key_uses_total", operation="Decrypt") - decrypt0 == 4
    # SSE-SQS uses the queue service's own key: no calls on the account's keys.
    plain = env.sqs.create_queue(QueueName=unique_name("ssesqs"))["QueueUrl"]
    producer.send_message(QueueUrl=plain, MessageBody="x")
    receive_all(consumer, plain, 1)
    assert metric(env.daemon, "sealq_queue_key_uses_total", operation="GenerateDataKey") - generate0 == 2


def test_switching_sse_affects_new_messages_only(env):
    marker_off, marker_on = f"CLEAR-{uuid.uuid4().hex}", f"SEALED-{uuid.uuid4().hex}"
    url = env.sqs.create_queue(QueueName=unique_name("sseswitch"), Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    env.sqs.send_message(QueueUrl=url, MessageBody=marker_off)
    env.sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    env.sqs.send_message(QueueUrl=url, MessageBody=marker_on)
    rows = database_rows(env.daemon, "SELECT body, payload IS NOT NULL FROM messages WHERE body IN (?, ?) OR payload IS NOT NULL",
                         (marker_off, marker_on))
    assert (marker_off, 0) in rows, "the message sent with SSE off stays as it was"
    assert all(body != marker_on for body, _ in rows)
    assert sorted(m["Body"] for m in receive_all(env.sqs, url, 2)) == sorted([marker_off, marker_on])


# --------------------------------------------------------------------------- integrity

def test_a_ciphertext_copied_into_another_messages_row_does_not_open(tmp_path):
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName="copy")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="first secret")
    sqs.send_message(QueueUrl=url, MessageBody="second secret")
    d.stop()
    db = sqlite3.connect(os.path.join(d.data_dir, "sealq.sqlite"))
    (first, p1), (second, p2) = db.execute("SELECT seq, payload FROM messages ORDER BY seq").fetchall()
    db.execute("UPDATE messages SET payload = ? WHERE seq = ?", (p1, second))
    db.commit()
    db.close()
    d.start()
    try:
        sqs = make_client(d, retries={"max_attempts": 0})  # botocore would retry the 500 and hide it
        # The first message still opens; the second now holds the first's ciphertext and must not
        # (and, unreadable for good, stays in flight instead of blocking the queue).
        seen, failures = [], 0
        for _ in range(6):
            try:
                seen += [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=60).get("Messages", [])]
            except Exception as error:  # the receive of the tampered message fails
                failures += 1
                assert "first secret" not in str(error) and "InternalError" in str(error)
        assert seen == ["first secret"] and failures >= 1
        assert b"first secret" not in d.logs()
    finally:
        d.stop()


# --------------------------------------------------------------------------- nothing readable on disk

def test_no_plaintext_reaches_any_file_through_every_path(tmp_path):
    d = Daemon(str(tmp_path))
    d.start()
    sqs, kms = make_client(d), kms_client(d)
    tag = uuid.uuid4().hex
    markers = []

    def secret(kind):
        text = f"PLAINTEXT-{kind}-{tag}"
        markers.append(text.encode())
        return text

    def attributes(kind):
        binary = secret(f"binary-{kind}").encode()
        return {"Card": {"DataType": "String", "StringValue": secret(f"attr-{kind}")},
                "Amount": {"DataType": "Number.cents", "StringValue": "4111111111111111" + tag[:6].translate(str.maketrans("abcdef", "123456"))},
                "Blob": {"DataType": "Binary", "BinaryValue": binary}}

    key = kms.create_key(Description="scan")["KeyMetadata"]
    dlq_sqs = sqs.create_queue(QueueName="scan-dlq")["QueueUrl"]
    dlq_kms = sqs.create_queue(QueueName="scan-dlq-kms", Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
    source = sqs.create_queue(QueueName="scan-source", Attributes={
        "KmsMasterKeyId": key["Arn"], "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(dlq_sqs), "maxReceiveCount": "1"})})["QueueUrl"]
    other = sqs.create_queue(QueueName="scan-other", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(dlq_kms), "maxReceiveCount": "1"})})["QueueUrl"]
    fifo = sqs.create_queue(QueueName="scan.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    doomed = sqs.create_queue(QueueName="scan-doomed")["QueueUrl"]
    purged = sqs.create_queue(QueueName="scan-purged", Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]

    # send and batch, with attributes and a trace header
    md5s = []
    for i in range(3):
        r = sqs.send_message(QueueUrl=source, MessageBody=secret(f"send-{i}"), MessageAttributes=attributes(f"send-{i}"),
                             MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-" + tag[:8] + "-" + tag[8:32]}})
        md5s.append(r["MD5OfMessageBody"])
    sqs.send_message_batch(QueueUrl=source, Entries=[
        {"Id": str(i), "MessageBody": secret(f"batch-{i}"), "MessageAttributes": attributes(f"batch-{i}")} for i in range(4)])
    sqs.send_message_batch(QueueUrl=other, Entries=[{"Id": str(i), "MessageBody": secret(f"other-{i}")} for i in range(3)])
    for i in range(3):
        body = secret(f"fifo-{i}")
        sqs.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId="g")
        # Content-based deduplication must not store the body's SHA-256 either: it confirms a guess.
        markers.append(hashlib.sha256(body.encode()).hexdigest().encode())
    for q in (doomed, purged):
        sqs.send_message(QueueUrl=q, MessageBody=secret("doomed" if q == doomed else "purged"), MessageAttributes=attributes(q[-6:]))

    # receive (with a visibility change), then receive again: every source message moves to its DLQ
    got = receive_all(sqs, source, 7, visibility=1)
    assert len(got) == 7 and all(m["MessageAttributes"]["Card"]["StringValue"].startswith("PLAINTEXT-attr-") for m in got[:1] + got[-1:])
    sqs.change_message_visibility_batch(QueueUrl=source, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for i, m in enumerate(got[:5])])
    receive_all(sqs, other, 3, visibility=0)
    time.sleep(1.2)
    for q in (source, other):
        assert sqs.receive_message(QueueUrl=q, WaitTimeSeconds=1).get("Messages", []) == []
    moved = receive_all(sqs, dlq_sqs, 7, visibility=0)
    assert sorted(m["Body"] for m in moved) == sorted(m["Body"] for m in got)
    assert sorted(m["Body"] for m in receive_all(sqs, dlq_kms, 3, visibility=0)) == [f"PLAINTEXT-other-{i}-{tag}" for i in range(3)]

    # redrive the SSE-SQS DLQ back to its KMS-encrypted source
    task = sqs.start_message_move_task(SourceArn=arn_of(dlq_sqs))["TaskHandle"]
    assert task
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        tasks = sqs.list_message_move_tasks(SourceArn=arn_of(dlq_sqs))["Results"]
        if tasks and tasks[0]["Status"] == "COMPLETED":
            break
        time.sleep(0.3)
    assert tasks[0]["Status"] == "COMPLETED", tasks

    # FIFO receive and delete, purge, queue deletion
    for m in receive_all(sqs, fifo, 3):
        sqs.delete_message(QueueUrl=fifo, ReceiptHandle=m["ReceiptHandle"])
    sqs.purge_queue(QueueUrl=purged)
    sqs.delete_queue(QueueUrl=doomed)
    running = files_containing(d.data_dir, markers)
    assert running == {}, f"plaintext on disk while running: {running}"

    # restart: everything still readable, then scan again after the shutdown checkpoint
    d.stop()
    d.start()
    sqs = make_client(d)
    back = receive_all(sqs, source, 7)
    assert sorted(m["Body"] for m in back) == sorted(m["Body"] for m in got)
    assert sorted(m["MD5OfBody"] for m in back if m["Body"].startswith("PLAINTEXT-send-")) == sorted(md5s)
    d.stop()
    found = files_containing(str(tmp_path), markers)
    assert found == {}, f"plaintext on disk: {found}"


def test_a_body_hash_redriven_into_an_encrypted_fifo_queue_is_not_stored(tmp_path):
    """A content-based id comes from an SSE-off FIFO dead-letter queue as the body's SHA-256; moved
    back into an encrypted queue, it is derived from the body again rather than stored there."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs = make_client(d)
        fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
        dlq = sqs.create_queue(QueueName="plain-dlq.fifo", Attributes=dict(fifo, SqsManagedSseEnabled="false"))["QueueUrl"]
        source = sqs.create_queue(QueueName="sealed-source.fifo", Attributes=dict(fifo, RedrivePolicy=json.dumps(
            {"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": "1"})))["QueueUrl"]
        body = f"redriven {uuid.uuid4().hex}"
        digest = hashlib.sha256(body.encode()).hexdigest()
        sqs.send_message(QueueUrl=dlq, MessageBody=body, MessageGroupId="g")
        sqs.start_message_move_task(SourceArn=arn_of(dlq), DestinationArn=arn_of(source))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and attrs(sqs, source, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"] != "1":
            time.sleep(0.2)
        db = sqlite3.connect(f"file:{d.data_dir}/sealq.sqlite?mode=ro", uri=True)
        stored = [row[0] for row in db.execute("SELECT deduplication_id FROM messages")]
        db.close()
        assert stored == [""], stored
        got = sqs.receive_message(QueueUrl=source, MessageSystemAttributeNames=["MessageDeduplicationId"])["Messages"]
        assert [(m["Body"], m["Attributes"]["MessageDeduplicationId"]) for m in got] == [(body, digest)]
    finally:
        d.stop()


def test_a_senders_own_deduplication_id_is_sealed_with_its_message(tmp_path):
    """An explicit MessageDeduplicationId may be derived from the body (an MD5, a SHA-256 in
    capitals): on an encrypted FIFO queue it is sealed with the payload, not stored beside it,
    and still answered on receive, deduplicated, and opened for an SSE-off dead-letter queue."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs = make_client(d)
        dlq = sqs.create_queue(QueueName="plain-dlq.fifo", Attributes={"FifoQueue": "true", "SqsManagedSseEnabled": "false"})["QueueUrl"]
        source = sqs.create_queue(QueueName="sealed-ids.fifo", Attributes={"FifoQueue": "true", "RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": arn_of(dlq), "maxReceiveCount": "1"})})["QueueUrl"]
        body = f"verdict: positive {uuid.uuid4().hex}"
        chosen = hashlib.sha256(body.encode()).hexdigest().upper()
        first = sqs.send_message(QueueUrl=source, MessageBody=body, MessageGroupId="g", MessageDeduplicationId=chosen)
        again = sqs.send_message(QueueUrl=source, MessageBody=body, MessageGroupId="g", MessageDeduplicationId=chosen)
        assert again["MessageId"] == first["MessageId"]
        db = sqlite3.connect(f"file:{d.data_dir}/sealq.sqlite?mode=ro", uri=True)
        stored = [row[0] for row in db.execute("SELECT deduplication_id FROM messages")]
        db.close()
        assert stored == ["\x01"], stored
        assert files_containing(d.data_dir, [chosen.encode(), chosen.lower().encode()]) == {}
        got = sqs.receive_message(QueueUrl=source, MessageSystemAttributeNames=["MessageDeduplicationId"],
                                  VisibilityTimeout=0)["Messages"]
        assert [(m["Body"], m["Attributes"]["MessageDeduplicationId"]) for m in got] == [(body, chosen)]
        # The second receive moves it to the dead-letter queue, opened and stored as SSE-off stores it.
        assert sqs.receive_message(QueueUrl=source, WaitTimeSeconds=1).get("Messages", []) == []
        moved = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["MessageDeduplicationId"], WaitTimeSeconds=2)["Messages"]
        assert [m["Body"] for m in moved] == [body]
    finally:
        d.stop()


# --------------------------------------------------------------------------- crypto-shredding

def test_purge_and_queue_deletion_destroy_the_space_key_in_every_file(tmp_path):
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    purged = sqs.create_queue(QueueName="shred-purge")["QueueUrl"]
    deleted = sqs.create_queue(QueueName="shred-delete")["QueueUrl"]
    for url in (purged, deleted):
        for i in range(20):
            sqs.send_message(QueueUrl=url, MessageBody=f"to be shredded {i}")

    def space_key(name):
        (key,), = database_rows(d, "SELECT s.space_key FROM queues q JOIN message_spaces s ON s.id = q.message_space WHERE q.name = ?", (name,))
        return bytes(key)

    old_keys = {space_key("shred-purge"), space_key("shred-delete")}
    assert all(len(k) > 32 for k in old_keys) and len(old_keys) == 2
    sqs.purge_queue(QueueUrl=purged)
    sqs.delete_queue(QueueUrl=deleted)
    assert space_key("shred-purge") not in old_keys
    sqs.send_message(QueueUrl=purged, MessageBody="after the purge")
    # The key is gone from the database and, once the log is emptied, from every file.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and files_containing(d.data_dir, old_keys):
        time.sleep(0.2)
    assert files_containing(d.data_dir, old_keys) == {}
    assert [m["Body"] for m in receive_all(sqs, purged, 1)] == ["after the purge"]
    retired = database_rows(d, "SELECT COUNT(*) FROM message_spaces WHERE retired_at IS NOT NULL AND space_key IS NOT NULL")
    assert retired == [(0,)]
    d.stop()
    assert files_containing(str(tmp_path), old_keys) == {}


def test_a_shredded_space_key_does_not_survive_a_kill_in_the_log(tmp_path):
    """A daemon killed right after deleting a queue may not have truncated its write-ahead log,
    whose older frames still hold the queue's space key; the next start truncates it before it
    serves, so the key is in no file once the daemon answers again."""
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName="shred-then-kill")["QueueUrl"]
    for i in range(30):
        sqs.send_message(QueueUrl=url, MessageBody=f"to be shredded {i}")
    (key,), = database_rows(d, "SELECT s.space_key FROM queues q JOIN message_spaces s ON s.id = q.message_space WHERE q.name = ?",
                            ("shred-then-kill",))
    sqs.delete_queue(QueueUrl=url)
    d.kill()
    d.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and files_containing(d.data_dir, {bytes(key)}):
            time.sleep(0.1)
        assert files_containing(d.data_dir, {bytes(key)}) == {}
    finally:
        d.stop()


def test_a_revoked_grant_reaches_cached_data_keys_at_once(env):
    """A producer and a consumer whose only right to a queue's key is a grant lose it as soon as
    the grant is revoked, even within the data key reuse period, as they do when a new key
    policy takes it away: revoking a grant drops the data keys cached under it."""
    admin_only = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user_arn("admin")}, "Action": "kms:*", "Resource": "*"}]}
    key = env.kms.create_key(Policy=json.dumps(admin_only))["KeyMetadata"]["KeyId"]
    grants = [env.kms.create_grant(KeyId=key, GranteePrincipal=user_arn(name), Operations=operations)["GrantId"]
              for name, operations in (("producer", ["GenerateDataKey", "Decrypt"]), ("consumer", ["Decrypt"]))]
    url = env.sqs.create_queue(QueueName=unique_name("grant-cache"), Attributes={
        "KmsMasterKeyId": key, "KmsDataKeyReusePeriodSeconds": "86400"})["QueueUrl"]
    producer, consumer = env.client("producer"), env.client("consumer")
    producer.send_message(QueueUrl=url, MessageBody="while granted")
    assert [m["Body"] for m in receive_all(consumer, url, 1)] == ["while granted"]
    producer.send_message(QueueUrl=url, MessageBody="sent before the revocation")
    for grant in grants:
        env.kms.revoke_grant(KeyId=key, GrantId=grant)
    with pytest.raises(ClientError) as send:
        producer.send_message(QueueUrl=url, MessageBody="after")
    assert send.value.response["Error"]["Code"] == "KMS.AccessDeniedException"
    with pytest.raises(ClientError) as receive:
        consumer.receive_message(QueueUrl=url)
    assert receive.value.response["Error"]["Code"] == "KMS.AccessDeniedException"
