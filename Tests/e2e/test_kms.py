"""The built-in key service (issue 5): AWS KMS JSON 1.1 (`TrentService.<Action>`) on the daemon's
endpoint, driven with boto3's "kms" client and the `aws kms` CLI. Key creation and metadata, the
AWS-managed alias/aws/sqs key, aliases, Encrypt/Decrypt/ReEncrypt and data keys, encryption
context (exact, order-free, unambiguous), tampered and foreign ciphertext blobs, HMAC keys, key
states (Disabled, PendingDeletion), rotation (also across a restart), key policies, tags, grants,
DryRun, authorization by key policy / IAM / grants, and crypto-shredding: a deleted key's
ciphertexts can never be decrypted again (with `--kms-deletion-day-seconds 1`)."""

import base64
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import re
import time
import uuid
from types import SimpleNamespace

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import (ACCOUNT, ADMIN_KEY, ADMIN_SECRET, REGION, Daemon,
                      create_access_key, expect_error, make_client, unique_name, user_arn, write_policies_dir, kms_client,
                      kms_key_gone, run_sealq)

AWS = shutil.which("aws")
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
ADMIN_ARN = user_arn("admin")
KEY_ARN_PREFIX = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/"
ALIAS_ARN_PREFIX = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/"


# --------------------------------------------------------------------------- helpers

def kms_error(fn, code, **kwargs):
    """Expect the KMS error `code` (HTTP 400, as KMS answers client errors)."""
    return expect_error(fn, code, 400, **kwargs)


def invalid_ciphertext(fn, **kwargs):
    """InvalidCiphertextException without a hint in its message."""
    resp = kms_error(fn, "InvalidCiphertextException", **kwargs)
    assert not resp["Error"].get("Message"), f"InvalidCiphertextException gives a hint: {resp['Error']}"
    return resp


UNKNOWN_CIPHERTEXT_KEY = ("The ciphertext refers to a customer master key that does not exist, does not exist in this "
                          "region, or you are not allowed to access.")


def unknown_ciphertext_key(fn, **kwargs):
    """KMS's answer to a ciphertext naming a key that does not exist (deleted, or never made):
    AccessDeniedException in words that confirm nothing."""
    resp = kms_error(fn, "AccessDeniedException", **kwargs)
    assert resp["Error"]["Message"] == UNKNOWN_CIPHERTEXT_KEY, resp["Error"]
    return resp


def refused_without_a_hint(fn, **kwargs):
    """A damaged ciphertext: InvalidCiphertextException without a hint, or, when the damage
    renamed its key to one that does not exist, the unknown-key answer."""
    with pytest.raises(ClientError) as ei:
        fn(**kwargs)
    error = ei.value.response["Error"]
    assert (error["Code"] == "InvalidCiphertextException" and not error.get("Message")) or (
        error["Code"] == "AccessDeniedException" and error["Message"] == UNKNOWN_CIPHERTEXT_KEY), error


def error_code(fn, **kwargs):
    with pytest.raises(ClientError) as ei:
        fn(**kwargs)
    return ei.value.response["Error"]["Code"]


def denied(fn, **kwargs):
    """KMS answers an unauthorized call with AccessDeniedException."""
    with pytest.raises(ClientError) as ei:
        fn(**kwargs)
    assert ei.value.response["Error"]["Code"] == "AccessDeniedException", ei.value.response["Error"]
    return ei.value.response


def allowed(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ClientError as e:
        raise AssertionError(f"{fn.__name__}{kwargs} failed: {e.response['Error']}") from e


def dry_run_ok(fn, **kwargs):
    """A DryRun that passed authorization and validation: DryRunOperationException."""
    with pytest.raises(ClientError) as ei:
        fn(DryRun=True, **kwargs)
    assert ei.value.response["Error"]["Code"] == "DryRunOperationException", ei.value.response["Error"]


def key_uuid(key_id_or_arn):
    return key_id_or_arn.rsplit("/", 1)[-1]


def blob_header(blob, key_id):
    """(offset of the key id inside the self-describing blob, key version) — the blob carries
    the key id as 16 raw bytes followed by a 32-bit big-endian version. None when the blob does
    not look like that (the tests that need it then skip that part)."""
    raw = uuid.UUID(key_uuid(key_id)).bytes
    at = blob.find(raw)
    if at < 0 or len(blob) < at + 20:
        return None
    return at, struct.unpack(">I", blob[at + 16:at + 20])[0]


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ROOT_STATEMENT = {"Sid": "EnableIamPolicies", "Effect": "Allow", "Principal": {"AWS": ROOT_ARN},
                  "Action": "kms:*", "Resource": "*"}


@pytest.fixture(scope="module")
def kms(daemon):
    return kms_client(daemon)


@pytest.fixture(scope="module")
def kms_raw(daemon):
    """A client without botocore's parameter validation, to see the server's own checks."""
    return kms_client(daemon, parameter_validation=False)


@pytest.fixture
def new_key(kms):
    def make(**kw):
        return kms.create_key(**kw)["KeyMetadata"]
    return make


@pytest.fixture
def hmac_key(new_key):
    return new_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")


# --------------------------------------------------------------------------- wire and signing

def _signed_kms_call(daemon, action, payload, service="kms", sign=True):
    req = AWSRequest(method="POST", url=daemon.url + "/", data=json.dumps(payload).encode(),
                     headers={"Content-Type": "application/x-amz-json-1.1",
                              "X-Amz-Target": f"TrentService.{action}"})
    if sign:
        SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), service, REGION).add_auth(req)
    prep = req.prepare()
    return requests.post(prep.url, headers=dict(prep.headers.items()), data=prep.body, timeout=30)


def test_json_wire_and_kms_signing_scope(daemon):
    r = _signed_kms_call(daemon, "ListKeys", {})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/x-amz-json-1.1")
    assert isinstance(r.json()["Keys"], list)

    r = _signed_kms_call(daemon, "ListKeys", {}, service="sqs")
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["__type"].endswith("InvalidSignatureException"), body
    assert "kms" in body.get("message", body.get("Message", "")), body

    r = _signed_kms_call(daemon, "ListKeys", {}, sign=False)
    assert r.status_code in (400, 403), r.text
    assert "MissingAuthenticationToken" in r.json()["__type"], r.text

    r = _signed_kms_call(daemon, "DescribeKey", {"KeyId": str(uuid.uuid4())})
    assert r.status_code == 400 and r.json()["__type"].endswith("NotFoundException"), r.text


# --------------------------------------------------------------------------- keys and metadata

def test_aws_managed_sqs_key_exists_and_cannot_be_deleted(kms):
    aliases = {a["AliasName"]: a for a in kms.list_aliases()["Aliases"]}
    assert "alias/aws/sqs" in aliases
    sqs_alias = aliases["alias/aws/sqs"]
    assert sqs_alias["AliasArn"] == ALIAS_ARN_PREFIX + "aws/sqs"
    meta = kms.describe_key(KeyId="alias/aws/sqs")["KeyMetadata"]
    assert meta["KeyId"] == sqs_alias["TargetKeyId"]
    assert meta["Arn"] == KEY_ARN_PREFIX + meta["KeyId"]
    assert meta["KeyManager"] == "AWS"
    assert meta["KeyState"] == "Enabled" and meta["Enabled"] is True
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT" and meta["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert meta["KeyId"] in {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}
    by_alias_arn = kms.describe_key(KeyId=ALIAS_ARN_PREFIX + "aws/sqs")["KeyMetadata"]
    assert by_alias_arn["KeyId"] == meta["KeyId"]

    # usable only through SQS: its AWS-written policy (kms:ViaService sqs) refuses direct use
    kms_error(kms.encrypt, "AccessDeniedException", KeyId="alias/aws/sqs", Plaintext=b"sqs")
    policy_text = kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="default")["Policy"]
    assert "kms:ViaService" in policy_text

    # but not deletable, and its alias is not the customer's to remove or move
    for kid in (meta["KeyId"], meta["Arn"]):
        code = error_code(kms.schedule_key_deletion, KeyId=kid, PendingWindowInDays=7)
        assert code in ("UnsupportedOperationException", "AccessDeniedException",
                        "KMSInvalidStateException"), code
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    # refused by the reserved name or, first, by the key's AWS-written policy
    refused = ("InvalidAliasNameException", "AccessDeniedException")
    kms_error(kms.delete_alias, refused, AliasName="alias/aws/sqs")
    kms_error(kms.update_alias, refused, AliasName="alias/aws/sqs", TargetKeyId=other)
    after = kms.describe_key(KeyId="alias/aws/sqs")["KeyMetadata"]
    assert after["KeyId"] == meta["KeyId"] and after["KeyState"] == "Enabled"


@pytest.mark.parametrize("operation", ["disable_key", "put_key_policy", "tag_resource"])
def test_aws_managed_key_cannot_be_changed(kms, operation):
    """AWS managed keys cannot be enabled or disabled, tagged, or given another key policy by
    the customer (KMS developer guide, 'Enable and disable keys' / 'Editing keys'; API reference,
    TagResource)."""
    meta = kms.describe_key(KeyId="alias/aws/sqs")["KeyMetadata"]
    kid = meta["KeyId"]
    original_policy = kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]
    calls = {
        "disable_key": lambda: kms.disable_key(KeyId=kid),
        "put_key_policy": lambda: kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
            ROOT_STATEMENT, {"Sid": "Extra", "Effect": "Allow", "Principal": {"AWS": user_arn("someone")},
                             "Action": "kms:Decrypt", "Resource": "*"})),
        "tag_resource": lambda: kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "custom", "TagValue": "tag"}]),
    }
    try:
        with pytest.raises(ClientError):
            calls[operation]()
        after = kms.describe_key(KeyId=kid)["KeyMetadata"]
        assert after["KeyState"] == "Enabled"
        assert json.loads(kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]) == json.loads(original_policy)
        assert kms.list_resource_tags(KeyId=kid)["Tags"] == []
    finally:
        # keep the session daemon's SQS default key as it was, whatever happened
        for undo in (lambda: kms.enable_key(KeyId=kid),
                     lambda: kms.untag_resource(KeyId=kid, TagKeys=["custom"]),
                     lambda: kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=original_policy)):
            try:
                undo()
            except ClientError:
                pass


def test_create_key_metadata_and_lookups(kms):
    desc = "orders " + uuid.uuid4().hex
    meta = kms.create_key(Description=desc, KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT",
                          Tags=[{"TagKey": "team", "TagValue": "orders"},
                                {"TagKey": "env", "TagValue": "test"}])["KeyMetadata"]
    kid = meta["KeyId"]
    uuid.UUID(kid)
    assert meta["Arn"] == KEY_ARN_PREFIX + kid
    assert meta["AWSAccountId"] == ACCOUNT
    assert meta["Description"] == desc
    assert meta["KeyState"] == "Enabled" and meta["Enabled"] is True
    assert meta["KeyManager"] == "CUSTOMER" and meta["Origin"] == "AWS_KMS"
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT" and meta["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert "DeletionDate" not in meta

    for ref in (kid, meta["Arn"]):
        got = kms.describe_key(KeyId=ref)["KeyMetadata"]
        assert got["KeyId"] == kid and got["Description"] == desc
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=kid)["Tags"]}
    assert tags == {"team": "orders", "env": "test"}
    assert kms.list_key_policies(KeyId=kid)["PolicyNames"] == ["default"]

    kms_error(kms.describe_key, "NotFoundException", KeyId=str(uuid.uuid4()))
    kms_error(kms.describe_key, "NotFoundException", KeyId="alias/" + unique_name("missing"))


def test_hmac_key_metadata(hmac_key):
    assert hmac_key["KeySpec"] == "HMAC_256"
    assert hmac_key["KeyUsage"] == "GENERATE_VERIFY_MAC"
    assert hmac_key["MacAlgorithms"] == ["HMAC_SHA_256"]
    assert not hmac_key.get("EncryptionAlgorithms")


@pytest.mark.parametrize("spec,usage", [("RSA_2048", "ENCRYPT_DECRYPT"), ("ECC_NIST_P256", "SIGN_VERIFY"),
                                        ("HMAC_512", "GENERATE_VERIFY_MAC"), ("HMAC_384", "GENERATE_VERIFY_MAC")])
def test_unsupported_key_specs(kms, spec, usage):
    before = {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}
    kms_error(kms.create_key, "UnsupportedOperationException", KeySpec=spec, KeyUsage=usage)
    assert {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]} <= before


@pytest.mark.parametrize("options", [{"Origin": "EXTERNAL"}, {"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": "cks-1234567890"},
                                     {"Origin": "EXTERNAL_KEY_STORE"}, {"MultiRegion": True}])
def test_key_origins_and_stores_this_service_lacks_are_refused(kms, options):
    before = {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}
    kms_error(kms.create_key, "UnsupportedOperationException", **options)
    assert {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]} <= before
    assert kms.create_key(Origin="AWS_KMS", MultiRegion=False)["KeyMetadata"]["Origin"] == "AWS_KMS"


def test_grant_tokens_must_be_tokens_this_service_issued(kms, new_key):
    key = new_key()["KeyId"]
    kms_error(kms.encrypt, "InvalidGrantTokenException", KeyId=key, Plaintext=b"x", GrantTokens=["bogus"])
    kms_error(kms.describe_key, "InvalidGrantTokenException", KeyId=key, GrantTokens=["A" * 96])
    kms_error(kms.describe_key, "InvalidGrantTokenException", KeyId=key, GrantTokens=["0" * 96])
    token = kms.create_grant(KeyId=key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:root", Operations=["Encrypt"])["GrantToken"]
    assert kms.encrypt(KeyId=key, Plaintext=b"x", GrantTokens=[token])["KeyId"].endswith(key)
    forged = token[:-1] + ("1" if token.endswith("0") else "0")
    kms_error(kms.encrypt, "InvalidGrantTokenException", KeyId=key, Plaintext=b"x", GrantTokens=[forged])


def test_each_create_grant_answers_a_new_token_and_all_of_them_work(kms, new_key):
    """CreateGrant, Name: "the returned grant token is unique with every CreateGrant request, even
    when a duplicate GrantId is returned. All grant tokens for the same grant ID can be used
    interchangeably." A retired grant's tokens are no longer accepted."""
    key = new_key()["KeyId"]
    grant = dict(KeyId=key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:root", Operations=["Encrypt", "RetireGrant"], Name="same")
    first, second = kms.create_grant(**grant), kms.create_grant(**grant)
    assert first["GrantId"] == second["GrantId"] and first["GrantToken"] != second["GrantToken"]
    for token in (first["GrantToken"], second["GrantToken"]):
        assert kms.encrypt(KeyId=key, Plaintext=b"x", GrantTokens=[token])["KeyId"].endswith(key)
    kms.retire_grant(GrantToken=second["GrantToken"])
    kms_error(kms.encrypt, "InvalidGrantTokenException", KeyId=key, Plaintext=b"x", GrantTokens=[first["GrantToken"]])


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1", "SM2PKE"])
def test_asymmetric_algorithms_are_incompatible_with_symmetric_keys(kms, new_key, algorithm):
    key = new_key()["KeyId"]
    kms_error(kms.encrypt, "InvalidKeyUsageException", KeyId=key, Plaintext=b"x", EncryptionAlgorithm=algorithm)
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    kms_error(kms.decrypt, "InvalidKeyUsageException", CiphertextBlob=blob, EncryptionAlgorithm=algorithm)
    kms_error(kms.re_encrypt, "InvalidKeyUsageException", CiphertextBlob=blob, DestinationKeyId=key,
              DestinationEncryptionAlgorithm=algorithm)
    assert kms.decrypt(CiphertextBlob=blob, EncryptionAlgorithm="SYMMETRIC_DEFAULT")["Plaintext"] == b"x"


def test_list_keys_pages(kms, new_key):
    made = {new_key()["KeyId"] for _ in range(3)}
    full = kms.list_keys(Limit=1000)
    assert full["Truncated"] is False
    every = [k["KeyId"] for k in full["Keys"]]
    assert made <= set(every)
    for k in full["Keys"]:
        assert k["KeyArn"] == KEY_ARN_PREFIX + k["KeyId"]
    paged = []
    for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}):
        assert len(page["Keys"]) <= 2
        paged += [k["KeyId"] for k in page["Keys"]]
    assert sorted(paged) == sorted(every) and len(set(paged)) == len(paged)
    first = kms.list_keys(Limit=1)
    assert len(first["Keys"]) == 1 and first["Truncated"] is True and first["NextMarker"]


# --------------------------------------------------------------------------- aliases

def test_alias_lifecycle(kms, new_key):
    a, b = new_key()["KeyId"], new_key()["KeyId"]
    name = "alias/" + unique_name("orders")
    kms.create_alias(AliasName=name, TargetKeyId=a)
    kms_error(kms.create_alias, "AlreadyExistsException", AliasName=name, TargetKeyId=b)
    kms_error(kms.create_alias, "InvalidAliasNameException", AliasName="alias/aws/" + unique_name("x"),
              TargetKeyId=a)
    kms_error(kms.create_alias, "NotFoundException", AliasName="alias/" + unique_name("none"),
              TargetKeyId=str(uuid.uuid4()))

    listed = kms.list_aliases(KeyId=a)["Aliases"]
    assert [x["AliasName"] for x in listed] == [name]
    assert listed[0]["TargetKeyId"] == a
    assert listed[0]["AliasArn"] == ALIAS_ARN_PREFIX + name[len("alias/"):]
    assert kms.list_aliases(KeyId=b)["Aliases"] == []
    assert name in {x["AliasName"] for x in kms.list_aliases()["Aliases"]}

    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == a
    assert kms.describe_key(KeyId=listed[0]["AliasArn"])["KeyMetadata"]["KeyId"] == a
    blob = kms.encrypt(KeyId=name, Plaintext=b"via alias")
    assert blob["KeyId"] == KEY_ARN_PREFIX + a
    blob = blob["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, KeyId=name)["Plaintext"] == b"via alias"

    kms.update_alias(AliasName=name, TargetKeyId=b)
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == b
    assert [x["AliasName"] for x in kms.list_aliases(KeyId=b)["Aliases"]] == [name]
    assert kms.list_aliases(KeyId=a)["Aliases"] == []
    assert kms.encrypt(KeyId=name, Plaintext=b"x")["KeyId"] == KEY_ARN_PREFIX + b
    # the old blob names its own key, whatever the alias points at now
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"via alias"
    kms_error(kms.decrypt, "IncorrectKeyException", CiphertextBlob=blob, KeyId=name)

    kms.delete_alias(AliasName=name)
    kms_error(kms.describe_key, "NotFoundException", KeyId=name)
    kms_error(kms.delete_alias, "NotFoundException", AliasName=name)
    assert name not in {x["AliasName"] for x in kms.list_aliases()["Aliases"]}
    kms_error(kms.update_alias, "NotFoundException", AliasName=name, TargetKeyId=a)


def test_alias_name_rules(kms_raw, new_key):
    kid = new_key()["KeyId"]
    for bad in ("orders", "alias/", "alias/has space", "alias/bad*char"):
        code = error_code(kms_raw.create_alias, AliasName=bad, TargetKeyId=kid)
        assert code in ("ValidationException", "InvalidAliasNameException"), (bad, code)
    assert kms_raw.list_aliases(KeyId=kid)["Aliases"] == []
    several = ["alias/" + unique_name("one"), "alias/" + unique_name("two")]
    for n in several:
        kms_raw.create_alias(AliasName=n, TargetKeyId=kid)
    assert sorted(x["AliasName"] for x in kms_raw.list_aliases(KeyId=kid)["Aliases"]) == sorted(several)


# --------------------------------------------------------------------------- encrypt / decrypt

@pytest.mark.parametrize("size", [1, 100, 4096])
def test_encrypt_decrypt_round_trip(kms, new_key, size):
    meta = new_key()
    data = os.urandom(size)
    out = kms.encrypt(KeyId=meta["KeyId"], Plaintext=data)
    assert out["KeyId"] == meta["Arn"]
    assert out["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    blob = out["CiphertextBlob"]
    if size >= 16:  # a byte or two of random data turns up in any random ciphertext
        assert data not in blob
    assert len(blob) <= 6144
    # no KeyId: the blob says which key; and by id, ARN
    for extra in ({}, {"KeyId": meta["KeyId"]}, {"KeyId": meta["Arn"]}):
        got = kms.decrypt(CiphertextBlob=blob, **extra)
        assert got["Plaintext"] == data
        assert got["KeyId"] == meta["Arn"]
        assert got["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    # two encryptions of the same plaintext differ (fresh nonce)
    assert kms.encrypt(KeyId=meta["KeyId"], Plaintext=data)["CiphertextBlob"] != blob


def test_plaintext_and_ciphertext_limits(kms_raw, new_key):
    kid = new_key()["KeyId"]
    kms_error(kms_raw.encrypt, "ValidationException", KeyId=kid, Plaintext=b"x" * 4097)
    kms_error(kms_raw.encrypt, "ValidationException", KeyId=kid, Plaintext=b"")
    kms_error(kms_raw.decrypt, "ValidationException", CiphertextBlob=b"x" * 6145)
    kms_error(kms_raw.encrypt, "NotFoundException", KeyId=str(uuid.uuid4()), Plaintext=b"x")
    kms_error(kms_raw.encrypt, "ValidationException", KeyId=kid, Plaintext=b"x",
              EncryptionAlgorithm="SOMETHING_ELSE")


def test_decrypt_with_the_wrong_key_id(kms, new_key):
    a, b = new_key(), new_key()
    blob = kms.encrypt(KeyId=a["KeyId"], Plaintext=b"mine")["CiphertextBlob"]
    alias = "alias/" + unique_name("other")
    kms.create_alias(AliasName=alias, TargetKeyId=b["KeyId"])
    for ref in (b["KeyId"], b["Arn"], alias):
        kms_error(kms.decrypt, "IncorrectKeyException", CiphertextBlob=blob, KeyId=ref)
    # A KeyId naming nothing is NotFoundException, not a ciphertext problem.
    for ref in (str(uuid.uuid4()), "alias/" + unique_name("nothing")):
        kms_error(kms.decrypt, "NotFoundException", CiphertextBlob=blob, KeyId=ref)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"mine"


def test_encryption_context_must_match_exactly(kms, new_key):
    kid = new_key()["KeyId"]
    ctx = {"tenant": "acme", "purpose": "invoice", "Region": "EU"}
    blob = kms.encrypt(KeyId=kid, Plaintext=b"context bound", EncryptionContext=ctx)["CiphertextBlob"]
    # same pairs in another order: fine
    reordered = dict(reversed(list(ctx.items())))
    assert list(reordered) != list(ctx)
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=reordered)["Plaintext"] == b"context bound"
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=dict(ctx))["Plaintext"] == b"context bound"
    wrong = [
        None,                                                   # none at all
        {},                                                     # empty
        {"tenant": "acme", "purpose": "invoice"},               # subset
        dict(ctx, extra="x"),                                   # superset
        dict(ctx, tenant="ACME"),                               # value case
        {"Tenant": "acme", "purpose": "invoice", "Region": "EU"},  # key case
        dict(ctx, Region="EU "),                                # trailing space
        {"tenant": "acme", "purpose": "invoiceRegionEU"},       # concatenated
    ]
    for w in wrong:
        kw = {} if w is None else {"EncryptionContext": w}
        invalid_ciphertext(kms.decrypt, CiphertextBlob=blob, **kw)

    plain = kms.encrypt(KeyId=kid, Plaintext=b"no context")["CiphertextBlob"]
    invalid_ciphertext(kms.decrypt, CiphertextBlob=plain, EncryptionContext={"a": "b"})
    assert kms.decrypt(CiphertextBlob=plain)["Plaintext"] == b"no context"


@pytest.mark.parametrize("enc,dec", [
    ({"ab": "c"}, {"a": "bc"}),
    ({"a": "bc"}, {"ab": "c"}),
    ({"a": "b", "c": "d"}, {"a": "bc", "": "d"}),
    ({"a": "b", "cd": "e"}, {"a": "bc", "d": "e"}),
    ({"k": "v=w"}, {"k=v": "w"}),
    ({"k": "v", "x": "y"}, {"k": "vx", "y": ""}),
])
def test_encryption_context_encoding_is_unambiguous(kms, new_key, enc, dec):
    kid = new_key()["KeyId"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"ambiguity", EncryptionContext=enc)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=enc)["Plaintext"] == b"ambiguity"
    invalid_ciphertext(kms.decrypt, CiphertextBlob=blob, EncryptionContext=dec)


def test_non_ascii_encryption_context(kms, new_key):
    kid = new_key()["KeyId"]
    ctx = {"straße": "grüße", "名前": "値", "emoji": "🔑"}
    blob = kms.encrypt(KeyId=kid, Plaintext=b"utf8", EncryptionContext=ctx)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"] == b"utf8"
    invalid_ciphertext(kms.decrypt, CiphertextBlob=blob, EncryptionContext=dict(ctx, straße="grusse"))
    invalid_ciphertext(kms.decrypt, CiphertextBlob=blob,
                       EncryptionContext={"strasse": "grüße", "名前": "値", "emoji": "🔑"})


def test_every_flipped_or_cut_byte_is_refused(kms, new_key):
    kid = new_key()["KeyId"]
    ctx = {"purpose": "tamper"}
    blob = kms.encrypt(KeyId=kid, Plaintext=b"do not touch", EncryptionContext=ctx)["CiphertextBlob"]
    for i in range(len(blob)):
        for bit in (0x01, 0x80):
            bad = bytearray(blob)
            bad[i] ^= bit
            refused_without_a_hint(kms.decrypt, CiphertextBlob=bytes(bad), EncryptionContext=ctx)
    for n in range(1, len(blob)):
        refused_without_a_hint(kms.decrypt, CiphertextBlob=blob[:n], EncryptionContext=ctx)
    refused_without_a_hint(kms.decrypt, CiphertextBlob=blob + b"\x00", EncryptionContext=ctx)
    refused_without_a_hint(kms.decrypt, CiphertextBlob=blob[1:], EncryptionContext=ctx)
    refused_without_a_hint(kms.decrypt, CiphertextBlob=os.urandom(len(blob)), EncryptionContext=ctx)
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"] == b"do not touch"


def test_blob_relabelled_to_another_key_or_version_is_refused(kms, new_key):
    a, b = new_key()["KeyId"], new_key()["KeyId"]
    blob = kms.encrypt(KeyId=a, Plaintext=b"belongs to a")["CiphertextBlob"]
    head = blob_header(blob, a)
    if head is None:
        pytest.skip("blob layout without a raw key id; covered by the byte-flip test")
    at, version = head
    assert version == 1
    # claim key b (which exists and is enabled)
    moved = blob[:at] + uuid.UUID(b).bytes + blob[at + 16:]
    invalid_ciphertext(kms.decrypt, CiphertextBlob=moved)
    kms_error(kms.decrypt, ("InvalidCiphertextException", "IncorrectKeyException"),
              CiphertextBlob=moved, KeyId=a)
    invalid_ciphertext(kms.decrypt, CiphertextBlob=moved, KeyId=b)
    # claim a later version of a, which exists after a rotation
    kms.rotate_key_on_demand(KeyId=a)
    for v in (2, 99):
        relabelled = blob[:at + 16] + struct.pack(">I", v) + blob[at + 20:]
        invalid_ciphertext(kms.decrypt, CiphertextBlob=relabelled)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"belongs to a"


def test_reencrypt(kms, new_key):
    src, dst = new_key(), new_key()
    blob = kms.encrypt(KeyId=src["KeyId"], Plaintext=b"move me",
                       EncryptionContext={"from": "src"})["CiphertextBlob"]
    out = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"from": "src"},
                         DestinationKeyId=dst["KeyId"], DestinationEncryptionContext={"to": "dst"})
    assert out["SourceKeyId"] == src["Arn"] and out["KeyId"] == dst["Arn"]
    assert out["SourceEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert out["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    new = out["CiphertextBlob"]
    got = kms.decrypt(CiphertextBlob=new, EncryptionContext={"to": "dst"})
    assert got["Plaintext"] == b"move me" and got["KeyId"] == dst["Arn"]
    invalid_ciphertext(kms.decrypt, CiphertextBlob=new, EncryptionContext={"from": "src"})
    kms_error(kms.decrypt, "IncorrectKeyException", CiphertextBlob=new, KeyId=src["KeyId"])
    # the source context must match
    invalid_ciphertext(kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=dst["KeyId"])
    invalid_ciphertext(kms.re_encrypt, CiphertextBlob=blob, SourceEncryptionContext={"from": "SRC"},
                       DestinationKeyId=dst["KeyId"])
    kms_error(kms.re_encrypt, "IncorrectKeyException", CiphertextBlob=blob,
              SourceEncryptionContext={"from": "src"}, SourceKeyId=dst["KeyId"],
              DestinationKeyId=dst["KeyId"])
    # to the same key (e.g. onto its newest version)
    same = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"from": "src"},
                          SourceKeyId=src["Arn"], DestinationKeyId=src["KeyId"])["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=same)["Plaintext"] == b"move me"


# --------------------------------------------------------------------------- data keys, random

@pytest.mark.parametrize("args,size", [({"NumberOfBytes": 1}, 1), ({"NumberOfBytes": 64}, 64),
                                       ({"NumberOfBytes": 1024}, 1024), ({"KeySpec": "AES_128"}, 16),
                                       ({"KeySpec": "AES_256"}, 32)])
def test_generate_data_key(kms, new_key, args, size):
    meta = new_key()
    ctx = {"queue": "orders"}
    out = kms.generate_data_key(KeyId=meta["KeyId"], EncryptionContext=ctx, **args)
    assert out["KeyId"] == meta["Arn"]
    assert len(out["Plaintext"]) == size
    assert out["Plaintext"] not in out["CiphertextBlob"] or size == 1
    got = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext=ctx)
    assert got["Plaintext"] == out["Plaintext"]
    invalid_ciphertext(kms.decrypt, CiphertextBlob=out["CiphertextBlob"])
    again = kms.generate_data_key(KeyId=meta["KeyId"], EncryptionContext=ctx, **args)
    if size >= 16:
        assert again["Plaintext"] != out["Plaintext"]


def test_generate_data_key_without_plaintext(kms, new_key):
    meta = new_key()
    out = kms.generate_data_key_without_plaintext(KeyId=meta["KeyId"], KeySpec="AES_256",
                                                  EncryptionContext={"k": "v"})
    assert "Plaintext" not in out and out["KeyId"] == meta["Arn"]
    got = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"k": "v"})
    assert len(got["Plaintext"]) == 32
    out = kms.generate_data_key_without_plaintext(KeyId=meta["Arn"], NumberOfBytes=48)
    assert len(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]) == 48


def test_data_key_size_rules(kms_raw, new_key):
    kid = new_key()["KeyId"]
    for bad in ({"NumberOfBytes": 0}, {"NumberOfBytes": 1025}, {},
                {"NumberOfBytes": 32, "KeySpec": "AES_256"}, {"KeySpec": "AES_512"}):
        kms_error(kms_raw.generate_data_key, "ValidationException", KeyId=kid, **bad)
        kms_error(kms_raw.generate_data_key_without_plaintext, "ValidationException", KeyId=kid, **bad)


def test_generate_random(kms_raw):
    seen = set()
    for n in (1, 16, 32, 1024):
        out = kms_raw.generate_random(NumberOfBytes=n)["Plaintext"]
        assert len(out) == n
        seen.add(out)
    assert kms_raw.generate_random(NumberOfBytes=32)["Plaintext"] not in seen
    for bad in (0, 1025):
        kms_error(kms_raw.generate_random, "ValidationException", NumberOfBytes=bad)


# --------------------------------------------------------------------------- HMAC keys

def test_generate_and_verify_mac(kms, hmac_key, new_key):
    kid = hmac_key["KeyId"]
    msg = b"authentic message " + os.urandom(8)
    out = kms.generate_mac(KeyId=kid, Message=msg, MacAlgorithm="HMAC_SHA_256")
    mac = out["Mac"]
    assert len(mac) == 32 and out["MacAlgorithm"] == "HMAC_SHA_256" and out["KeyId"] == hmac_key["Arn"]
    assert kms.generate_mac(KeyId=hmac_key["Arn"], Message=msg, MacAlgorithm="HMAC_SHA_256")["Mac"] == mac
    ok = kms.verify_mac(KeyId=kid, Message=msg, MacAlgorithm="HMAC_SHA_256", Mac=mac)
    assert ok["MacValid"] is True and ok["KeyId"] == hmac_key["Arn"]

    flipped = bytes([mac[0] ^ 1]) + mac[1:]
    kms_error(kms.verify_mac, "KMSInvalidMacException", KeyId=kid, Message=msg,
              MacAlgorithm="HMAC_SHA_256", Mac=flipped)
    kms_error(kms.verify_mac, "KMSInvalidMacException", KeyId=kid, Message=msg + b"!",
              MacAlgorithm="HMAC_SHA_256", Mac=mac)
    kms_error(kms.verify_mac, "KMSInvalidMacException", KeyId=kid, Message=msg,
              MacAlgorithm="HMAC_SHA_256", Mac=mac[:16])
    other = new_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    assert kms.generate_mac(KeyId=other, Message=msg, MacAlgorithm="HMAC_SHA_256")["Mac"] != mac
    kms_error(kms.verify_mac, "KMSInvalidMacException", KeyId=other, Message=msg,
              MacAlgorithm="HMAC_SHA_256", Mac=mac)


def test_key_usage_is_enforced(kms, hmac_key, new_key):
    sym = new_key()["KeyId"]
    mac_id = hmac_key["KeyId"]
    kms_error(kms.encrypt, "InvalidKeyUsageException", KeyId=mac_id, Plaintext=b"x")
    kms_error(kms.generate_data_key, "InvalidKeyUsageException", KeyId=mac_id, KeySpec="AES_256")
    kms_error(kms.generate_mac, "InvalidKeyUsageException", KeyId=sym, Message=b"m",
              MacAlgorithm="HMAC_SHA_256")
    kms_error(kms.verify_mac, "InvalidKeyUsageException", KeyId=sym, Message=b"m",
              MacAlgorithm="HMAC_SHA_256", Mac=b"\0" * 32)
    kms_error(kms.generate_mac, "InvalidKeyUsageException", KeyId=mac_id, Message=b"m",
              MacAlgorithm="HMAC_SHA_512")
    blob = kms.encrypt(KeyId=sym, Plaintext=b"x")["CiphertextBlob"]
    kms_error(kms.re_encrypt, "InvalidKeyUsageException", CiphertextBlob=blob, DestinationKeyId=mac_id)


# --------------------------------------------------------------------------- key states

def test_disable_and_enable(kms, new_key, hmac_key):
    meta = new_key()
    kid = meta["KeyId"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"state")["CiphertextBlob"]
    other = new_key()["KeyId"]
    kms.disable_key(KeyId=kid)
    got = kms.describe_key(KeyId=kid)["KeyMetadata"]
    assert got["KeyState"] == "Disabled" and got["Enabled"] is False
    kms_error(kms.encrypt, "DisabledException", KeyId=kid, Plaintext=b"x")
    kms_error(kms.decrypt, "DisabledException", CiphertextBlob=blob)
    kms_error(kms.generate_data_key, "DisabledException", KeyId=kid, KeySpec="AES_256")
    kms_error(kms.generate_data_key_without_plaintext, "DisabledException", KeyId=kid, KeySpec="AES_256")
    kms_error(kms.re_encrypt, "DisabledException", CiphertextBlob=blob, DestinationKeyId=other)
    other_blob = kms.encrypt(KeyId=other, Plaintext=b"x")["CiphertextBlob"]
    kms_error(kms.re_encrypt, "DisabledException", CiphertextBlob=other_blob, DestinationKeyId=kid)
    # management still works on a disabled key
    assert kms.list_key_policies(KeyId=kid)["PolicyNames"] == ["default"]
    kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "while", "TagValue": "disabled"}])
    assert kid in {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}

    kms.enable_key(KeyId=kid)
    got = kms.describe_key(KeyId=kid)["KeyMetadata"]
    assert got["KeyState"] == "Enabled" and got["Enabled"] is True
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"state"
    kms.enable_key(KeyId=kid)  # enabling an enabled key is fine

    mac_id = hmac_key["KeyId"]
    mac = kms.generate_mac(KeyId=mac_id, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
    kms.disable_key(KeyId=mac_id)
    kms_error(kms.generate_mac, "DisabledException", KeyId=mac_id, Message=b"m", MacAlgorithm="HMAC_SHA_256")
    kms_error(kms.verify_mac, "DisabledException", KeyId=mac_id, Message=b"m",
              MacAlgorithm="HMAC_SHA_256", Mac=mac)
    kms.enable_key(KeyId=mac_id)
    assert kms.verify_mac(KeyId=mac_id, Message=b"m", MacAlgorithm="HMAC_SHA_256", Mac=mac)["MacValid"]


def test_schedule_and_cancel_deletion(kms, kms_raw, new_key):
    meta = new_key()
    kid = meta["KeyId"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"pending")["CiphertextBlob"]
    for bad in (0, 6, 31, 365):
        kms_error(kms_raw.schedule_key_deletion, "ValidationException", KeyId=kid, PendingWindowInDays=bad)
    assert kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Enabled"
    kms_error(kms.cancel_key_deletion, "KMSInvalidStateException", KeyId=kid)

    before = time.time()
    out = kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
    assert out["KeyId"] == meta["Arn"] and out["KeyState"] == "PendingDeletion"
    assert out["PendingWindowInDays"] == 7
    days = (out["DeletionDate"].timestamp() - before) / 86400
    assert 6.9 < days < 7.1, out["DeletionDate"]
    got = kms.describe_key(KeyId=kid)["KeyMetadata"]
    assert got["KeyState"] == "PendingDeletion" and got["Enabled"] is False
    assert abs(got["DeletionDate"].timestamp() - out["DeletionDate"].timestamp()) < 2
    assert kid in {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}

    for fn, kw in ((kms.encrypt, {"KeyId": kid, "Plaintext": b"x"}),
                   (kms.decrypt, {"CiphertextBlob": blob}),
                   (kms.generate_data_key, {"KeyId": kid, "KeySpec": "AES_256"}),
                   (kms.generate_data_key_without_plaintext, {"KeyId": kid, "NumberOfBytes": 16}),
                   (kms.re_encrypt, {"CiphertextBlob": blob, "DestinationKeyId": new_key()["KeyId"]}),
                   (kms.enable_key, {"KeyId": kid}),
                   (kms.disable_key, {"KeyId": kid}),
                   (kms.schedule_key_deletion, {"KeyId": kid, "PendingWindowInDays": 7}),
                   (kms.rotate_key_on_demand, {"KeyId": kid}),
                   (kms.enable_key_rotation, {"KeyId": kid})):
        kms_error(fn, "KMSInvalidStateException", **kw)

    out = kms.cancel_key_deletion(KeyId=kid)
    assert out["KeyId"] == meta["Arn"]
    got = kms.describe_key(KeyId=kid)["KeyMetadata"]
    assert got["KeyState"] == "Disabled" and "DeletionDate" not in got
    kms_error(kms.cancel_key_deletion, "KMSInvalidStateException", KeyId=kid)
    kms_error(kms.decrypt, "DisabledException", CiphertextBlob=blob)
    kms.enable_key(KeyId=kid)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"pending"

    # the default window is 30 days; a disabled key can be scheduled too
    kms.disable_key(KeyId=kid)
    out = kms.schedule_key_deletion(KeyId=kid)
    assert out["PendingWindowInDays"] == 30
    kms.cancel_key_deletion(KeyId=kid)
    kms_error(kms.schedule_key_deletion, "NotFoundException", KeyId=str(uuid.uuid4()), PendingWindowInDays=7)


def test_dry_run(kms, new_key, hmac_key):
    kid = new_key()["KeyId"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"dry")["CiphertextBlob"]
    grants_before = kms.list_grants(KeyId=kid)["Grants"]
    dry_run_ok(kms.encrypt, KeyId=kid, Plaintext=b"dry")
    dry_run_ok(kms.decrypt, CiphertextBlob=blob)
    dry_run_ok(kms.generate_data_key, KeyId=kid, KeySpec="AES_256")
    dry_run_ok(kms.generate_data_key_without_plaintext, KeyId=kid, KeySpec="AES_256")
    dry_run_ok(kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=kid)
    dry_run_ok(kms.generate_mac, KeyId=hmac_key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    dry_run_ok(kms.create_grant, KeyId=kid, GranteePrincipal=user_arn("nobody"), Operations=["Decrypt"])
    assert kms.list_grants(KeyId=kid)["Grants"] == grants_before
    # DryRunOperationException means "would have succeeded": calls that would fail say why instead.
    kms_error(kms.decrypt, "InvalidCiphertextException", CiphertextBlob=blob, EncryptionContext={"wrong": "context"}, DryRun=True)
    kms_error(kms.revoke_grant, "NotFoundException", KeyId=kid, GrantId="0" * 64, DryRun=True)
    grant = kms.create_grant(KeyId=kid, GranteePrincipal=user_arn("nobody"), Operations=["Decrypt"])
    dry_run_ok(kms.revoke_grant, KeyId=kid, GrantId=grant["GrantId"])
    assert len(kms.list_grants(KeyId=kid)["Grants"]) == len(grants_before) + 1, "a DryRun revokes nothing"
    kms.disable_key(KeyId=kid)
    kms_error(kms.encrypt, "DisabledException", KeyId=kid, Plaintext=b"dry", DryRun=True)
    kms.enable_key(KeyId=kid)


# --------------------------------------------------------------------------- rotation

def test_rotation_settings(kms, kms_raw, new_key, hmac_key):
    kid = new_key()["KeyId"]
    status = kms.get_key_rotation_status(KeyId=kid)
    assert status["KeyRotationEnabled"] is False
    kms.enable_key_rotation(KeyId=kid)
    status = kms.get_key_rotation_status(KeyId=kid)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365
    assert status["NextRotationDate"].timestamp() > time.time() + 364 * 86400
    for period in (90, 2560):
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=period)
        assert kms.get_key_rotation_status(KeyId=kid)["RotationPeriodInDays"] == period
    for bad in (89, 2561, 0):
        kms_error(kms_raw.enable_key_rotation, "ValidationException", KeyId=kid, RotationPeriodInDays=bad)
    assert kms.get_key_rotation_status(KeyId=kid)["RotationPeriodInDays"] == 2560
    kms.disable_key_rotation(KeyId=kid)
    assert kms.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"] is False

    mac_id = hmac_key["KeyId"]
    kms_error(kms.enable_key_rotation, "UnsupportedOperationException", KeyId=mac_id)
    kms_error(kms.rotate_key_on_demand, "UnsupportedOperationException", KeyId=mac_id)

    kms.disable_key(KeyId=kid)
    kms_error(kms.enable_key_rotation, "DisabledException", KeyId=kid)
    kms.enable_key(KeyId=kid)


def _rotate_three_times(kms, kid):
    blobs = []
    for i in range(4):
        if i:
            out = kms.rotate_key_on_demand(KeyId=kid)
            assert key_uuid(out["KeyId"]) == kid
        data = f"version {i + 1} ".encode() + os.urandom(8)
        blob = kms.encrypt(KeyId=kid, Plaintext=data, EncryptionContext={"v": str(i + 1)})["CiphertextBlob"]
        head = blob_header(blob, kid)
        if head is not None:
            assert head[1] == i + 1, f"blob after {i} rotations names version {head[1]}"
        blobs.append((data, blob))
    return blobs


def _all_decrypt(kms, kid, blobs):
    arn = KEY_ARN_PREFIX + kid
    for i, (data, blob) in enumerate(blobs):
        got = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"v": str(i + 1)})
        assert got["Plaintext"] == data and got["KeyId"] == arn
        invalid_ciphertext(kms.decrypt, CiphertextBlob=blob, EncryptionContext={"v": str(i + 2)})


def test_rotation_on_demand_keeps_old_versions_also_after_restart(fresh_daemon):
    d = fresh_daemon()
    kms = kms_client(d)
    kid = kms.create_key(Description="rotating")["KeyMetadata"]["KeyId"]
    dk = kms.generate_data_key(KeyId=kid, KeySpec="AES_256")
    blobs = _rotate_three_times(kms, kid)
    rotations = kms.list_key_rotations(KeyId=kid)["Rotations"]
    assert len(rotations) == 3
    assert all(r["RotationType"] == "ON_DEMAND" and key_uuid(r["KeyId"]) == kid for r in rotations)
    dates = [r["RotationDate"] for r in rotations]
    assert dates == sorted(dates)
    # Each on-demand rotation has completed: KMS names a start date only while one runs.
    assert "OnDemandRotationStartDate" not in kms.get_key_rotation_status(KeyId=kid)
    _all_decrypt(kms, kid, blobs)
    assert kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"] == dk["Plaintext"]
    # re-encrypt an old blob onto the newest version
    fresh = kms.re_encrypt(CiphertextBlob=blobs[0][1], SourceEncryptionContext={"v": "1"},
                           DestinationKeyId=kid, DestinationEncryptionContext={"v": "1"})["CiphertextBlob"]
    head = blob_header(fresh, kid)
    if head is not None:
        assert head[1] == 4
    assert kms.decrypt(CiphertextBlob=fresh, EncryptionContext={"v": "1"})["Plaintext"] == blobs[0][0]

    d.restart()
    kms = kms_client(d)
    _all_decrypt(kms, kid, blobs)
    assert kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"] == dk["Plaintext"]
    assert len(kms.list_key_rotations(KeyId=kid)["Rotations"]) == 3
    # rotating after the restart adds version 5; everything still decrypts
    kms.rotate_key_on_demand(KeyId=kid)
    blob5 = kms.encrypt(KeyId=kid, Plaintext=b"five")["CiphertextBlob"]
    head = blob_header(blob5, kid)
    if head is not None:
        assert head[1] == 5
    _all_decrypt(kms, kid, blobs)
    assert kms.decrypt(CiphertextBlob=blob5)["Plaintext"] == b"five"


def test_list_key_rotations_paging(kms, new_key):
    kid = new_key()["KeyId"]
    for _ in range(3):
        kms.rotate_key_on_demand(KeyId=kid)
    page = kms.list_key_rotations(KeyId=kid, Limit=2)
    assert len(page["Rotations"]) == 2 and page["Truncated"] is True
    rest = kms.list_key_rotations(KeyId=kid, Limit=2, Marker=page["NextMarker"])
    assert len(rest["Rotations"]) == 1 and rest["Truncated"] is False
    # With the first material, four entries; a marker belongs to its own key and listing.
    page = kms.list_key_rotations(KeyId=kid, Limit=3, IncludeKeyMaterial="ALL_KEY_MATERIAL")
    rest = kms.list_key_rotations(KeyId=kid, Limit=3, IncludeKeyMaterial="ALL_KEY_MATERIAL", Marker=page["NextMarker"])
    assert (len(page["Rotations"]), len(rest["Rotations"]), rest["Truncated"]) == (3, 1, False)
    other = new_key()["KeyId"]
    kms.rotate_key_on_demand(KeyId=other)
    kms_error(kms.list_key_rotations, "InvalidMarkerException", KeyId=other, Marker=page["NextMarker"])
    kms_error(kms.list_key_rotations, "InvalidMarkerException", KeyId=kid, Marker=page["NextMarker"])


# --------------------------------------------------------------------------- key policies and tags

def test_key_policy_get_put(kms, new_key):
    kid = new_key()["KeyId"]
    got = kms.get_key_policy(KeyId=kid, PolicyName="default")
    assert got["PolicyName"] == "default"
    doc = json.loads(got["Policy"])
    stmts = doc["Statement"]
    assert any(s["Effect"] == "Allow" and s["Principal"] == {"AWS": ROOT_ARN} and s["Action"] in ("kms:*", ["kms:*"])
               for s in stmts), doc
    assert json.loads(kms.get_key_policy(KeyId=kid)["Policy"]) == doc

    mine = policy(ROOT_STATEMENT, {"Sid": "ReadOnlyForAuditors", "Effect": "Allow",
                                   "Principal": {"AWS": "arn:aws:iam::111122223333:user/auditor"},
                                   "Action": ["kms:DescribeKey", "kms:GetKeyPolicy"], "Resource": "*"})
    kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=mine)
    assert json.loads(kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]) == json.loads(mine)
    assert kms.list_key_policies(KeyId=kid)["PolicyNames"] == ["default"]

    for bad in ("{", "not json", json.dumps({"Version": "2012-10-17"}),
                json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Principal": "*",
                                                                    "Action": "kms:*", "Resource": "*"}]})):
        kms_error(kms.put_key_policy, "MalformedPolicyDocumentException", KeyId=kid,
                  PolicyName="default", Policy=bad)
    assert json.loads(kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]) == json.loads(mine)

    created = kms.create_key(Policy=mine)["KeyMetadata"]["KeyId"]
    assert json.loads(kms.get_key_policy(KeyId=created, PolicyName="default")["Policy"]) == json.loads(mine)
    kms_error(kms.create_key, "MalformedPolicyDocumentException", Policy="{")

    # Over 32 KB is a limit, not a malformed document (the model: LimitExceededException).
    padded = json.loads(mine)
    padded["Statement"][0]["Sid"] = "x" * 33_000
    kms_error(kms.put_key_policy, "LimitExceededException", KeyId=kid, PolicyName="default", Policy=json.dumps(padded))
    kms_error(kms.create_key, "LimitExceededException", Policy=json.dumps(padded))
    # The KMS guide: ForAllValues on kms:EncryptionContext:KEY or aws:RequestTag/KEY, single-valued
    # keys for which the test also passes when they are missing, is refused (OverlyPermissiveCondition).
    for key in ("kms:EncryptionContext:aws:sqs:arn", "aws:RequestTag/team"):
        loose = json.loads(mine)
        loose["Statement"].append({"Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "kms:Decrypt", "Resource": "*",
                                   "Condition": {"ForAllValues:StringEquals": {key: "x"}}})
        error = kms_error(kms.put_key_policy, "MalformedPolicyDocumentException", KeyId=kid, PolicyName="default",
                          Policy=json.dumps(loose))
        assert "OverlyPermissiveCondition" in error["Error"]["Message"]
    assert json.loads(kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]) == json.loads(mine)


def test_key_policy_lockout_safety_check(kms, new_key):
    kid = new_key()["KeyId"]
    lockout = policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/somebody-else"},
                      "Action": "kms:*", "Resource": "*"})
    kms_error(kms.put_key_policy, "MalformedPolicyDocumentException", KeyId=kid, PolicyName="default",
              Policy=lockout)
    kms_error(kms.create_key, "MalformedPolicyDocumentException", Policy=lockout)
    # naming the caller itself is not a lockout
    me = policy({"Effect": "Allow", "Principal": {"AWS": ADMIN_ARN}, "Action": "kms:*", "Resource": "*"})
    kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=me)
    # The check judges the later PutKeyPolicy with the keys it would carry (the caller's account,
    # the key's own properties), as enforcement will.
    conditional = policy({"Effect": "Allow", "Principal": {"AWS": ADMIN_ARN}, "Action": "kms:*", "Resource": "*",
                          "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT, "kms:KeySpec": "SYMMETRIC_DEFAULT",
                                                         "kms:KeyOrigin": "AWS_KMS"}}})
    kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=conditional)
    kms.create_key(Policy=conditional)
    kms_error(kms.create_key, "MalformedPolicyDocumentException", Policy=conditional, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    # A new key's own tags count too: the later PutKeyPolicy is made on a tagged key.
    by_tag = policy({"Effect": "Allow", "Principal": {"AWS": ADMIN_ARN}, "Action": "kms:*", "Resource": "*",
                     "Condition": {"StringEquals": {"aws:ResourceTag/owner": "admin"}}})
    kms.create_key(Policy=by_tag, Tags=[{"TagKey": "owner", "TagValue": "admin"}])
    kms_error(kms.create_key, "MalformedPolicyDocumentException", Policy=by_tag, Tags=[{"TagKey": "owner", "TagValue": "else"}])
    kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(ROOT_STATEMENT))
    # bypassing the check locks the admin out of that key
    kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=lockout, BypassPolicyLockoutSafetyCheck=True)
    denied(kms.describe_key, KeyId=kid)
    denied(kms.encrypt, KeyId=kid, Plaintext=b"x")
    denied(kms.put_key_policy, KeyId=kid, PolicyName="default", Policy=policy(ROOT_STATEMENT))


def test_tags(kms, new_key):
    kid = new_key(Tags=[{"TagKey": "a", "TagValue": "1"}])["KeyId"]
    kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "b", "TagValue": "2"}, {"TagKey": "a", "TagValue": "one"}])
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=kid)["Tags"]}
    assert tags == {"a": "one", "b": "2"}
    kms.untag_resource(KeyId=kid, TagKeys=["a", "not-there"])
    assert kms.list_resource_tags(KeyId=kid)["Tags"] == [{"TagKey": "b", "TagValue": "2"}]
    kms.tag_resource(KeyId=KEY_ARN_PREFIX + kid, Tags=[{"TagKey": "empty", "TagValue": ""}])
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=kid)["Tags"]}
    assert tags == {"b": "2", "empty": ""}
    kms_error(kms.tag_resource, "NotFoundException", KeyId=str(uuid.uuid4()),
              Tags=[{"TagKey": "x", "TagValue": "y"}])
    kms_error(kms.list_resource_tags, "NotFoundException", KeyId=str(uuid.uuid4()))


def test_tag_limits_reserved_prefix_and_paging(kms, new_key):
    many = [{"TagKey": f"k{i:02d}", "TagValue": str(i)} for i in range(51)]
    kms_error(kms.create_key, "TagException", Tags=many)
    kms_error(kms.create_key, "TagException", Tags=[{"TagKey": "aws:cloudformation:stack-name", "TagValue": "x"}])
    kid = new_key(Tags=many[:30])["KeyId"]
    kms_error(kms.tag_resource, "TagException", KeyId=kid, Tags=[{"TagKey": "AWS:owner", "TagValue": "x"}])
    kms_error(kms.tag_resource, "TagException", KeyId=kid, Tags=many[30:])
    # Keys that differ only in case would be one aws:ResourceTag key to every policy: refused.
    kms_error(kms.tag_resource, "TagException", KeyId=kid, Tags=[{"TagKey": "K00", "TagValue": "x"}])
    kms_error(kms.create_key, "TagException", Tags=[{"TagKey": "env", "TagValue": "a"}, {"TagKey": "Env", "TagValue": "b"}])
    first = kms.list_resource_tags(KeyId=kid, Limit=10)
    assert [t["TagKey"] for t in first["Tags"]] == [f"k{i:02d}" for i in range(10)] and first["Truncated"]
    rest = kms.list_resource_tags(KeyId=kid, Marker=first["NextMarker"])
    assert len(rest["Tags"]) == 20 and not rest["Truncated"]
    kms_error(kms.list_resource_tags, "InvalidMarkerException", KeyId=kid, Marker="garbage")
    kms_error(kms.list_resource_tags, "ValidationException", KeyId=kid, Limit=51)


def test_key_usage_must_suit_the_key_spec(kms):
    kms_error(kms.create_key, "ValidationException", KeySpec="HMAC_256")
    kms_error(kms.create_key, "ValidationException", KeySpec="HMAC_256", KeyUsage="ENCRYPT_DECRYPT")
    kms_error(kms.create_key, "ValidationException", KeyUsage="GENERATE_VERIFY_MAC")
    assert kms.create_key(KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyUsage"] == "ENCRYPT_DECRYPT"


def test_update_key_description_and_the_one_policy_name(kms, new_key):
    kid = new_key(Description="before")["KeyId"]
    kms.update_key_description(KeyId=kid, Description="after")
    assert kms.describe_key(KeyId=kid)["KeyMetadata"]["Description"] == "after"
    kms_error(kms.update_key_description, "NotFoundException", KeyId=str(uuid.uuid4()), Description="x")
    policy = kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]
    kms_error(kms.get_key_policy, "NotFoundException", KeyId=kid, PolicyName="other")
    kms_error(kms.put_key_policy, "NotFoundException", KeyId=kid, PolicyName="other", Policy=policy)
    assert kms.get_key_policy(KeyId=kid)["Policy"] == policy


def test_rotation_without_a_period_goes_back_to_365_days(kms, new_key):
    kid = new_key()["KeyId"]
    kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=100)
    assert kms.get_key_rotation_status(KeyId=kid)["RotationPeriodInDays"] == 100
    kms.enable_key_rotation(KeyId=kid)
    assert kms.get_key_rotation_status(KeyId=kid)["RotationPeriodInDays"] == 365


def test_an_on_demand_rotation_keeps_the_automatic_schedule(kms, new_key):
    """RotateKeyOnDemand: "On-demand rotations do not change existing automatic rotation schedules."""
    kid = new_key()["KeyId"]
    kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
    scheduled = kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"]
    time.sleep(1.2)
    kms.rotate_key_on_demand(KeyId=kid)
    assert kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"] == scheduled


def test_key_material_ids_name_the_material_each_call_used(kms, new_key, hmac_key):
    """KMS model: CurrentKeyMaterialId "is present for symmetric encryption keys"; Decrypt,
    GenerateDataKey and ReEncrypt name the key material they used; ListKeyRotations gives each
    rotation's KeyMaterialId and KeyMaterialState, and with ALL_KEY_MATERIAL "adds the first key
    material" (which has no RotationDate or RotationType)."""
    kid = new_key()["KeyId"]
    first = kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    old = kms.encrypt(KeyId=kid, Plaintext=b"before")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=old)["KeyMaterialId"] == first
    kms.rotate_key_on_demand(KeyId=kid)
    second = kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert re.fullmatch(r"[0-9a-f]{64}", second) and second != first
    assert kms.decrypt(CiphertextBlob=old)["KeyMaterialId"] == first
    assert kms.generate_data_key(KeyId=kid, KeySpec="AES_256")["KeyMaterialId"] == second
    assert kms.generate_data_key_without_plaintext(KeyId=kid, NumberOfBytes=16)["KeyMaterialId"] == second
    moved = kms.re_encrypt(CiphertextBlob=old, DestinationKeyId=kid)
    assert (moved["SourceKeyMaterialId"], moved["DestinationKeyMaterialId"]) == (first, second)
    rotations = kms.list_key_rotations(KeyId=kid)["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"], r["RotationType"]) for r in rotations] == [(second, "CURRENT", "ON_DEMAND")]
    everything = kms.list_key_rotations(KeyId=kid, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"]) for r in everything] == [(first, "NON_CURRENT"), (second, "CURRENT")]
    assert "RotationDate" not in everything[0] and "RotationType" not in everything[0]
    assert kms.list_key_rotations(KeyId=kid, IncludeKeyMaterial="ROTATIONS_ONLY")["Rotations"] == rotations
    assert "CurrentKeyMaterialId" not in kms.describe_key(KeyId=hmac_key["KeyId"])["KeyMetadata"]
    kms_error(kms.list_key_rotations, "UnsupportedOperationException", KeyId=hmac_key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")


def test_a_recipient_is_refused_rather_than_answered_in_plaintext(kms, new_key):
    kid = new_key()["KeyId"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"for an enclave")["CiphertextBlob"]
    recipient = {"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": b"not-an-attestation"}
    kms_error(kms.decrypt, "UnsupportedOperationException", CiphertextBlob=blob, Recipient=recipient)
    kms_error(kms.generate_data_key, "UnsupportedOperationException", KeyId=kid, KeySpec="AES_256", Recipient=recipient)
    kms_error(kms.generate_random, "UnsupportedOperationException", NumberOfBytes=16, Recipient=recipient)
    kms_error(kms.generate_random, "UnsupportedOperationException", NumberOfBytes=16, CustomKeyStoreId="cks-1234567890abcdef0")
    kms_error(kms.generate_random, "ValidationException")


# --------------------------------------------------------------------------- grants (admin side)

def test_grant_management(kms, new_key):
    meta = new_key()
    kid = meta["KeyId"]
    grantee, retirer = user_arn("grant-user-" + uuid.uuid4().hex[:6]), user_arn("retirer-" + uuid.uuid4().hex[:6])
    g1 = kms.create_grant(KeyId=kid, GranteePrincipal=grantee, RetiringPrincipal=retirer, Name="first",
                          Operations=["Encrypt", "Decrypt"],
                          Constraints={"EncryptionContextSubset": {"tenant": "t1"}})
    assert g1["GrantId"] and g1["GrantToken"]
    g2 = kms.create_grant(KeyId=meta["Arn"], GranteePrincipal=grantee, Operations=["GenerateDataKey"],
                          Constraints={"EncryptionContextEquals": {"tenant": "t2"}})
    grants = {g["GrantId"]: g for g in kms.list_grants(KeyId=kid)["Grants"]}
    assert set(grants) == {g1["GrantId"], g2["GrantId"]}
    first = grants[g1["GrantId"]]
    assert first["KeyId"] == meta["Arn"] and first["Name"] == "first"
    assert first["GranteePrincipal"] == grantee and first["RetiringPrincipal"] == retirer
    assert sorted(first["Operations"]) == ["Decrypt", "Encrypt"]
    assert first["Constraints"] == {"EncryptionContextSubset": {"tenant": "t1"}}
    assert grants[g2["GrantId"]]["Constraints"] == {"EncryptionContextEquals": {"tenant": "t2"}}
    only = kms.list_grants(KeyId=kid, GrantId=g1["GrantId"])["Grants"]
    assert [g["GrantId"] for g in only] == [g1["GrantId"]]
    by_grantee = kms.list_grants(KeyId=kid, GranteePrincipal=grantee)["Grants"]
    assert {g["GrantId"] for g in by_grantee} == {g1["GrantId"], g2["GrantId"]}
    retirable = kms.list_retirable_grants(RetiringPrincipal=retirer)["Grants"]
    assert [g["GrantId"] for g in retirable] == [g1["GrantId"]]

    kms.revoke_grant(KeyId=kid, GrantId=g2["GrantId"])
    assert [g["GrantId"] for g in kms.list_grants(KeyId=kid)["Grants"]] == [g1["GrantId"]]
    kms_error(kms.revoke_grant, ("NotFoundException", "InvalidGrantIdException"), KeyId=kid, GrantId=g2["GrantId"])
    kms.revoke_grant(KeyId=meta["Arn"], GrantId=g1["GrantId"])
    assert kms.list_grants(KeyId=kid)["Grants"] == []
    assert kms.list_retirable_grants(RetiringPrincipal=retirer)["Grants"] == []

    kms_error(kms.create_grant, "ValidationException", KeyId=kid, GranteePrincipal=grantee,
              Operations=["NotAnOperation"])
    kms_error(kms.create_grant, "NotFoundException", KeyId=str(uuid.uuid4()), GranteePrincipal=grantee,
              Operations=["Decrypt"])


# --------------------------------------------------------------------------- authorization

AUTHZ_PRINCIPALS = {
    "Users": [
        {"Name": "admin", "Policies": ["administrator"]},
        {"Name": "kmsuser", "Policies": ["kms-all"]},
        {"Name": "encryptor", "Policies": ["kms-encrypt-only"]},
        {"Name": "nodecrypt", "Policies": ["kms-all", "deny-decrypt"]},
        {"Name": "outsider"},
        {"Name": "grantee"},
        {"Name": "retirer"},
        {"Name": "noretire", "Policies": ["deny-retire"]},
        {"Name": "blueteam", "Policies": ["deny-kms-outside-blue"]},
        {"Name": "creator", "Policies": ["create-only"]},
        {"Name": "tagger", "Policies": ["create-and-tag-blue"]},
        {"Name": "keyowner", "Policies": ["own-keys-and-aliases"]},
        {"Name": "nobypass", "Policies": ["kms-all", "deny-bypass"]},
        {"Name": "ipguarded", "Policies": ["kms-all", "deny-outside-ten-unless-via-service"]},
    ],
    "Roles": [],
    "Groups": [],
}

AUTHZ_POLICIES = {
    "administrator": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}]},
    "kms-all": {"Version": "2012-10-17", "Statement": [
        {"Sid": "AllKms", "Effect": "Allow", "Action": "kms:*", "Resource": "*"}]},
    "kms-encrypt-only": {"Version": "2012-10-17", "Statement": [
        {"Sid": "EncryptOnly", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:DescribeKey"],
         "Resource": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"}]},
    "deny-kms-outside-blue": {"Version": "2012-10-17", "Statement": [
        {"Sid": "OnlyBlueKeys", "Effect": "Deny", "Action": "kms:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "blue"}}}]},
    "deny-retire": {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoRetire", "Effect": "Deny", "Action": "kms:RetireGrant", "Resource": "*"}]},
    "deny-decrypt": {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoDecrypt", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}]},
    "create-only": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Create", "Effect": "Allow", "Action": ["kms:CreateKey", "kms:DescribeKey"], "Resource": "*"}]},
    "own-keys-and-aliases": {"Version": "2012-10-17", "Statement": [
        {"Sid": "OwnKeys", "Effect": "Allow", "Action": "kms:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/owner": "keyowner"}}},
        {"Sid": "OwnAliases", "Effect": "Allow", "Action": ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
         "Resource": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/keyowner-*"}]},
    # The KMS guide's guard against keys nobody can manage, and IAM's network guard that
    # spares calls AWS services make for the caller.
    "deny-bypass": {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoLockoutBypass", "Effect": "Deny", "Action": ["kms:CreateKey", "kms:PutKeyPolicy"], "Resource": "*",
         "Condition": {"Bool": {"kms:BypassPolicyLockoutSafetyCheck": "true"}}}]},
    "deny-outside-ten-unless-via-service": {"Version": "2012-10-17", "Statement": [
        {"Sid": "OnlyFromTen", "Effect": "Deny", "Action": "kms:*", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "Bool": {"aws:ViaAWSService": "false"}}}]},
    "create-and-tag-blue": {"Version": "2012-10-17", "Statement": [
        {"Sid": "CreateBlue", "Effect": "Allow", "Action": ["kms:CreateKey", "kms:TagResource"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}]},
}


@pytest.fixture(scope="module")
def authz(tmp_path_factory):
    base = tmp_path_factory.mktemp("sealq-kms-authz")
    policies = write_policies_dir(str(base / "policies"), AUTHZ_PRINCIPALS, AUTHZ_POLICIES)
    d = Daemon(str(base), policies_dir=policies)
    names = [u["Name"] for u in AUTHZ_PRINCIPALS["Users"] if u["Name"] != "admin"]
    keys = {n: create_access_key(n, d.data_dir, policies) for n in names}
    d.start()
    clients = {n: kms_client(d, *keys[n]) for n in names}
    ns = SimpleNamespace(daemon=d, admin=kms_client(d), client=clients.__getitem__,
                         new_key=lambda **kw: kms_client(d).create_key(**kw)["KeyMetadata"])
    yield ns
    d.stop()


def test_an_alias_is_changed_only_with_rights_on_it_and_on_every_key_it_names(authz):
    """KMS authorizes CreateAlias, UpdateAlias and DeleteAlias on the alias and on the keys it
    names, old and new: a principal with rights on its own key cannot repoint another's alias."""
    admin, owner = authz.admin, authz.client("keyowner")
    theirs = authz.new_key()["KeyId"]
    mine = authz.new_key(Tags=[{"TagKey": "owner", "TagValue": "keyowner"}])["KeyId"]
    name = f"alias/payments-{uuid.uuid4().hex[:6]}"
    admin.create_alias(AliasName=name, TargetKeyId=theirs)
    denied(owner.update_alias, AliasName=name, TargetKeyId=mine)
    denied(owner.delete_alias, AliasName=name)
    assert key_uuid(admin.describe_key(KeyId=name)["KeyMetadata"]["KeyId"]) == theirs
    own = f"alias/keyowner-{uuid.uuid4().hex[:6]}"
    allowed(owner.create_alias, AliasName=own, TargetKeyId=mine)
    denied(owner.update_alias, AliasName=own, TargetKeyId=theirs)  # no rights on the new key
    denied(owner.create_alias, AliasName=f"alias/other-{uuid.uuid4().hex[:6]}", TargetKeyId=mine)  # nor on that alias
    allowed(owner.delete_alias, AliasName=own)
    allowed(authz.client("kmsuser").update_alias, AliasName=name, TargetKeyId=mine)


def test_a_key_policy_limits_what_a_grant_may_carry_with_grant_condition_keys(authz):
    """kms:GrantOperations and kms:GranteePrincipal reach CreateGrant's conditions: the documented
    way to limit grants (ForAllValues on a missing key would allow every operation)."""
    admin, outsider = authz.admin, authz.client("outsider")
    kid = authz.new_key()["KeyId"]
    admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "LimitedGrants", "Effect": "Allow", "Principal": {"AWS": user_arn("outsider")}, "Action": "kms:CreateGrant",
         "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Encrypt", "GenerateDataKey"]},
                                        "StringEquals": {"kms:GranteePrincipal": user_arn("outsider")}}}))
    denied(outsider.create_grant, KeyId=kid, GranteePrincipal=user_arn("outsider"), Operations=["Decrypt"])
    denied(outsider.create_grant, KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Encrypt"])
    allowed(outsider.create_grant, KeyId=kid, GranteePrincipal=user_arn("outsider"), Operations=["Encrypt"])
    secret = admin.encrypt(KeyId=kid, Plaintext=b"top secret")["CiphertextBlob"]
    denied(outsider.decrypt, CiphertextBlob=secret)
    kms_error(admin.put_key_policy, "MalformedPolicyDocumentException", KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT, {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/ghost/session"},
                         "Action": "kms:Decrypt", "Resource": "*"}))


def test_tagging_on_create_needs_tag_resource_and_request_tags_reach_conditions(authz):
    creator, tagger = authz.client("creator"), authz.client("tagger")
    allowed(creator.create_key, Description="untagged")
    denied(creator.create_key, Tags=[{"TagKey": "team", "TagValue": "blue"}])
    allowed(tagger.create_key, Tags=[{"TagKey": "team", "TagValue": "blue"}])
    denied(tagger.create_key, Tags=[{"TagKey": "team", "TagValue": "red"}])
    denied(tagger.create_key, Tags=[{"TagKey": "team", "TagValue": "blue"}, {"TagKey": "cost", "TagValue": "7"}])
    denied(tagger.create_key)


def test_default_key_policy_lets_iam_decide(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    blob = admin.encrypt(KeyId=kid, Plaintext=b"iam")["CiphertextBlob"]

    kmsuser = authz.client("kmsuser")
    assert allowed(kmsuser.decrypt, CiphertextBlob=blob)["Plaintext"] == b"iam"
    own = allowed(kmsuser.encrypt, KeyId=kid, Plaintext=b"k")["CiphertextBlob"]
    allowed(kmsuser.describe_key, KeyId=kid)
    allowed(kmsuser.generate_data_key, KeyId=kid, KeySpec="AES_256")

    encryptor = authz.client("encryptor")
    allowed(encryptor.encrypt, KeyId=kid, Plaintext=b"e")
    allowed(encryptor.describe_key, KeyId=kid)
    denied(encryptor.decrypt, CiphertextBlob=own)
    denied(encryptor.generate_data_key, KeyId=kid, KeySpec="AES_256")
    denied(encryptor.schedule_key_deletion, KeyId=kid, PendingWindowInDays=7)
    denied(encryptor.put_key_policy, KeyId=kid, PolicyName="default", Policy=policy(ROOT_STATEMENT))
    denied(encryptor.create_key)

    outsider = authz.client("outsider")
    denied(outsider.encrypt, KeyId=kid, Plaintext=b"x")
    denied(outsider.decrypt, CiphertextBlob=blob)
    denied(outsider.describe_key, KeyId=kid)
    denied(outsider.create_key)
    denied(outsider.disable_key, KeyId=kid)

    nodecrypt = authz.client("nodecrypt")
    allowed(nodecrypt.encrypt, KeyId=kid, Plaintext=b"x")
    denied(nodecrypt.decrypt, CiphertextBlob=blob)
    assert admin.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Enabled"


def test_key_policy_naming_a_user_needs_no_iam_policy(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "OutsiderMayUse", "Effect": "Allow", "Principal": {"AWS": user_arn("outsider")},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"},
        {"Sid": "NodecryptMayUse", "Effect": "Allow", "Principal": {"AWS": user_arn("nodecrypt")},
         "Action": "kms:Decrypt", "Resource": "*"}))
    outsider = authz.client("outsider")
    blob = allowed(outsider.encrypt, KeyId=kid, Plaintext=b"named")["CiphertextBlob"]
    assert allowed(outsider.decrypt, CiphertextBlob=blob)["Plaintext"] == b"named"
    allowed(outsider.describe_key, KeyId=kid)
    denied(outsider.generate_data_key, KeyId=kid, KeySpec="AES_256")
    denied(outsider.disable_key, KeyId=kid)
    # another key with the default policy stays closed to the outsider
    other = authz.new_key()["KeyId"]
    denied(outsider.encrypt, KeyId=other, Plaintext=b"x")
    # a user not named is still governed by IAM alone
    denied(authz.client("grantee").encrypt, KeyId=kid, Plaintext=b"x")
    # an explicit Deny in an identity policy beats the key policy's Allow
    denied(authz.client("nodecrypt").decrypt, CiphertextBlob=blob)


def test_key_policy_conditions_on_the_encryption_context(authz):
    """kms:EncryptionContext:KEY, kms:EncryptionContextKeys and kms:CallerAccount are filled
    from the call, as KMS documents, so key policies can require a tenant's context."""
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "TenantA", "Effect": "Allow", "Principal": {"AWS": user_arn("outsider")},
         "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "a", "kms:CallerAccount": ACCOUNT},
                       "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant", "purpose"]}}}))
    outsider = authz.client("outsider")
    blob = allowed(outsider.encrypt, KeyId=kid, Plaintext=b"t", EncryptionContext={"tenant": "a"})["CiphertextBlob"]
    assert allowed(outsider.decrypt, CiphertextBlob=blob, EncryptionContext={"tenant": "a"})["Plaintext"] == b"t"
    allowed(outsider.encrypt, KeyId=kid, Plaintext=b"t", EncryptionContext={"tenant": "a", "purpose": "x"})
    denied(outsider.encrypt, KeyId=kid, Plaintext=b"t", EncryptionContext={"tenant": "b"})
    denied(outsider.encrypt, KeyId=kid, Plaintext=b"t")
    denied(outsider.encrypt, KeyId=kid, Plaintext=b"t", EncryptionContext={"tenant": "a", "other": "y"})


def test_encryption_context_keys_that_differ_only_in_case_are_one_condition_key(authz):
    """kms:EncryptionContext:KEY "is not case sensitive": a second pair whose key differs only in
    case adds a value to the same condition key, it does not replace the first, so a Deny on
    Stage=Restricted holds every time (it used to depend on dictionary order)."""
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "NoRestricted", "Effect": "Deny", "Principal": {"AWS": user_arn("kmsuser")},
         "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:EncryptionContext:Stage": "Restricted"}}}))
    kmsuser = authz.client("kmsuser")
    allowed(kmsuser.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"Stage": "Open"})
    denied(kmsuser.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"Stage": "Restricted"})
    for decoy in ("stage", "STAGE", "sTaGe", "stAGE"):
        for _ in range(5):
            denied(kmsuser.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"Stage": "Restricted", decoy: "harmless"})
            denied(kmsuser.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={decoy: "harmless", "Stage": "Restricted"})
    # The guide's other pattern, a Deny unless the value is right: a decoy with the right value
    # beside the wrong one does not make it pass either (the strictest reading decides).
    other = authz.new_key()["KeyId"]
    admin.put_key_policy(KeyId=other, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "OnlyIT", "Effect": "Deny", "Principal": {"AWS": user_arn("kmsuser")}, "Action": ["kms:Encrypt", "kms:Decrypt"],
         "Resource": "*", "Condition": {"StringNotEquals": {"kms:EncryptionContext:Department": "IT"}}}))
    allowed(kmsuser.encrypt, KeyId=other, Plaintext=b"x", EncryptionContext={"Department": "IT"})
    allowed(kmsuser.encrypt, KeyId=other, Plaintext=b"x", EncryptionContext={"Department": "IT", "department": "IT"})
    denied(kmsuser.encrypt, KeyId=other, Plaintext=b"x", EncryptionContext={"Department": "Finance"})
    for _ in range(5):
        denied(kmsuser.encrypt, KeyId=other, Plaintext=b"x", EncryptionContext={"Department": "Finance", "department": "IT"})


def test_request_tags_that_differ_only_in_case_are_one_condition_key(authz):
    kid = authz.new_key()["KeyId"]
    authz.admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "NoProdTags", "Effect": "Deny", "Principal": {"AWS": user_arn("kmsuser")}, "Action": "kms:TagResource",
         "Resource": "*", "Condition": {"StringEquals": {"aws:RequestTag/env": "prod"}}}))
    kmsuser = authz.client("kmsuser")
    for _ in range(8):
        denied(kmsuser.tag_resource, KeyId=kid, Tags=[{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "ENV", "TagValue": "dev"}])
    assert authz.admin.list_resource_tags(KeyId=kid)["Tags"] == []
    authz.admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "DevTagsOnly", "Effect": "Deny", "Principal": {"AWS": user_arn("kmsuser")}, "Action": "kms:TagResource",
         "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestTag/env": "dev"}}}))
    allowed(kmsuser.tag_resource, KeyId=kid, Tags=[{"TagKey": "env", "TagValue": "dev"}])
    for _ in range(5):
        denied(kmsuser.tag_resource, KeyId=kid, Tags=[{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "ENV", "TagValue": "dev"}])
    assert authz.admin.list_resource_tags(KeyId=kid)["Tags"] == [{"TagKey": "env", "TagValue": "dev"}]


def test_guards_written_with_documented_global_and_kms_keys_apply(authz):
    """kms:BypassPolicyLockoutSafetyCheck carries the call's flag, and aws:ViaAWSService is false
    on a call made directly: the deny guards of the KMS guide and of IAM's examples apply."""
    nobypass = authz.client("nobypass")
    denied(nobypass.create_key, BypassPolicyLockoutSafetyCheck=True, Policy=policy(ROOT_STATEMENT))
    kid = allowed(nobypass.create_key)["KeyMetadata"]["KeyId"]
    denied(nobypass.put_key_policy, KeyId=kid, PolicyName="default", Policy=policy(ROOT_STATEMENT),
           BypassPolicyLockoutSafetyCheck=True)
    allowed(nobypass.put_key_policy, KeyId=kid, PolicyName="default", Policy=policy(ROOT_STATEMENT))
    ipguarded = authz.client("ipguarded")
    denied(ipguarded.encrypt, KeyId=kid, Plaintext=b"x")
    denied(ipguarded.generate_data_key, KeyId=kid, KeySpec="AES_256")


def test_conditions_on_the_keys_own_properties_and_the_requests_algorithm(authz):
    """kms:KeySpec, kms:KeyUsage, kms:KeyOrigin, kms:ResourceAliases, kms:RequestAlias,
    kms:EncryptionAlgorithm (SYMMETRIC_DEFAULT when a symmetric call names none), kms:MacAlgorithm
    and kms:GrantConstraintType are filled as the KMS guide documents them."""
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    alias = "alias/" + unique_name("finance")
    admin.create_alias(AliasName=alias, TargetKeyId=kid)
    admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "Properties", "Effect": "Allow", "Principal": {"AWS": user_arn("outsider")}, "Action": ["kms:Encrypt", "kms:Decrypt"],
         "Resource": "*", "Condition": {
             "StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT", "kms:KeyOrigin": "AWS_KMS"},
             "ForAnyValue:StringEquals": {"kms:ResourceAliases": alias}}},
        {"Sid": "ViaAlias", "Effect": "Allow", "Principal": {"AWS": user_arn("grantee")}, "Action": "kms:Encrypt",
         "Resource": "*", "Condition": {"StringEquals": {"kms:RequestAlias": alias}}},
        {"Sid": "SymmetricOnly", "Effect": "Deny", "Principal": "*", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
         "Resource": "*", "Condition": {"StringNotEquals": {"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}}},
        {"Sid": "EqualsGrantsOnly", "Effect": "Allow", "Principal": {"AWS": user_arn("retirer")}, "Action": "kms:CreateGrant",
         "Resource": "*", "Condition": {"StringEquals": {"kms:GrantConstraintType": "EncryptionContextEquals"}}}))
    outsider = authz.client("outsider")
    blob = allowed(outsider.encrypt, KeyId=kid, Plaintext=b"p")["CiphertextBlob"]
    allowed(outsider.decrypt, CiphertextBlob=blob, EncryptionAlgorithm="SYMMETRIC_DEFAULT")
    allowed(admin.generate_data_key, KeyId=kid, KeySpec="AES_256")
    grantee = authz.client("grantee")
    allowed(grantee.encrypt, KeyId=alias, Plaintext=b"p")
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"p")
    retirer = authz.client("retirer")
    allowed(retirer.create_grant, KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"],
            Constraints={"EncryptionContextEquals": {"a": "b"}})
    denied(retirer.create_grant, KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"],
           Constraints={"EncryptionContextSubset": {"a": "b"}})
    denied(retirer.create_grant, KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"])
    admin.delete_alias(AliasName=alias)
    denied(outsider.encrypt, KeyId=kid, Plaintext=b"p")


def test_key_policy_deny_beats_admin_allow(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    blob = admin.encrypt(KeyId=kid, Plaintext=b"deny")["CiphertextBlob"]
    admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT,
        {"Sid": "NoDecryptForAdmin", "Effect": "Deny", "Principal": {"AWS": ADMIN_ARN},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncryptFrom"], "Resource": "*"}))
    allowed(admin.encrypt, KeyId=kid, Plaintext=b"still")
    denied(admin.decrypt, CiphertextBlob=blob)
    denied(admin.generate_data_key, KeyId=kid, KeySpec="AES_256")
    denied(admin.generate_data_key_without_plaintext, KeyId=kid, KeySpec="AES_256")
    denied(admin.re_encrypt, CiphertextBlob=blob, DestinationKeyId=kid)
    # others keep their IAM allow
    assert allowed(authz.client("kmsuser").decrypt, CiphertextBlob=blob)["Plaintext"] == b"deny"
    # the admin may still change the policy, and then decrypt again
    admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(ROOT_STATEMENT))
    assert admin.decrypt(CiphertextBlob=blob)["Plaintext"] == b"deny"


def test_key_policy_without_account_statement_ignores_iam(authz):
    admin = authz.admin
    only_outsider = policy({"Sid": "OutsiderOwnsIt", "Effect": "Allow",
                            "Principal": {"AWS": user_arn("outsider")}, "Action": "kms:*", "Resource": "*"})
    kms_error(admin.create_key, "MalformedPolicyDocumentException", Policy=only_outsider)
    kid = admin.create_key(Policy=only_outsider, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["KeyId"]

    denied(admin.describe_key, KeyId=kid)
    denied(admin.encrypt, KeyId=kid, Plaintext=b"x")
    denied(admin.get_key_policy, KeyId=kid, PolicyName="default")
    denied(admin.schedule_key_deletion, KeyId=kid, PendingWindowInDays=7)
    kmsuser = authz.client("kmsuser")
    denied(kmsuser.encrypt, KeyId=kid, Plaintext=b"x")
    denied(kmsuser.describe_key, KeyId=kid)

    outsider = authz.client("outsider")
    blob = allowed(outsider.encrypt, KeyId=kid, Plaintext=b"outsider's")["CiphertextBlob"]
    assert allowed(outsider.decrypt, CiphertextBlob=blob)["Plaintext"] == b"outsider's"
    denied(admin.decrypt, CiphertextBlob=blob)
    # the key's owner hands it back to the account (which locks the owner out: that needs the bypass)
    kms_error(outsider.put_key_policy, "MalformedPolicyDocumentException", KeyId=kid, PolicyName="default",
              Policy=policy(ROOT_STATEMENT))
    allowed(outsider.put_key_policy, KeyId=kid, PolicyName="default", Policy=policy(ROOT_STATEMENT),
            BypassPolicyLockoutSafetyCheck=True)
    assert admin.decrypt(CiphertextBlob=blob)["Plaintext"] == b"outsider's"
    assert kmsuser.decrypt(CiphertextBlob=blob)["Plaintext"] == b"outsider's"
    denied(outsider.decrypt, CiphertextBlob=blob)


def test_a_key_policy_must_name_principals_that_exist(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    for ghost in (user_arn("no-such-user"), f"arn:aws:iam::{ACCOUNT}:role/no-such-role"):
        error = kms_error(admin.put_key_policy, "MalformedPolicyDocumentException", KeyId=kid, PolicyName="default",
                          Policy=policy(ROOT_STATEMENT, {"Effect": "Allow", "Principal": {"AWS": [user_arn("outsider"), ghost]},
                                                         "Action": "kms:Decrypt", "Resource": "*"}))
        assert "invalid principals" in error["Error"]["Message"]
    allowed(admin.put_key_policy, KeyId=kid, PolicyName="default", Policy=policy(
        ROOT_STATEMENT, {"Effect": "Allow", "Principal": {"AWS": user_arn("outsider")}, "Action": "kms:Decrypt", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/elsewhere"}, "Action": "kms:Decrypt", "Resource": "*"}))


def test_policy_naming_the_admin_passes_lockout_check_and_shuts_out_iam(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    admin.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy(
        {"Effect": "Allow", "Principal": {"AWS": ADMIN_ARN}, "Action": "kms:*", "Resource": "*"}))
    blob = allowed(admin.encrypt, KeyId=kid, Plaintext=b"admin only")["CiphertextBlob"]
    denied(authz.client("kmsuser").decrypt, CiphertextBlob=blob)
    denied(authz.client("kmsuser").describe_key, KeyId=kid)
    assert admin.decrypt(CiphertextBlob=blob)["Plaintext"] == b"admin only"


def test_grants_authorize_the_grantee_under_constraints(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    grantee = authz.client("grantee")
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t1"})

    g = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"),
                           RetiringPrincipal=user_arn("retirer"),
                           Operations=["Encrypt", "Decrypt", "GenerateDataKey"],
                           Constraints={"EncryptionContextSubset": {"tenant": "t1"}})
    tok = [g["GrantToken"]]
    blob = allowed(grantee.encrypt, KeyId=kid, Plaintext=b"granted", EncryptionContext={"tenant": "t1"},
                   GrantTokens=tok)["CiphertextBlob"]
    wider = allowed(grantee.encrypt, KeyId=kid, Plaintext=b"wider",
                    EncryptionContext={"tenant": "t1", "extra": "y"})["CiphertextBlob"]
    assert allowed(grantee.decrypt, CiphertextBlob=blob, EncryptionContext={"tenant": "t1"})["Plaintext"] == b"granted"
    assert allowed(grantee.decrypt, CiphertextBlob=wider,
                   EncryptionContext={"extra": "y", "tenant": "t1"})["Plaintext"] == b"wider"
    dk = allowed(grantee.generate_data_key, KeyId=kid, KeySpec="AES_256", EncryptionContext={"tenant": "t1"})
    assert len(dk["Plaintext"]) == 32
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t2"})
    # a constraint's keys match in any case (GrantConstraints), its values exactly
    allowed(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"Tenant": "t1"})
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "T1"})
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x")
    other = admin.encrypt(KeyId=kid, Plaintext=b"other tenant", EncryptionContext={"tenant": "t2"})["CiphertextBlob"]
    denied(grantee.decrypt, CiphertextBlob=other, EncryptionContext={"tenant": "t2"})
    denied(grantee.generate_data_key_without_plaintext, KeyId=kid, KeySpec="AES_256",
           EncryptionContext={"tenant": "t1"})
    denied(grantee.describe_key, KeyId=kid)
    denied(grantee.re_encrypt, CiphertextBlob=blob, SourceEncryptionContext={"tenant": "t1"},
           DestinationKeyId=kid, DestinationEncryptionContext={"tenant": "t1"})
    # the grant is for this key only
    denied(grantee.encrypt, KeyId=authz.new_key()["KeyId"], Plaintext=b"x", EncryptionContext={"tenant": "t1"})
    # someone else is not the grantee
    denied(authz.client("outsider").encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t1"})
    # DryRun: authorization first
    dry_run_ok(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t1"})
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t2"}, DryRun=True)

    # the retiring principal retires it
    retirer = authz.client("retirer")
    assert g["GrantId"] in {x["GrantId"] for x in
                            admin.list_retirable_grants(RetiringPrincipal=user_arn("retirer"))["Grants"]}
    allowed(retirer.retire_grant, GrantToken=g["GrantToken"])
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t1"})
    denied(grantee.decrypt, CiphertextBlob=blob, EncryptionContext={"tenant": "t1"})
    assert admin.list_grants(KeyId=kid)["Grants"] == []

    # a grantee may retire a grant that includes RetireGrant
    g2 = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Encrypt", "RetireGrant"])
    allowed(grantee.encrypt, KeyId=kid, Plaintext=b"again")
    allowed(grantee.retire_grant, KeyId=kid, GrantId=g2["GrantId"])
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"again")


def test_an_iam_deny_of_retire_grant_binds_the_grants_own_retiring_principal_and_grantee(authz):
    """KMS developer guide: "To deny permission to retire a grant, you can use a Deny action with
    the kms:RetireGrant permission in your IAM policies" — also for the principal a grant names."""
    admin, noretire = authz.admin, authz.client("noretire")
    kid = authz.new_key()["KeyId"]
    named = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"],
                               RetiringPrincipal=user_arn("noretire"))
    holding = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("noretire"), Operations=["Decrypt", "RetireGrant"])
    denied(noretire.retire_grant, GrantToken=named["GrantToken"])
    denied(noretire.retire_grant, KeyId=kid, GrantId=holding["GrantId"])
    denied(noretire.retire_grant, KeyId=kid, GrantId=named["GrantId"], DryRun=True)
    assert {g["GrantId"] for g in admin.list_grants(KeyId=kid)["Grants"]} == {named["GrantId"], holding["GrantId"]}
    allowed(admin.retire_grant, KeyId=kid, GrantId=named["GrantId"])
    # The refusal is recorded as the deny it is, naming the statement.
    lookup = run_sealq("audit", "lookup", "--data-dir", authz.daemon.data_dir, "--attribute", "EventName=RetireGrant")
    refused = [e for e in (json.loads(line) for line in lookup.stdout.splitlines())
               if e.get("errorCode") == "AccessDeniedException" and e["userIdentity"].get("userName") == "noretire"]
    assert refused and all(e["additionalEventData"]["authorization"]["decision"] == "explicitDeny" for e in refused), refused


def test_a_retirement_is_judged_with_the_keys_tags(authz):
    """The IAM check of RetireGrant sees the key's tags, as every other KMS call does: a Deny of
    kms:* outside keys tagged team=blue lets the retiring principal retire on a blue key, not a red one."""
    admin, blue = authz.admin, authz.client("blueteam")
    for team, outcome in (("blue", allowed), ("red", denied)):
        kid = authz.new_key(Tags=[{"TagKey": "team", "TagValue": team}])["KeyId"]
        grant = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"],
                                   RetiringPrincipal=user_arn("blueteam"))
        outcome(blue.retire_grant, KeyId=kid, GrantId=grant["GrantId"])


def test_a_key_policy_that_allows_with_not_principal_is_refused(authz):
    """IAM: NotPrincipal must be used with Deny; under Allow it would hand the key to every
    principal but the one named, as a queue policy would (refused there too)."""
    admin, outsider = authz.admin, authz.client("outsider")
    kid = authz.new_key()["KeyId"]
    document = policy(ROOT_STATEMENT, {"Sid": "AllButOne", "Effect": "Allow", "NotPrincipal": {"AWS": user_arn("grantee")},
                                       "Action": "kms:Encrypt", "Resource": "*"})
    expect_error(admin.put_key_policy, "MalformedPolicyDocumentException", 400, KeyId=kid, PolicyName="default", Policy=document)
    expect_error(admin.create_key, "MalformedPolicyDocumentException", 400, Policy=document)
    denied(outsider.encrypt, KeyId=kid, Plaintext=b"x")
    denied(authz.client("grantee").encrypt, KeyId=kid, Plaintext=b"x")


def test_a_grantee_with_create_grant_can_grant_only_within_its_grant(authz):
    """KMS developer guide: a principal that gets CreateGrant from a grant may create grants only
    for the operations of that grant, with an equally strict or stricter constraint; the
    constraint itself does not apply to DescribeKey."""
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    secret = admin.encrypt(KeyId=kid, Plaintext=b"payroll")["CiphertextBlob"]
    grantee, outsider = authz.client("grantee"), authz.client("outsider")
    admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Encrypt", "CreateGrant"])
    denied(grantee.create_grant, KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"])
    denied(grantee.create_grant, KeyId=kid, GranteePrincipal=user_arn("outsider"), Operations=["Encrypt", "Decrypt"])
    refusal = denied(grantee.decrypt, CiphertextBlob=secret)["Error"]["Message"]
    assert "resource associated with this ciphertext" in refusal and kid not in refusal, refusal
    allowed(grantee.create_grant, KeyId=kid, GranteePrincipal=user_arn("outsider"), Operations=["Encrypt"])
    allowed(outsider.encrypt, KeyId=kid, Plaintext=b"x")
    denied(outsider.decrypt, CiphertextBlob=secret)

    constrained = authz.new_key()["KeyId"]
    admin.create_grant(KeyId=constrained, GranteePrincipal=user_arn("grantee"),
                       Operations=["Encrypt", "CreateGrant", "DescribeKey"],
                       Constraints={"EncryptionContextSubset": {"dept": "eng"}})
    allowed(grantee.describe_key, KeyId=constrained)
    for constraints in ({}, {"EncryptionContextSubset": {"dept": "ops"}}, {"EncryptionContextEquals": {"team": "a"}}):
        denied(grantee.create_grant, KeyId=constrained, GranteePrincipal=user_arn("outsider"), Operations=["Encrypt"],
               **({"Constraints": constraints} if constraints else {}))
    for constraints in ({"EncryptionContextSubset": {"dept": "eng"}},
                        {"EncryptionContextSubset": {"dept": "eng", "team": "a"}},
                        {"EncryptionContextEquals": {"dept": "eng", "team": "a"}}):
        allowed(grantee.create_grant, KeyId=constrained, GranteePrincipal=user_arn("outsider"), Operations=["Encrypt"],
                Constraints=constraints)


def test_only_grant_principals_may_retire(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    g = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), RetiringPrincipal=user_arn("retirer"),
                           Operations=["Encrypt"])
    # a principal the grant does not name, without any permission, is refused like any
    # unauthorized KMS call
    denied(authz.client("outsider").retire_grant, KeyId=kid, GrantId=g["GrantId"])
    denied(authz.client("outsider").retire_grant, GrantToken=g["GrantToken"])
    # the grantee without RetireGrant in the grant cannot retire it either
    code = error_code(authz.client("grantee").retire_grant, KeyId=kid, GrantId=g["GrantId"])
    assert code == "AccessDeniedException", code
    assert [x["GrantId"] for x in admin.list_grants(KeyId=kid)["Grants"]] == [g["GrantId"]]
    allowed(authz.client("grantee").encrypt, KeyId=kid, Plaintext=b"still granted")


def test_grant_with_context_equals_and_revocation(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    grantee = authz.client("grantee")
    g = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Encrypt", "Decrypt"],
                           Constraints={"EncryptionContextEquals": {"tenant": "t1", "app": "a"}})
    blob = allowed(grantee.encrypt, KeyId=kid, Plaintext=b"equals",
                   EncryptionContext={"app": "a", "tenant": "t1"})["CiphertextBlob"]
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t1"})
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x",
           EncryptionContext={"tenant": "t1", "app": "a", "more": "m"})
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t1", "app": "A"})
    assert allowed(grantee.decrypt, CiphertextBlob=blob,
                   EncryptionContext={"tenant": "t1", "app": "a"})["Plaintext"] == b"equals"
    # a grant without constraints for MACs on an HMAC key
    mac_key = authz.new_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    admin.create_grant(KeyId=mac_key, GranteePrincipal=user_arn("grantee"), Operations=["GenerateMac"])
    mac = allowed(grantee.generate_mac, KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
    denied(grantee.verify_mac, KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_SHA_256", Mac=mac)

    # the grantee cannot revoke; the admin can, and then the grant is gone
    denied(grantee.revoke_grant, KeyId=kid, GrantId=g["GrantId"])
    admin.revoke_grant(KeyId=kid, GrantId=g["GrantId"])
    denied(grantee.decrypt, CiphertextBlob=blob, EncryptionContext={"tenant": "t1", "app": "a"})
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"app": "a", "tenant": "t1"})


def test_dry_run_checks_authorization(authz):
    kid = authz.new_key()["KeyId"]
    blob = authz.admin.encrypt(KeyId=kid, Plaintext=b"dry")["CiphertextBlob"]
    denied(authz.client("outsider").encrypt, KeyId=kid, Plaintext=b"x", DryRun=True)
    denied(authz.client("outsider").decrypt, CiphertextBlob=blob, DryRun=True)
    denied(authz.client("encryptor").decrypt, CiphertextBlob=blob, DryRun=True)
    dry_run_ok(authz.client("encryptor").encrypt, KeyId=kid, Plaintext=b"x")
    dry_run_ok(authz.client("kmsuser").decrypt, CiphertextBlob=blob)


def test_retirable_grants_listing(authz):
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    retiring = user_arn("retirer")
    g = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), RetiringPrincipal=retiring,
                           Operations=["Decrypt"])
    listed = admin.list_retirable_grants(RetiringPrincipal=retiring)["Grants"]
    assert g["GrantId"] in {x["GrantId"] for x in listed}
    retirer = authz.client("retirer")
    allowed(retirer.retire_grant, KeyId=kid, GrantId=g["GrantId"])
    assert g["GrantId"] not in {x["GrantId"] for x in admin.list_retirable_grants(RetiringPrincipal=retiring)["Grants"]}


# --------------------------------------------------------------------------- crypto-shredding


def _never_decrypts(kms, blob, **kw):
    """A deleted key's ciphertext: KMS's answer for a key that does not exist."""
    unknown_ciphertext_key(kms.decrypt, CiphertextBlob=blob, **kw)


def _wrapped_material(daemon, key_id):
    """The JSON text of each wrapped version of `key_id` as the database stores it."""
    db = sqlite3.connect(f"file:{daemon.data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    try:
        (record,) = db.execute("SELECT record FROM kms_keys WHERE key_id = ?", (key_id,)).fetchone()
    finally:
        db.close()
    return [json.dumps(v["wrappedMaterial"], separators=(",", ":")).encode() for v in json.loads(record)["versions"]]


def _files_holding(daemon, needles):
    """Names of the database's files (main file, -wal) that hold any of `needles`."""
    found = []
    for name in sorted(os.listdir(daemon.data_dir)):
        if name.startswith("sealq.sqlite"):
            with open(os.path.join(daemon.data_dir, name), "rb") as f:
                data = f.read()
            found += [name for needle in needles if needle in data]
    return found


def test_deleted_key_is_shredded(tmp_path):
    d = Daemon(str(tmp_path), extra_args=["--kms-deletion-day-seconds", "1"])
    d.start()
    try:
        kms = kms_client(d)
        doomed = kms.create_key(Description="doomed")["KeyMetadata"]
        kid = doomed["KeyId"]
        alias = "alias/doomed"
        kms.create_alias(AliasName=alias, TargetKeyId=kid)
        blobs = [kms.encrypt(KeyId=kid, Plaintext=b"v1 secret", EncryptionContext={"c": "1"})["CiphertextBlob"]]
        dk = kms.generate_data_key(KeyId=kid, KeySpec="AES_256")
        kms.rotate_key_on_demand(KeyId=kid)
        blobs.append(kms.encrypt(KeyId=kid, Plaintext=b"v2 secret", EncryptionContext={"c": "1"})["CiphertextBlob"])
        mac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
        mac = kms.generate_mac(KeyId=mac_key, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
        saved = kms.create_key()["KeyMetadata"]["KeyId"]
        saved_blob = kms.encrypt(KeyId=saved, Plaintext=b"saved")["CiphertextBlob"]
        bystander = kms.create_key()["KeyMetadata"]["KeyId"]
        by_blob = kms.encrypt(KeyId=bystander, Plaintext=b"bystander")["CiphertextBlob"]

        wrapped = _wrapped_material(d, kid)
        assert len(wrapped) == 2, "two versions, each wrapped under the root key"
        started = time.time()
        out = kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        assert 5 <= out["DeletionDate"].timestamp() - started <= 10, out["DeletionDate"]
        kms.schedule_key_deletion(KeyId=mac_key, PendingWindowInDays=7)
        kms.schedule_key_deletion(KeyId=saved, PendingWindowInDays=7)
        assert kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "PendingDeletion"
        kms_error(kms.decrypt, "KMSInvalidStateException", CiphertextBlob=blobs[0], EncryptionContext={"c": "1"})
        time.sleep(1)
        kms.cancel_key_deletion(KeyId=saved)
        assert not kms_key_gone(kms, kid), "deleted before its window ended"

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (kms_key_gone(kms, kid) and kms_key_gone(kms, mac_key)):
            time.sleep(0.25)
        assert kms_key_gone(kms, kid) and kms_key_gone(kms, mac_key), kms.describe_key(KeyId=kid)["KeyMetadata"]
        # never before the DeletionDate it announced (whole seconds, so up to 1 s short of 7 "days")
        assert time.time() >= out["DeletionDate"].timestamp() - 0.01

        def check_shredded(kms):
            for blob in blobs:
                _never_decrypts(kms, blob, EncryptionContext={"c": "1"})
                _never_decrypts(kms, blob)
            _never_decrypts(kms, dk["CiphertextBlob"])
            # Naming the deleted key says that it does not exist, as for any call naming it.
            kms_error(kms.decrypt, "NotFoundException", CiphertextBlob=blobs[0], KeyId=kid, EncryptionContext={"c": "1"})
            kms_error(kms.encrypt, "NotFoundException", KeyId=kid, Plaintext=b"x")
            kms_error(kms.encrypt, "NotFoundException", KeyId=alias, Plaintext=b"x")
            kms_error(kms.verify_mac, "NotFoundException", KeyId=mac_key, Message=b"m",
                      MacAlgorithm="HMAC_SHA_256", Mac=mac)
            kms_error(kms.cancel_key_deletion, "NotFoundException", KeyId=kid)
            listed = {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}
            assert kid not in listed and mac_key not in listed
            assert saved in listed and bystander in listed
            assert alias not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
            # re-encrypting elsewhere is no way out either
            unknown_ciphertext_key(kms.re_encrypt, CiphertextBlob=blobs[1], SourceEncryptionContext={"c": "1"},
                                   DestinationKeyId=bystander)
            assert kms.decrypt(CiphertextBlob=by_blob)["Plaintext"] == b"bystander"

        check_shredded(kms)
        # Each deletion is in the audit log as KMS records it: an AWS service event naming the key.
        db = sqlite3.connect(f"file:{d.data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
        events = [json.loads(record) for (record,) in db.execute("SELECT record FROM audit_records")]
        db.close()
        deleted = sorted((e for e in events if e["eventName"] == "DeleteKey"), key=lambda e: e["resources"][0]["ARN"])
        arns = sorted(f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key}" for key in (kid, mac_key))
        assert [e["resources"][0]["ARN"] for e in deleted] == arns, deleted
        for event, arn in zip(deleted, arns):
            assert event["eventType"] == "AwsServiceEvent" and event["readOnly"] is False, event
            assert event["userIdentity"] == {"accountId": ACCOUNT, "invokedBy": "AWS Internal"}, event
            assert event["responseElements"] == {"keyId": arn} and event["sourceIPAddress"] == "AWS Internal", event
        # No copy of the wrapped material is left in the database file or its write-ahead log.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _files_holding(d, wrapped):
            time.sleep(0.25)
        assert _files_holding(d, wrapped) == []
        # ...and deleted messages are still overwritten afterwards (secure_delete stays on).
        sqs = make_client(d)
        plain = sqs.create_queue(QueueName="after-shred", Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
        marker = f"PLAIN-AFTER-SHRED-{uuid.uuid4().hex}"
        sqs.send_message(QueueUrl=plain, MessageBody=marker)
        received = sqs.receive_message(QueueUrl=plain, WaitTimeSeconds=1)["Messages"][0]
        sqs.delete_message(QueueUrl=plain, ReceiptHandle=received["ReceiptHandle"])
        assert kms.describe_key(KeyId=saved)["KeyMetadata"]["KeyState"] == "Disabled"
        kms.enable_key(KeyId=saved)
        assert kms.decrypt(CiphertextBlob=saved_blob)["Plaintext"] == b"saved"

        d.restart()
        assert _files_holding(d, [marker.encode()]) == [], "the deleted message's body is overwritten"
        kms = kms_client(d)
        check_shredded(kms)
        assert kms_key_gone(kms, kid) and kms_key_gone(kms, mac_key)
        assert kms.decrypt(CiphertextBlob=saved_blob)["Plaintext"] == b"saved"
        # the alias name is free again
        kms.create_alias(AliasName=alias, TargetKeyId=bystander)
    finally:
        d.stop()


# --------------------------------------------------------------------------- aws kms CLI

@pytest.fixture(scope="module")
def aws_kms(daemon, tmp_path_factory):
    if AWS is None:
        pytest.skip("awscli not installed")
    d = tmp_path_factory.mktemp("awscli-kms")
    cfg, creds = d / "config", d / "credentials"
    cfg.write_text("[default]\nregion = us-east-1\noutput = json\n")
    creds.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": ADMIN_KEY, "AWS_SECRET_ACCESS_KEY": ADMIN_SECRET,
                "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": str(cfg),
                "AWS_SHARED_CREDENTIALS_FILE": str(creds), "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": ""})

    def run(*args, check=True):
        p = subprocess.run([AWS, "--endpoint-url", daemon.url, "--output", "json", "kms", *args],
                           env=env, capture_output=True, text=True, timeout=60)
        if check:
            assert p.returncode == 0, (args, p.returncode, p.stderr)
            return json.loads(p.stdout) if p.stdout.strip() else {}
        return p

    run.dir = d
    return run


def test_cli_key_alias_encrypt_decrypt(aws_kms, kms):
    meta = aws_kms("create-key", "--description", "cli key", "--tags", "TagKey=via,TagValue=cli")["KeyMetadata"]
    kid = meta["KeyId"]
    assert meta["KeyState"] == "Enabled" and meta["Description"] == "cli key"
    alias = "alias/" + unique_name("cli")
    aws_kms("create-alias", "--alias-name", alias, "--target-key-id", kid)
    listed = aws_kms("list-aliases", "--key-id", kid)["Aliases"]
    assert [a["AliasName"] for a in listed] == [alias]
    assert aws_kms("describe-key", "--key-id", alias)["KeyMetadata"]["KeyId"] == kid
    assert aws_kms("list-resource-tags", "--key-id", kid)["Tags"] == [{"TagKey": "via", "TagValue": "cli"}]

    secret = b"cli plaintext \x00\xff " + os.urandom(16)
    src = aws_kms.dir / f"{kid}.plain"
    src.write_bytes(secret)
    enc = aws_kms("encrypt", "--key-id", alias, "--plaintext", f"fileb://{src}",
                  "--encryption-context", "app=cli,stage=test")
    assert enc["KeyId"] == KEY_ARN_PREFIX + kid
    blob = base64.b64decode(enc["CiphertextBlob"])
    # what the CLI made, boto3 decrypts, and the other way round
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"stage": "test", "app": "cli"})["Plaintext"] == secret
    blob_file = aws_kms.dir / f"{kid}.blob"
    blob_file.write_bytes(blob)
    dec = aws_kms("decrypt", "--ciphertext-blob", f"fileb://{blob_file}",
                  "--encryption-context", "stage=test,app=cli")
    assert base64.b64decode(dec["Plaintext"]) == secret and dec["KeyId"] == KEY_ARN_PREFIX + kid
    p = aws_kms("decrypt", "--ciphertext-blob", f"fileb://{blob_file}",
                "--encryption-context", "stage=prod,app=cli", check=False)
    assert p.returncode != 0 and "InvalidCiphertextException" in p.stderr, p.stderr
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    p = aws_kms("decrypt", "--ciphertext-blob", f"fileb://{blob_file}", "--key-id", other,
                "--encryption-context", "stage=test,app=cli", check=False)
    assert p.returncode != 0 and "IncorrectKeyException" in p.stderr, p.stderr


def test_cli_data_keys_random_and_mac(aws_kms, kms):
    kid = aws_kms("create-key")["KeyMetadata"]["KeyId"]
    dk = aws_kms("generate-data-key", "--key-id", kid, "--key-spec", "AES_256")
    plain = base64.b64decode(dk["Plaintext"])
    assert len(plain) == 32
    assert kms.decrypt(CiphertextBlob=base64.b64decode(dk["CiphertextBlob"]))["Plaintext"] == plain
    wp = aws_kms("generate-data-key-without-plaintext", "--key-id", kid, "--number-of-bytes", "24")
    assert "Plaintext" not in wp
    assert len(kms.decrypt(CiphertextBlob=base64.b64decode(wp["CiphertextBlob"]))["Plaintext"]) == 24
    rnd = base64.b64decode(aws_kms("generate-random", "--number-of-bytes", "48")["Plaintext"])
    assert len(rnd) == 48

    mac_key = aws_kms("create-key", "--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")["KeyMetadata"]
    msg = aws_kms.dir / "message"
    msg.write_bytes(b"cli mac message")
    mac = aws_kms("generate-mac", "--key-id", mac_key["KeyId"], "--mac-algorithm", "HMAC_SHA_256",
                  "--message", f"fileb://{msg}")["Mac"]
    mac_file = aws_kms.dir / "mac"
    mac_file.write_bytes(base64.b64decode(mac))
    ok = aws_kms("verify-mac", "--key-id", mac_key["KeyId"], "--mac-algorithm", "HMAC_SHA_256",
                 "--message", f"fileb://{msg}", "--mac", f"fileb://{mac_file}")
    assert ok["MacValid"] is True
    msg.write_bytes(b"cli mac message, altered")
    p = aws_kms("verify-mac", "--key-id", mac_key["KeyId"], "--mac-algorithm", "HMAC_SHA_256",
                "--message", f"fileb://{msg}", "--mac", f"fileb://{mac_file}", check=False)
    assert p.returncode != 0 and "KMSInvalidMacException" in p.stderr, p.stderr


def test_cli_states_rotation_policy_and_grants(aws_kms, kms):
    kid = aws_kms("create-key")["KeyMetadata"]["KeyId"]
    aws_kms("disable-key", "--key-id", kid)
    assert aws_kms("describe-key", "--key-id", kid)["KeyMetadata"]["KeyState"] == "Disabled"
    aws_kms("enable-key", "--key-id", kid)
    aws_kms("enable-key-rotation", "--key-id", kid, "--rotation-period-in-days", "180")
    st = aws_kms("get-key-rotation-status", "--key-id", kid)
    assert st["KeyRotationEnabled"] is True and st["RotationPeriodInDays"] == 180
    aws_kms("rotate-key-on-demand", "--key-id", kid)
    assert len(aws_kms("list-key-rotations", "--key-id", kid)["Rotations"]) == 1
    aws_kms("disable-key-rotation", "--key-id", kid)

    assert aws_kms("list-key-policies", "--key-id", kid)["PolicyNames"] == ["default"]
    pol = json.loads(aws_kms("get-key-policy", "--key-id", kid, "--policy-name", "default")["Policy"])
    assert pol["Statement"]
    aws_kms("put-key-policy", "--key-id", kid, "--policy-name", "default", "--policy", policy(ROOT_STATEMENT))
    p = aws_kms("put-key-policy", "--key-id", kid, "--policy-name", "default", "--policy", "{", check=False)
    assert p.returncode != 0 and "MalformedPolicyDocumentException" in p.stderr, p.stderr

    g = aws_kms("create-grant", "--key-id", kid, "--grantee-principal", user_arn("cli-grantee"),
                "--operations", "Encrypt", "Decrypt")
    assert [x["GrantId"] for x in aws_kms("list-grants", "--key-id", kid)["Grants"]] == [g["GrantId"]]
    aws_kms("revoke-grant", "--key-id", kid, "--grant-id", g["GrantId"])
    assert aws_kms("list-grants", "--key-id", kid)["Grants"] == []

    sched = aws_kms("schedule-key-deletion", "--key-id", kid, "--pending-window-in-days", "7")
    assert sched["KeyState"] == "PendingDeletion"
    p = aws_kms("schedule-key-deletion", "--key-id", kid, "--pending-window-in-days", "7", check=False)
    assert p.returncode != 0 and "KMSInvalidStateException" in p.stderr, p.stderr
    aws_kms("cancel-key-deletion", "--key-id", kid)
    assert kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Disabled"
    p = aws_kms("schedule-key-deletion", "--key-id", kid, "--pending-window-in-days", "3", check=False)
    assert p.returncode != 0 and "ValidationException" in p.stderr, p.stderr
    src = aws_kms.dir / "disabled.plain"
    src.write_bytes(b"to a disabled key")
    p = aws_kms("encrypt", "--key-id", kid, "--plaintext", f"fileb://{src}", check=False)
    assert p.returncode != 0 and "DisabledException" in p.stderr, p.stderr


def test_a_key_takes_at_most_fifty_aliases(kms):
    """KMS quotas: "Aliases per KMS key: 50"; past a quota, "requests to create an additional
    resource of that type generate an LimitExceededException"."""
    full, spare = kms.create_key()["KeyMetadata"]["KeyId"], kms.create_key()["KeyMetadata"]["KeyId"]
    tag = uuid.uuid4().hex[:8]
    for i in range(50):
        kms.create_alias(AliasName=f"alias/quota-{tag}-{i:02d}", TargetKeyId=full)
    kms_error(kms.create_alias, "LimitExceededException", AliasName=f"alias/quota-{tag}-50", TargetKeyId=full)
    kms.create_alias(AliasName=f"alias/quota-{tag}-spare", TargetKeyId=spare)
    kms_error(kms.update_alias, "LimitExceededException", AliasName=f"alias/quota-{tag}-spare", TargetKeyId=full)
    kms.update_alias(AliasName=f"alias/quota-{tag}-00", TargetKeyId=full)  # already there: no new alias
    kms.delete_alias(AliasName=f"alias/quota-{tag}-00")
    kms.update_alias(AliasName=f"alias/quota-{tag}-spare", TargetKeyId=full)
    assert len(kms.list_aliases(KeyId=full, Limit=100)["Aliases"]) == 50


def test_listings_go_on_past_items_deleted_between_pages_and_keep_aws_page_sizes(kms):
    """A marker names where the previous page ended, so deleting the next item (or the last
    one returned) between pages neither ends the listing nor repeats anything; a marker only
    works for the listing it came from. ListAliases and ListGrants page 50 by default and take
    a Limit of 1-100, as the KMS API reference says."""
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    # At most 50 aliases per key (KMS's quota): 40 on this key, 20 more on another.
    names = [f"alias/paging-{uuid.uuid4().hex[:8]}-{i:02d}" for i in range(40)]
    for name in names:
        kms.create_alias(AliasName=name, TargetKeyId=key)
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    for i in range(20):
        kms.create_alias(AliasName=f"alias/paging-other-{uuid.uuid4().hex[:8]}-{i:02d}", TargetKeyId=other)
    names.sort()
    first = kms.list_aliases(KeyId=key, Limit=10)
    assert [a["AliasName"] for a in first["Aliases"]] == names[:10] and first["Truncated"]
    kms.delete_alias(AliasName=names[10])  # the first of the next page
    kms.delete_alias(AliasName=names[9])   # the last one returned
    rest = kms.list_aliases(KeyId=key, Limit=10, Marker=first["NextMarker"])
    assert [a["AliasName"] for a in rest["Aliases"]] == names[11:21]
    kms_error(kms.list_aliases, "InvalidMarkerException", Limit=10, Marker=first["NextMarker"])  # another listing
    whole = kms.list_aliases()
    assert len(whole["Aliases"]) == 50 and whole["Truncated"]
    kms_error(kms.list_aliases, "ValidationException", KeyId=key, Limit=101)
    grants = [kms.create_grant(KeyId=key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:root", Operations=["Decrypt"])["GrantId"]
              for _ in range(55)]
    page = kms.list_grants(KeyId=key)
    assert len(page["Grants"]) == 50 and page["Truncated"]
    kms.revoke_grant(KeyId=key, GrantId=[g for g in grants if g not in {x["GrantId"] for x in page["Grants"]}][0])
    tail = kms.list_grants(KeyId=key, Marker=page["NextMarker"])
    assert len(tail["Grants"]) == 4 and not tail["Truncated"]
    assert not {g["GrantId"] for g in tail["Grants"]} & {g["GrantId"] for g in page["Grants"]}
    kms_error(kms.list_grants, "ValidationException", KeyId=key, Limit=101)


# --------------------------------------------------------------------------- conformance sweep (session 17)

def test_concurrent_alias_changes_keep_memory_and_store_in_step(fresh_daemon):
    """Changes to one alias are applied in one order in memory and on disk: two racing
    UpdateAlias calls leave the same target after a restart, and an UpdateAlias racing a
    DeleteAlias that succeeded never brings the alias back."""
    import threading
    d = fresh_daemon()
    admin = kms_client(d)
    clients = [kms_client(d), kms_client(d)]
    keys = [admin.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)]
    prefix = "alias/race-" + uuid.uuid4().hex[:6]

    def race(*calls):
        threads = [threading.Thread(target=call) for call in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def quietly(fn, **kwargs):
        try:
            fn(**kwargs)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "NotFoundException", e.response["Error"]

    for i in range(40):
        updated, deleted = f"{prefix}-u{i}", f"{prefix}-d{i}"
        admin.create_alias(AliasName=updated, TargetKeyId=keys[0])
        admin.create_alias(AliasName=deleted, TargetKeyId=keys[0])
        race(lambda: clients[0].update_alias(AliasName=updated, TargetKeyId=keys[1]),
             lambda: clients[1].update_alias(AliasName=updated, TargetKeyId=keys[2]))
        race(lambda: quietly(clients[0].update_alias, AliasName=deleted, TargetKeyId=keys[1]),
             lambda: clients[1].delete_alias(AliasName=deleted))

    def listed():
        names = {}
        for page in admin.get_paginator("list_aliases").paginate():
            names.update({a["AliasName"]: a.get("TargetKeyId") for a in page["Aliases"] if a["AliasName"].startswith(prefix)})
        return names

    before = listed()
    assert sorted(before) == sorted(f"{prefix}-u{i}" for i in range(40)), "a deleted alias came back"
    assert all(target in (keys[1], keys[2]) for target in before.values())
    d.restart()
    admin = kms_client(d)
    assert listed() == before


def test_a_grant_gives_only_operations_its_key_can_perform(kms, new_key, hmac_key):
    sym, mac = new_key()["KeyId"], hmac_key["KeyId"]
    grantee = user_arn("grantee")
    kms_error(kms.create_grant, "ValidationException", KeyId=sym, GranteePrincipal=grantee, Operations=["GenerateMac"])
    kms_error(kms.create_grant, "ValidationException", KeyId=mac, GranteePrincipal=grantee, Operations=["Encrypt", "VerifyMac"])
    kms_error(kms.create_grant, "ValidationException", KeyId=mac, GranteePrincipal=grantee, Operations=["GenerateDataKey"])
    assert kms.create_grant(KeyId=mac, GranteePrincipal=grantee, Operations=["GenerateMac", "VerifyMac", "DescribeKey"])["GrantId"]
    assert kms.create_grant(KeyId=sym, GranteePrincipal=grantee, Operations=["Decrypt", "RetireGrant"])["GrantId"]
    error = kms_error(kms.create_grant, "ValidationException", KeyId=sym, GranteePrincipal=grantee, Operations=["CreateGrant"])
    assert "only the CreateGrant operation" in error["Error"]["Message"]


def test_a_disabled_key_takes_no_new_grant(kms, new_key):
    kid = new_key()["KeyId"]
    kms.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"])
    kms.disable_key(KeyId=kid)
    kms_error(kms.create_grant, "DisabledException", KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"])
    kms_error(kms.create_grant, "DisabledException", KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"],
              DryRun=True)
    # its existing grants can still be listed and revoked
    grant = kms.list_grants(KeyId=kid)["Grants"][0]
    kms.revoke_grant(KeyId=kid, GrantId=grant["GrantId"])
    kms.enable_key(KeyId=kid)
    assert kms.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Decrypt"])["GrantId"]


def test_grant_constraint_keys_match_in_any_case_and_values_exactly(authz):
    """GrantConstraints: "the key in each key-value pair is not case sensitive, but the value is"."""
    admin, grantee = authz.admin, authz.client("grantee")
    kid = authz.new_key()["KeyId"]
    admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Encrypt"],
                       Constraints={"EncryptionContextSubset": {"Tenant": "t1"}})
    allowed(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "t1", "other": "y"})
    allowed(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"TENANT": "t1"})
    denied(grantee.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"tenant": "T1"})
    exact = authz.new_key()["KeyId"]
    admin.create_grant(KeyId=exact, GranteePrincipal=user_arn("grantee"), Operations=["Encrypt"],
                       Constraints={"EncryptionContextEquals": {"Dept": "eng"}})
    allowed(grantee.encrypt, KeyId=exact, Plaintext=b"x", EncryptionContext={"dept": "eng"})
    denied(grantee.encrypt, KeyId=exact, Plaintext=b"x", EncryptionContext={"dept": "eng", "more": "pairs"})
    denied(grantee.encrypt, KeyId=exact, Plaintext=b"x", EncryptionContext={"dept": "Eng"})


def test_the_account_retires_grants_through_principals_it_allows(authz):
    """RetireGrant: besides the principals a grant names, the account that created it may retire
    it, through principals whose IAM policies allow kms:RetireGrant."""
    admin = authz.admin
    kid = authz.new_key()["KeyId"]
    for_root = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), RetiringPrincipal=ROOT_ARN,
                                  Operations=["Encrypt"])
    allowed(admin.retire_grant, KeyId=kid, GrantId=for_root["GrantId"])
    own = admin.create_grant(KeyId=kid, GranteePrincipal=user_arn("grantee"), Operations=["Encrypt"])
    dry_run_ok(authz.client("kmsuser").retire_grant, GrantToken=own["GrantToken"])
    denied(authz.client("encryptor").retire_grant, GrantToken=own["GrantToken"])
    denied(authz.client("outsider").retire_grant, KeyId=kid, GrantId=own["GrantId"])
    allowed(authz.client("kmsuser").retire_grant, GrantToken=own["GrantToken"])
    assert admin.list_grants(KeyId=kid)["Grants"] == []


def test_on_demand_rotation_allows_25_per_key(kms, new_key):
    kid = new_key()["KeyId"]
    for _ in range(25):
        kms.rotate_key_on_demand(KeyId=kid)
    kms_error(kms.rotate_key_on_demand, "LimitExceededException", KeyId=kid)
    assert len(kms.list_key_rotations(KeyId=kid, Limit=100)["Rotations"]) == 25


def test_reencrypt_does_not_name_a_key_only_the_blob_names(kms, new_key):
    kid = new_key()["KeyId"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"secret")["CiphertextBlob"]
    head = blob_header(blob, kid)
    if head is None:
        pytest.skip("blob layout without a raw key id")
    at, _ = head
    ghost = str(uuid.uuid4())
    relabelled = blob[:at] + uuid.UUID(ghost).bytes + blob[at + 16:]
    resp = unknown_ciphertext_key(kms.re_encrypt, CiphertextBlob=relabelled, DestinationKeyId=kid)
    assert ghost not in json.dumps(resp["Error"])
    unknown_ciphertext_key(kms.decrypt, CiphertextBlob=relabelled)
    # naming the source key itself still says whether it exists
    kms_error(kms.re_encrypt, "NotFoundException", CiphertextBlob=relabelled, SourceKeyId=ghost, DestinationKeyId=kid)


def test_a_dry_run_ignoring_the_ciphertext_must_name_the_key(kms, new_key):
    kid = new_key()["KeyId"]
    for fn, named in ((kms.decrypt, {"KeyId": kid}), (kms.re_encrypt, {"SourceKeyId": kid, "DestinationKeyId": kid})):
        unnamed = {k: v for k, v in named.items() if k == "DestinationKeyId"}
        kms_error(fn, "ValidationException", DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"], **unnamed)
        dry_run_ok(fn, DryRunModifiers=["IGNORE_CIPHERTEXT"], **named)


def test_alias_names_and_alias_arns_are_checked_before_any_lookup(kms, new_key):
    kid = new_key()["KeyId"]
    name = "alias/" + unique_name("named")
    kms.create_alias(AliasName=name, TargetKeyId=kid)
    resp = kms_error(kms.delete_alias, "ValidationException", AliasName=name[len("alias/"):])
    assert "Key '" not in resp["Error"]["Message"], resp["Error"]
    # key/alias/NAME is neither a key ARN nor an alias ARN
    for fn, extra in ((kms.describe_key, {}), (kms.encrypt, {"Plaintext": b"x"})):
        kms_error(fn, "NotFoundException", KeyId=f"{KEY_ARN_PREFIX}{name}", **extra)
    assert kms.describe_key(KeyId=f"{ALIAS_ARN_PREFIX}{name[len('alias/'):]}")["KeyMetadata"]["KeyId"] == kid


def test_a_grant_constraint_whose_keys_differ_only_in_case_is_refused(kms, new_key):
    kid = new_key()["KeyId"]
    for kind in ("EncryptionContextSubset", "EncryptionContextEquals"):
        kms_error(kms.create_grant, "ValidationException", KeyId=kid, GranteePrincipal=user_arn("grantee"),
                  Operations=["Encrypt"], Constraints={kind: {"a": "1", "A": "2"}})


# --------------------------------------------------------------------------- limits a key policy and KMS set

def test_key_policies_can_limit_the_deletion_window_the_rotation_period_and_same_key_reencryption(kms):
    """The API reference: "You can use the kms:ScheduleKeyDeletionPendingWindowInDays condition
    key to further constrain the values that principals can specify in the PendingWindowInDays
    parameter", likewise kms:RotationPeriodInDays; kms:ReEncryptOnSameKey tells a ReEncrypt onto
    its own key. A call naming no value is judged by the default (30 days, 365 days)."""
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "MinWindow", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
         "Condition": {"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}},
        {"Sid": "MinPeriod", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:EnableKeyRotation", "Resource": "*",
         "Condition": {"NumericLessThan": {"kms:RotationPeriodInDays": "365"}}},
        {"Sid": "NoSameKey", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["kms:ReEncryptFrom", "kms:ReEncryptTo"],
         "Resource": "*", "Condition": {"Bool": {"kms:ReEncryptOnSameKey": "true"}}}]}
    key = kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    denied(kms.enable_key_rotation, KeyId=key, RotationPeriodInDays=90)
    allowed(kms.enable_key_rotation, KeyId=key)
    allowed(kms.enable_key_rotation, KeyId=key, RotationPeriodInDays=400)
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    denied(kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=key)
    moved = allowed(kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=other)["CiphertextBlob"]
    allowed(kms.re_encrypt, CiphertextBlob=moved, DestinationKeyId=key)
    denied(kms.schedule_key_deletion, KeyId=key, PendingWindowInDays=7)
    assert allowed(kms.schedule_key_deletion, KeyId=key)["PendingWindowInDays"] == 30


def test_grant_constraints_only_on_symmetric_keys_and_within_their_limits(kms, new_key, hmac_key):
    """CreateGrant: "You cannot use an encryption context grant constraint for cryptographic
    operations with asymmetric KMS keys or HMAC KMS keys"; "Each constraint value can include up
    to 8 encryption context pairs. The encryption context value in each constraint cannot exceed
    384 characters." Refused with ValidationException, no grant made."""
    grantee = user_arn("someone")
    kms_error(kms.create_grant, "ValidationException", KeyId=hmac_key["KeyId"], GranteePrincipal=grantee,
              Operations=["GenerateMac"], Constraints={"EncryptionContextEquals": {"team": "blue"}})
    assert kms.list_grants(KeyId=hmac_key["KeyId"])["Grants"] == []
    key = new_key()["KeyId"]
    for constraint in ({f"k{i}": "v" for i in range(9)}, {"k": "v" * 385}):
        kms_error(kms.create_grant, "ValidationException", KeyId=key, GranteePrincipal=grantee, Operations=["Decrypt"],
                  Constraints={"EncryptionContextSubset": constraint})
    allowed(kms.create_grant, KeyId=key, GranteePrincipal=grantee, Operations=["Decrypt"],
            Constraints={"EncryptionContextSubset": {**{f"k{i}": "v" for i in range(7)}, "k": "v" * 384}})


def test_concurrent_rotations_and_named_grants_keep_kms_limits(daemon, kms, new_key):
    """25 on-demand rotations per key, however many calls arrive at once; retries of one named
    grant made at once return one grant ("the original GrantId is returned")."""
    from concurrent.futures import ThreadPoolExecutor
    key = new_key()["KeyId"]
    for _ in range(23):
        kms.rotate_key_on_demand(KeyId=key)
    clients = [kms_client(daemon) for _ in range(6)]

    def rotate(client):
        try:
            client.rotate_key_on_demand(KeyId=key)
            return "ok"
        except ClientError as e:
            return e.response["Error"]["Code"]
    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(rotate, clients))
    assert sorted(outcomes) == ["LimitExceededException"] * 4 + ["ok"] * 2, outcomes
    rotations = kms.list_key_rotations(KeyId=key, Limit=100)["Rotations"]
    assert len([r for r in rotations if r["RotationType"] == "ON_DEMAND"]) == 25

    grant = dict(KeyId=key, GranteePrincipal=user_arn("someone"), Operations=["Decrypt"], Name="retried")
    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(lambda client: client.create_grant(**grant)["GrantId"], clients[:4]))
    assert len(ids) == 1 and [g["GrantId"] for g in kms.list_grants(KeyId=key)["Grants"]] == list(ids)


def test_rotation_status_while_pending_deletion_and_describe_key_fields(kms, new_key):
    """GetKeyRotationStatus: "While a KMS key is pending deletion, its key rotation status is false
    ... If you cancel the deletion, the original key rotation status returns to true."
    DescribeKey shows a single-Region key's DeletionDate, and PendingDeletionWindowInDays only
    for PendingReplicaDeletion (never here)."""
    key = new_key()["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    status = kms.get_key_rotation_status(KeyId=key)
    assert status["KeyRotationEnabled"] is False and "NextRotationDate" not in status and "RotationPeriodInDays" not in status
    metadata = kms.describe_key(KeyId=key)["KeyMetadata"]
    assert "DeletionDate" in metadata and "PendingDeletionWindowInDays" not in metadata
    kms.cancel_key_deletion(KeyId=key)
    status = kms.get_key_rotation_status(KeyId=key)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365


def test_key_tags_hold_only_the_characters_aws_allows(kms, new_key):
    """Tags: letters, digits, white space and _ . : / = + - @ (as for queue tags): TagException."""
    key = new_key()["KeyId"]
    for tag in ({"TagKey": "a<>", "TagValue": "v"}, {"TagKey": "team", "TagValue": "v|w"}):
        kms_error(kms.tag_resource, "TagException", KeyId=key, Tags=[tag])
        kms_error(kms.create_key, "TagException", Tags=[tag])
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": "Team Name_1.x:y/z=+-@", "TagValue": "Équipe bleue"}])
    assert kms.list_resource_tags(KeyId=key)["Tags"] == [{"TagKey": "Team Name_1.x:y/z=+-@", "TagValue": "Équipe bleue"}]


def test_an_encryption_context_of_thousands_of_names_differing_in_case_is_answered(daemon):
    """20,000 names that differ only in case are one condition key with 20,000 values; gathering
    them was quadratic (20 s of CPU for one Encrypt), now sorted once."""
    import itertools
    kms = kms_client(daemon, read_timeout=60)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    context = {"".join(bits): f"v{i}" for i, bits in enumerate(itertools.islice(itertools.product("aA", repeat=16), 20000))}
    blob = kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext=context)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"x"
