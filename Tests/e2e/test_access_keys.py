"""IAM's access key API on the daemon: CreateAccessKey, ListAccessKeys, UpdateAccessKey and
DeleteAccessKey over the Query protocol, driven by boto3 and the aws CLI. Every change acts on
the next signed call, is authorized like any IAM call, and lands in the audit log without the
secret."""

import csv
import datetime
import io
import glob
import gzip
import json
import os
import shutil
import subprocess
import time
import urllib.parse

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import ADMIN_KEY, ADMIN_SECRET, REPO_POLICIES, Daemon, principals_cli, run_sealq, user_arn

AWS = shutil.which("aws")
# Not us-east-1, so that IAM's records can be seen to name us-east-1 as CloudTrail's do.
REGION = "eu-west-2"

# A user allowed to manage its own keys only, as AWS's example policy for self-rotation does.
# IAM's calls are made to us-east-1 whatever the daemon's region (aws:RequestedRegion).
ROTATE_OWN_KEYS = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": ["iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey",
                   "iam:GetAccessKeyLastUsed"],
        "Resource": "arn:aws:iam::*:user/${aws:username}",
        "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
    }],
}


# Every access key call on every user, except on users tagged team=partner (IAM's user tags, by
# either condition key IAM documents for them).
KEYS_BUT_NOT_PARTNERS = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "partner"}}},
        {"Effect": "Deny", "Action": "iam:ListAccessKeys", "Resource": "*",
         "Condition": {"StringEquals": {"iam:ResourceTag/team": "partner"}}},
    ],
}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    base = tmp_path_factory.mktemp("sealq-access-keys")
    policies = str(base / "policies")
    shutil.copytree(REPO_POLICIES, policies)
    with open(os.path.join(policies, "rotate-own-keys.json"), "w") as f:
        json.dump(ROTATE_OWN_KEYS, f)
    with open(os.path.join(policies, "keys-but-not-partners.json"), "w") as f:
        json.dump(KEYS_BUT_NOT_PARTNERS, f)
    with open(os.path.join(policies, "principals.json")) as f:
        principals = json.load(f)
    principals["Users"] += [{"Name": "rotator", "Policies": ["rotate-own-keys"]},
                            {"Name": "keyadmin", "Policies": ["keys-but-not-partners"]},
                            {"Name": "team.lead@example", "Path": "/staff/"}]
    with open(os.path.join(policies, "principals.json"), "w") as f:
        json.dump(principals, f)
    d = Daemon(str(base), policies_dir=policies, extra_args=["--region", REGION])
    d.start()
    d.secrets = []
    yield d
    d.stop()


def client(d, service, key=ADMIN_KEY, secret=ADMIN_SECRET):
    return boto3.session.Session().client(
        service, endpoint_url=d.url, region_name=REGION, aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30))


def error_of(fn, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    r = ei.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"].get("Message", "")


def create(d, iam, **kw):
    key = iam.create_access_key(**kw)["AccessKey"]
    d.secrets.append(key["SecretAccessKey"])
    return key


def identity(d, key):
    return client(d, "sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()["Arn"]


def refused_as_invalid_token(d, key):
    code, status, _ = error_of(client(d, "sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity)
    return (code, status) == ("InvalidClientTokenId", 403)


def raw_iam(d, params, key=ADMIN_KEY, secret=ADMIN_SECRET):
    """A Query call to IAM signed as botocore signs one, bypassing its client-side validation."""
    body = urllib.parse.urlencode({"Version": "2010-05-08", **params}).encode()
    req = AWSRequest(method="POST", url=d.url + "/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(key, secret), "iam", REGION).add_auth(req)
    prep = req.prepare()
    return requests.post(prep.url, headers=dict(prep.headers.items()), data=prep.body, timeout=30)


def iam_events(d, name):
    """The CloudTrail records of IAM calls named `name`, newest first."""
    ct = client(d, "cloudtrail")
    events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}],
                              MaxResults=50)["Events"]
    return [json.loads(e["CloudTrailEvent"]) for e in events if e["EventSource"] == "iam.amazonaws.com"]


def test_a_key_made_through_the_api_signs_calls_at_once_and_lists_without_its_secret(env):
    iam = client(env, "iam")
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    key = create(env, iam, UserName="producer")
    assert key["UserName"] == "producer" and key["Status"] == "Active"
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40
    assert before <= key["CreateDate"] <= datetime.datetime.now(datetime.timezone.utc)
    assert identity(env, key) == user_arn("producer")

    listed = iam.list_access_keys(UserName="producer")
    assert listed["IsTruncated"] is False
    entry = next(k for k in listed["AccessKeyMetadata"] if k["AccessKeyId"] == key["AccessKeyId"])
    assert set(entry) == {"UserName", "AccessKeyId", "Status", "CreateDate"}
    assert entry["CreateDate"] == key["CreateDate"]
    # The CLI reads the same store.
    cli = json.loads(principals_cli("list", "producer", data_dir=env.data_dir).stdout)["AccessKeyMetadata"]
    assert key["AccessKeyId"] in [k["AccessKeyId"] for k in cli]
    iam.delete_access_key(UserName="producer", AccessKeyId=key["AccessKeyId"])


def test_disabled_and_deleted_keys_are_refused_on_the_next_call(env):
    iam = client(env, "iam")
    key = create(env, iam, UserName="consumer")
    assert identity(env, key) == user_arn("consumer")
    iam.update_access_key(UserName="consumer", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert refused_as_invalid_token(env, key)
    assert [k["Status"] for k in iam.list_access_keys(UserName="consumer")["AccessKeyMetadata"]
            if k["AccessKeyId"] == key["AccessKeyId"]] == ["Inactive"]
    iam.update_access_key(UserName="consumer", AccessKeyId=key["AccessKeyId"], Status="Active")
    assert identity(env, key) == user_arn("consumer")
    iam.delete_access_key(UserName="consumer", AccessKeyId=key["AccessKeyId"])
    assert refused_as_invalid_token(env, key)
    assert key["AccessKeyId"] not in [k["AccessKeyId"] for k in iam.list_access_keys(UserName="consumer")["AccessKeyMetadata"]]
    assert error_of(iam.delete_access_key, UserName="consumer", AccessKeyId=key["AccessKeyId"]) == (
        "NoSuchEntity", 404, f"The Access Key with id {key['AccessKeyId']} cannot be found.")


def test_a_key_is_found_only_under_its_own_user(env):
    iam = client(env, "iam")
    key = create(env, iam, UserName="producer")
    for call, extra in ((iam.update_access_key, {"Status": "Inactive"}), (iam.delete_access_key, {})):
        assert error_of(call, UserName="consumer", AccessKeyId=key["AccessKeyId"], **extra) == (
            "NoSuchEntity", 404, f"The Access Key with id {key['AccessKeyId']} cannot be found.")
        # Without UserName the admin acts on its own keys, which this is not.
        assert error_of(call, AccessKeyId=key["AccessKeyId"], **extra)[0] == "NoSuchEntity"
    assert identity(env, key) == user_arn("producer"), "the refused calls changed nothing"
    iam.delete_access_key(UserName="producer", AccessKeyId=key["AccessKeyId"])


def test_users_hold_at_most_two_keys_and_the_admins_fixed_key_counts(env):
    iam = client(env, "iam")
    first = create(env, iam, UserName="partner")
    second = create(env, iam, UserName="partner")
    assert error_of(iam.create_access_key, UserName="partner") == (
        "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
    iam.delete_access_key(UserName="partner", AccessKeyId=first["AccessKeyId"])
    third = create(env, iam, UserName="partner")
    assert {k["AccessKeyId"] for k in iam.list_access_keys(UserName="partner")["AccessKeyMetadata"]} == {
        second["AccessKeyId"], third["AccessKeyId"]}

    # The admin's key comes from its credentials file: listed, counted, never changed here.
    own = iam.list_access_keys()["AccessKeyMetadata"]
    assert [(k["UserName"], k["AccessKeyId"], k["Status"]) for k in own] == [("admin", ADMIN_KEY, "Active")]
    extra = create(env, iam)
    assert extra["UserName"] == "admin"
    assert error_of(iam.create_access_key)[:2] == ("LimitExceeded", 409)
    for call, kw in ((iam.update_access_key, {"Status": "Inactive"}), (iam.delete_access_key, {})):
        code, status, message = error_of(call, AccessKeyId=ADMIN_KEY, **kw)
        assert (code, status) == ("UnmodifiableEntity", 400) and "admin-credentials" in message
    assert client(env, "sts").get_caller_identity()["Arn"] == user_arn("admin")
    iam.delete_access_key(AccessKeyId=extra["AccessKeyId"])
    for key in (second, third):
        iam.delete_access_key(UserName="partner", AccessKeyId=key["AccessKeyId"])


def test_listing_pages_with_markers_bound_to_their_user(env):
    iam = client(env, "iam")
    keys = sorted((create(env, iam, UserName="producer") for _ in range(2)), key=lambda k: k["AccessKeyId"])
    page = iam.list_access_keys(UserName="producer", MaxItems=1)
    assert page["IsTruncated"] is True and [k["AccessKeyId"] for k in page["AccessKeyMetadata"]] == [keys[0]["AccessKeyId"]]
    rest = iam.list_access_keys(UserName="producer", MaxItems=1, Marker=page["Marker"])
    assert rest["IsTruncated"] is False and "Marker" not in rest
    assert [k["AccessKeyId"] for k in rest["AccessKeyMetadata"]] == [keys[1]["AccessKeyId"]]
    assert error_of(iam.list_access_keys, UserName="consumer", Marker=page["Marker"])[:2] == ("InvalidInput", 400)
    paginated = [k["AccessKeyId"] for p in iam.get_paginator("list_access_keys").paginate(
        UserName="producer", PaginationConfig={"PageSize": 1}) for k in p["AccessKeyMetadata"]]
    assert paginated == [k["AccessKeyId"] for k in keys]
    for key in keys:
        iam.delete_access_key(UserName="producer", AccessKeyId=key["AccessKeyId"])


def test_users_manage_their_own_keys_under_a_policy_variable_and_nobody_elses(env):
    admin = client(env, "iam")
    bootstrap = create(env, admin, UserName="rotator")
    own = client(env, "iam", bootstrap["AccessKeyId"], bootstrap["SecretAccessKey"])
    # Rotation by the user itself: a second key, the first disabled, then deleted.
    fresh = create(env, own)
    assert fresh["UserName"] == "rotator"
    assert {k["AccessKeyId"] for k in own.list_access_keys()["AccessKeyMetadata"]} == {
        bootstrap["AccessKeyId"], fresh["AccessKeyId"]}
    rotated = client(env, "iam", fresh["AccessKeyId"], fresh["SecretAccessKey"])
    rotated.update_access_key(AccessKeyId=bootstrap["AccessKeyId"], Status="Inactive")
    assert refused_as_invalid_token(env, bootstrap)
    rotated.delete_access_key(AccessKeyId=bootstrap["AccessKeyId"])

    arn = user_arn("producer")
    for call, kw in ((rotated.create_access_key, {}), (rotated.list_access_keys, {})):
        assert error_of(call, UserName="producer", **kw) == (
            "AccessDenied", 403,
            f"User: {user_arn('rotator')} is not authorized to perform: iam:{call.__name__.title().replace('_', '')} on resource: {arn}")
    # Asking about a user that does not exist is refused before it is looked up.
    assert error_of(rotated.list_access_keys, UserName="ghost")[:2] == ("AccessDenied", 403)
    assert error_of(admin.list_access_keys, UserName="ghost") == (
        "NoSuchEntity", 404, "The user with name ghost cannot be found.")
    # Without iam:* at all, a user may not even list its own keys.
    producer_key = create(env, admin, UserName="producer")
    producer = client(env, "iam", producer_key["AccessKeyId"], producer_key["SecretAccessKey"])
    assert error_of(producer.list_access_keys)[:2] == ("AccessDenied", 403)
    admin.delete_access_key(UserName="producer", AccessKeyId=producer_key["AccessKeyId"])
    admin.delete_access_key(UserName="rotator", AccessKeyId=fresh["AccessKeyId"])


def test_the_target_users_tags_are_condition_keys(env):
    admin = client(env, "iam")
    own = create(env, admin, UserName="keyadmin")
    keyadmin = client(env, "iam", own["AccessKeyId"], own["SecretAccessKey"])
    made = create(env, keyadmin, UserName="producer")
    assert [k["AccessKeyId"] for k in keyadmin.list_access_keys(UserName="producer")["AccessKeyMetadata"]] == [made["AccessKeyId"]]
    assert error_of(keyadmin.create_access_key, UserName="partner")[:2] == ("AccessDenied", 403)
    assert error_of(keyadmin.list_access_keys, UserName="partner")[:2] == ("AccessDenied", 403)
    keyadmin.delete_access_key(UserName="producer", AccessKeyId=made["AccessKeyId"])
    admin.delete_access_key(UserName="keyadmin", AccessKeyId=own["AccessKeyId"])


def test_no_key_is_made_or_changed_while_access_control_is_off(tmp_path):
    d = Daemon(str(tmp_path), policies_dir=REPO_POLICIES, extra_args=["--region", REGION, "--insecure-skip-auth"])
    d.start()
    try:
        anyone = client(d, "iam", "AKIAWHOEVERWHOEVER00", "not-checked")
        assert error_of(anyone.create_access_key, UserName="admin") == (
            "AccessDenied", 403, "Access keys cannot be created or changed while access control is off (--insecure-skip-auth).")
        assert error_of(anyone.delete_access_key, AccessKeyId=ADMIN_KEY)[:2] == ("AccessDenied", 403)
        assert [k["AccessKeyId"] for k in anyone.list_access_keys()["AccessKeyMetadata"]] == [ADMIN_KEY]
        assert not os.path.exists(os.path.join(d.data_dir, "access-keys.json"))
    finally:
        d.stop()


def test_iam_signed_for_us_east_1_as_aws_requires_is_accepted_beside_the_daemons_region(env):
    global_iam = boto3.session.Session().client(
        "iam", endpoint_url=env.url, region_name="us-east-1", aws_access_key_id=ADMIN_KEY, aws_secret_access_key=ADMIN_SECRET,
        config=Config(retries={"max_attempts": 1}))
    assert global_iam.get_user()["User"]["UserName"] == "admin"
    wrong = boto3.session.Session().client(
        "sts", endpoint_url=env.url, region_name="us-east-1", aws_access_key_id=ADMIN_KEY, aws_secret_access_key=ADMIN_SECRET,
        config=Config(retries={"max_attempts": 1}))
    assert error_of(wrong.get_caller_identity)[0] == "SignatureDoesNotMatch"


def test_user_names_with_punctuation_and_paths_work(env):
    iam = client(env, "iam")
    key = create(env, iam, UserName="team.lead@example")
    assert identity(env, key) == user_arn("team.lead@example", path="/staff/")
    iam.delete_access_key(UserName="team.lead@example", AccessKeyId=key["AccessKeyId"])


def test_a_role_session_must_name_the_user_and_roles_have_no_api_keys(env):
    p = principals_cli("create-access-key", "queue-reader", data_dir=env.data_dir, policies_dir=env.policies_dir)
    role_key = json.loads(p.stdout)["AccessKey"]
    role = client(env, "iam", role_key["AccessKeyId"], role_key["SecretAccessKey"])
    assert error_of(role.list_access_keys) == (
        "ValidationError", 400, "Must specify userName when calling with non-User credentials")
    assert error_of(client(env, "iam").list_access_keys, UserName="queue-reader")[:2] == ("NoSuchEntity", 404)
    principals_cli("delete", role_key["AccessKeyId"], data_dir=env.data_dir)


@pytest.mark.parametrize("params,code,fragment", [
    ({"Action": "CreateAccessKey", "UserName": "bad name"}, "ValidationError",
     "Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
    ({"Action": "CreateAccessKey", "UserName": "u" * 129}, "ValidationError",
     "at 'userName' failed to satisfy constraint: Member must have length less than or equal to 128"),
    ({"Action": "DeleteAccessKey"}, "ValidationError",
     "Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null"),
    ({"Action": "DeleteAccessKey", "AccessKeyId": "AKIASHORT"}, "ValidationError",
     "Member must have length greater than or equal to 16"),
    ({"Action": "DeleteAccessKey", "AccessKeyId": "AKIA-NOT-A-WORD-ID"}, "ValidationError",
     "Member must satisfy regular expression pattern: [\\w]+"),
    ({"Action": "UpdateAccessKey", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA", "Status": "Paused"}, "ValidationError",
     "Member must satisfy enum value set: [Active, Inactive, Expired]"),
    ({"Action": "UpdateAccessKey", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA"}, "ValidationError",
     "Value null at 'status' failed to satisfy constraint: Member must not be null"),
    ({"Action": "UpdateAccessKey", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA", "Status": "Expired"}, "InvalidInput",
     "Active or Inactive"),
    ({"Action": "ListAccessKeys", "MaxItems": "0"}, "ValidationError",
     "Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"),
    ({"Action": "ListAccessKeys", "MaxItems": "many"}, "ValidationError", "Member must be an integer"),
    ({"Action": "ListAccessKeys", "Marker": "bm90IG91cnM="}, "InvalidInput", "Invalid Marker."),
])
def test_bad_input_gets_iams_errors(env, params, code, fragment):
    r = raw_iam(env, params)
    assert r.status_code == 400, r.text
    assert f"<Code>{code}</Code>" in r.text and fragment in r.text.replace("&apos;", "'"), r.text
    assert "https://iam.amazonaws.com/doc/2010-05-08/" in r.text


def test_the_aws_cli_creates_lists_and_deletes_keys(env):
    cli_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    cli_env.update(AWS_ACCESS_KEY_ID=ADMIN_KEY, AWS_SECRET_ACCESS_KEY=ADMIN_SECRET, AWS_DEFAULT_REGION=REGION,
                   AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_PAGER="")

    def aws(*args):
        p = subprocess.run([AWS, "iam", *args, "--endpoint-url", env.url, "--output", "json"], capture_output=True,
                           text=True, timeout=60, env=cli_env, stdin=subprocess.DEVNULL)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout) if p.stdout.strip() else None

    key = aws("create-access-key", "--user-name", "consumer")["AccessKey"]
    env.secrets.append(key["SecretAccessKey"])
    assert identity(env, key) == user_arn("consumer")
    listed = aws("list-access-keys", "--user-name", "consumer")["AccessKeyMetadata"]
    assert key["AccessKeyId"] in [k["AccessKeyId"] for k in listed]
    aws("update-access-key", "--user-name", "consumer", "--access-key-id", key["AccessKeyId"], "--status", "Inactive")
    assert refused_as_invalid_token(env, key)
    aws("delete-access-key", "--user-name", "consumer", "--access-key-id", key["AccessKeyId"])
    assert key["AccessKeyId"] not in [k["AccessKeyId"] for k in aws("list-access-keys", "--user-name", "consumer")["AccessKeyMetadata"]]


def test_last_use_is_read_from_the_audit_log_to_the_minute(env):
    admin = client(env, "iam")
    key = create(env, admin, UserName="rotator")
    assert admin.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"] == {
        "ServiceName": "N/A", "Region": "N/A"}

    def last_use():
        answer = admin.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        assert answer["UserName"] == "rotator"
        return answer["AccessKeyLastUsed"]

    before = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    assert identity(env, key) == user_arn("rotator")
    used = last_use()
    assert (used["ServiceName"], used["Region"]) == ("sts", REGION)
    assert used["LastUsedDate"].second == 0 and before <= used["LastUsedDate"] <= datetime.datetime.now(datetime.timezone.utc)
    # A refused call is still a use of the key; IAM's calls are in us-east-1, as CloudTrail records them.
    own = client(env, "iam", key["AccessKeyId"], key["SecretAccessKey"])
    assert error_of(own.list_access_keys, UserName="producer")[:2] == ("AccessDenied", 403)
    assert (last_use()["ServiceName"], last_use()["Region"]) == ("iam", "us-east-1")
    # A signature made without the secret is no use of the key.
    forged = client(env, "kms", key["AccessKeyId"], "x" * 40)
    assert error_of(forged.list_keys)[:2] == ("InvalidSignatureException", 400)
    assert last_use()["ServiceName"] == "iam"
    # Users may look at their own keys only; a key nobody holds is NoSuchEntity.
    assert own.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["UserName"] == "rotator"
    assert error_of(own.get_access_key_last_used, AccessKeyId=ADMIN_KEY) == (
        "AccessDenied", 403,
        f"User: {user_arn('rotator')} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: {user_arn('admin')}")
    assert error_of(own.get_access_key_last_used, AccessKeyId="AKIAUNKNOWNUNKNOWN00")[:2] == ("AccessDenied", 403)
    assert error_of(admin.get_access_key_last_used, AccessKeyId="AKIAUNKNOWNUNKNOWN00") == (
        "NoSuchEntity", 404, "The Access Key with id AKIAUNKNOWNUNKNOWN00 cannot be found.")
    assert admin.get_access_key_last_used(AccessKeyId=ADMIN_KEY)["AccessKeyLastUsed"]["ServiceName"] == "iam"
    admin.delete_access_key(UserName="rotator", AccessKeyId=key["AccessKeyId"])


def test_every_change_is_in_the_audit_log_and_no_secret_is_anywhere(env, tmp_path):
    iam = client(env, "iam")
    key = create(env, iam, UserName="consumer")
    iam.update_access_key(UserName="consumer", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    iam.delete_access_key(UserName="consumer", AccessKeyId=key["AccessKeyId"])
    error_of(iam.create_access_key, UserName="ghost")

    created = next(e for e in iam_events(env, "CreateAccessKey")
                   if (e.get("responseElements") or {}).get("accessKey", {}).get("accessKeyId") == key["AccessKeyId"])
    assert created["eventSource"] == "iam.amazonaws.com" and created["awsRegion"] == "us-east-1"
    assert created["readOnly"] is False and created["eventCategory"] == "Management"
    assert created["userIdentity"]["arn"] == user_arn("admin") and created["userIdentity"]["accessKeyId"] == ADMIN_KEY
    assert created["requestParameters"] == {"userName": "consumer"}
    assert created["responseElements"]["accessKey"] == {
        "accessKeyId": key["AccessKeyId"], "status": "Active", "userName": "consumer",
        # As IAM's CloudTrail records write it: "Nov 27, 2026 9:05:03 AM" (UTC).
        "createDate": f'{key["CreateDate"].strftime("%b")} {key["CreateDate"].day}, {key["CreateDate"].year} '
                      f'{key["CreateDate"].hour % 12 or 12}:{key["CreateDate"].strftime("%M:%S %p")}'}
    updated = [e for e in iam_events(env, "UpdateAccessKey")
               if (e.get("requestParameters") or {}).get("accessKeyId") == key["AccessKeyId"]]
    assert [e["requestParameters"] for e in updated] == [
        {"accessKeyId": key["AccessKeyId"], "status": "Inactive", "userName": "consumer"}]
    assert updated[0]["responseElements"] is None and "errorCode" not in updated[0]
    deleted = [e for e in iam_events(env, "DeleteAccessKey")
               if (e.get("requestParameters") or {}).get("accessKeyId") == key["AccessKeyId"]]
    assert [e["requestParameters"] for e in deleted] == [{"accessKeyId": key["AccessKeyId"], "userName": "consumer"}]
    refused = [e for e in iam_events(env, "CreateAccessKey") if e.get("requestParameters") == {"userName": "ghost"}]
    assert refused and refused[0]["errorCode"] == "NoSuchEntity" and refused[0]["responseElements"] is None
    listed = iam_events(env, "ListAccessKeys")
    assert listed and all(e["readOnly"] is True for e in listed)
    # Each names the user whose keys it is about, so LookupEvents finds a user's key history.
    assert created["resources"] == [{"ARN": user_arn("consumer"), "accountId": "000000000000", "type": "AWS::IAM::User"}]
    history = client(env, "cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": "consumer"}], MaxResults=50)["Events"]
    names = [e["EventName"] for e in history if key["AccessKeyId"] in e["CloudTrailEvent"]]
    assert names == ["DeleteAccessKey", "UpdateAccessKey", "CreateAccessKey"]
    assert all(r["ResourceType"] == "AWS::IAM::User" for e in history for r in e["Resources"])

    # No secret made in this module is in the log, the export, the daemon's output or its files.
    # An export holds what signed checkpoints cover: exported again until the next one does.
    deadline = time.monotonic() + 15
    for attempt in range(100):
        out = tmp_path / f"export-{attempt}"
        assert run_sealq("audit", "export", str(out), "--data-dir", env.data_dir).returncode == 0
        exported = b"".join(gzip.open(p).read() for p in glob.glob(str(out / "**" / "*.json.gz"), recursive=True))
        if (key["AccessKeyId"].encode() in exported and b"ghost" in exported) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert key["AccessKeyId"].encode() in exported and b"ghost" in exported
    stored = b""
    for path in glob.glob(os.path.join(env.data_dir, "**"), recursive=True):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                stored += f.read()
    assert env.secrets  # every secret this module was shown (this test's own at least)
    for secret in env.secrets:
        assert secret.encode() not in exported
        assert secret.encode() not in env.logs()
        assert secret.encode() not in stored
    verify = run_sealq("audit", "verify", "--data-dir", env.data_dir)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_the_credential_report_lists_every_user_with_its_keys_and_their_last_use(env, tmp_path):
    d = Daemon(str(tmp_path), policies_dir=env.policies_dir, extra_args=["--region", REGION])
    d.start()
    try:
        iam = client(d, "iam")
        assert error_of(iam.get_credential_report) == (
            "ReportNotPresent", 410, "No credential report exists. Call GenerateCredentialReport to generate one.")
        used = iam.create_access_key(UserName="producer")["AccessKey"]
        idle = iam.create_access_key(UserName="producer")["AccessKey"]
        iam.update_access_key(UserName="producer", AccessKeyId=idle["AccessKeyId"], Status="Inactive")
        assert identity(d, used) == user_arn("producer")
        odd = iam.create_access_key(UserName="team.lead@example")["AccessKey"]

        assert iam.generate_credential_report()["State"] == "COMPLETE"
        report = iam.get_credential_report()
        assert report["ReportFormat"] == "text/csv"
        age = datetime.datetime.now(datetime.timezone.utc) - report["GeneratedTime"]
        assert datetime.timedelta(0) <= age < datetime.timedelta(minutes=1)
        rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
        header = report["Content"].decode().split("\n", 1)[0]
        assert header == ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                          "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                          "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                          "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                          "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
                          "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")
        assert [r["user"] for r in rows] == ["<root_account>", "admin", "consumer", "keyadmin", "partner", "producer",
                                            "rotator", "team.lead@example"]
        by_user = {r["user"]: r for r in rows}
        root = by_user["<root_account>"]
        assert root["arn"] == "arn:aws:iam::000000000000:root" and root["password_enabled"] == "not_supported"
        assert root["access_key_1_active"] == "false" and root["access_key_1_last_rotated"] == "N/A"

        producer = by_user["producer"]
        assert producer["arn"] == user_arn("producer") and producer["password_enabled"] == "false"
        assert producer["mfa_active"] == "false" and producer["cert_1_active"] == "false"
        first, second = sorted([used, idle], key=lambda k: (k["CreateDate"], k["AccessKeyId"]))
        slots = {first["AccessKeyId"]: "1", second["AccessKeyId"]: "2"}
        u, i = slots[used["AccessKeyId"]], slots[idle["AccessKeyId"]]
        assert producer[f"access_key_{u}_active"] == "true" and producer[f"access_key_{i}_active"] == "false"
        assert producer[f"access_key_{u}_last_rotated"] == used["CreateDate"].strftime("%Y-%m-%dT%H:%M:%S+00:00")
        assert (producer[f"access_key_{u}_last_used_service"], producer[f"access_key_{u}_last_used_region"]) == ("sts", REGION)
        assert producer[f"access_key_{u}_last_used_date"].endswith(":00+00:00")
        assert (producer[f"access_key_{i}_last_used_date"], producer[f"access_key_{i}_last_used_service"]) == ("N/A", "N/A")
        admin = by_user["admin"]
        assert admin["access_key_1_active"] == "true" and admin["access_key_1_last_used_service"] == "iam"
        assert admin["access_key_1_last_used_region"] == "us-east-1"
        assert by_user["team.lead@example"]["arn"] == user_arn("team.lead@example", path="/staff/")
        assert by_user["team.lead@example"]["access_key_1_active"] == "true"
        assert by_user["partner"]["access_key_1_active"] == "false"
        for secret in (used["SecretAccessKey"], idle["SecretAccessKey"], odd["SecretAccessKey"]):
            assert secret not in report["Content"].decode()

        # Within four hours the same report is served: no new one is made.
        iam.delete_access_key(UserName="producer", AccessKeyId=idle["AccessKeyId"])
        assert iam.generate_credential_report()["State"] == "COMPLETE"
        assert iam.get_credential_report()["GeneratedTime"] == report["GeneratedTime"]
        # Authorized as IAM does: the producer's policies allow neither.
        producer_iam = client(d, "iam", used["AccessKeyId"], used["SecretAccessKey"])
        for call in (producer_iam.generate_credential_report, producer_iam.get_credential_report):
            assert error_of(call)[:2] == ("AccessDenied", 403)
        names = [e["eventName"] for e in iam_events(d, "GetCredentialReport")]
        assert names.count("GetCredentialReport") >= 3
    finally:
        d.stop()


def test_get_user_and_list_users_describe_the_users_of_policies(env):
    admin = client(env, "iam")
    me = admin.get_user()["User"]
    assert (me["UserName"], me["Path"], me["Arn"]) == ("admin", "/", user_arn("admin"))
    assert me["UserId"].startswith("AIDA") and "Tags" not in me
    assert me["UserId"] == client(env, "sts").get_caller_identity()["UserId"]
    partner = admin.get_user(UserName="partner")["User"]
    assert partner["Tags"] == [{"Key": "team", "Value": "partner"}]
    lead = admin.get_user(UserName="team.lead@example")["User"]
    assert (lead["Path"], lead["Arn"]) == ("/staff/", user_arn("team.lead@example", path="/staff/"))
    assert error_of(admin.get_user, UserName="ghost") == ("NoSuchEntity", 404, "The user with name ghost cannot be found.")
    assert error_of(admin.get_user, UserName="queue-reader")[:2] == ("NoSuchEntity", 404)

    everyone = admin.list_users()
    assert [u["UserName"] for u in everyone["Users"]] == [
        "admin", "consumer", "keyadmin", "partner", "producer", "rotator", "team.lead@example"]
    assert all("Tags" not in u for u in everyone["Users"]) and everyone["IsTruncated"] is False
    assert [u["UserName"] for u in admin.list_users(PathPrefix="/staff/")["Users"]] == ["team.lead@example"]
    page = admin.list_users(MaxItems=3)
    assert page["IsTruncated"] and [u["UserName"] for u in page["Users"]] == ["admin", "consumer", "keyadmin"]
    rest = admin.list_users(Marker=page["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == ["partner", "producer", "rotator", "team.lead@example"]
    assert error_of(admin.list_users, PathPrefix="/staff/", Marker=page["Marker"])[:2] == ("InvalidInput", 400)
    assert error_of(admin.list_users, PathPrefix="staff")[:2] == ("ValidationError", 400)

    # Authorized on the user's ARN: the rotator may read itself only; a role must name a user.
    own = create(env, admin, UserName="producer")
    producer = client(env, "iam", own["AccessKeyId"], own["SecretAccessKey"])
    assert error_of(producer.get_user) == (
        "AccessDenied", 403, f"User: {user_arn('producer')} is not authorized to perform: iam:GetUser on resource: {user_arn('producer')}")
    assert error_of(producer.list_users)[:2] == ("AccessDenied", 403)
    admin.delete_access_key(UserName="producer", AccessKeyId=own["AccessKeyId"])
    p = principals_cli("create-access-key", "queue-reader", data_dir=env.data_dir, policies_dir=env.policies_dir)
    role_key = json.loads(p.stdout)["AccessKey"]
    assert error_of(client(env, "iam", role_key["AccessKeyId"], role_key["SecretAccessKey"]).get_user) == (
        "ValidationError", 400, "Must specify userName when calling with non-User credentials")
    principals_cli("delete", role_key["AccessKeyId"], data_dir=env.data_dir)
    got = [e for e in iam_events(env, "GetUser") if e.get("requestParameters") == {"userName": "partner"}]
    assert got and got[0]["resources"] == [{"ARN": user_arn("partner"), "accountId": "000000000000", "type": "AWS::IAM::User"}]
