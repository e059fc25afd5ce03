"""Policy-testing tools (issue 4), end to end: IAM SimulateCustomPolicy / SimulatePrincipalPolicy
and STS GetCallerIdentity on the daemon's endpoint (boto3 and the aws CLI), and the
`sealq policy simulate | validate | who-can` commands.

Expectations come from the IAM API reference (SimulateCustomPolicy, SimulatePrincipalPolicy,
EvaluationResult, Statement, Position, ContextEntry), the IAM user guide's policy evaluation
logic and condition operators, the aws CLI's own examples (awscli/examples/iam/
simulate-custom-policy.rst) and the IAM Access Analyzer policy check reference.

One daemon serves the whole module, with a policies directory written here."""

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import time
import uuid

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT, ADMIN_KEY, ADMIN_SECRET, REGION, REPO_POLICIES, SEALQ_BIN, Daemon, make_client, write_policies_dir

AWS = shutil.which("aws")
needs_aws_cli = pytest.mark.skipif(AWS is None, reason="the aws CLI is not installed")

IAM_ARN = f"arn:aws:iam::{ACCOUNT}"
SQS_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}"
ADMIN_ARN = f"{IAM_ARN}:user/admin"


def user(name):
    return f"{IAM_ARN}:user/{name}"


def doc(*statements, version="2012-10-17"):
    d = {"Statement": list(statements)}
    if version is not None:
        d = {"Version": version, **d}
    return json.dumps(d, separators=(",", ":"))


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# --------------------------------------------------------------------------
# The module's principals and policies
# --------------------------------------------------------------------------

PRINCIPALS = {
    "Users": [
        # `admin` is not defined: it gets the built-in AdministratorAccess.
        {"Name": "alice", "Groups": ["devs", "guard"], "Policies": ["send-wc"], "Tags": {"team": "blue"}},
        {"Name": "ipuser", "Policies": ["send-from-office"]},
        {"Name": "denied", "Policies": ["send-any", "deny-send"]},
        {"Name": "guarded", "Groups": ["loopback-only"], "Policies": ["send-any"]},
        {"Name": "abac-blue", "Policies": ["abac-send"], "Tags": {"team": "blue"}},
        {"Name": "abac-red", "Policies": ["abac-send"], "Tags": {"team": "red"}},
        {"Name": "simulator", "Policies": ["may-simulate"]},
        {"Name": "nobody"},
        {"Name": "partner"},
    ],
    "Roles": [{"Name": "reader", "Path": "/ops/", "Policies": ["read-only"]}],
    "Groups": [
        {"Name": "devs", "Policies": ["dev-receive"]},
        {"Name": "guard", "Policies": ["deny-purge"]},
        {"Name": "loopback-only", "Policies": ["deny-outside-loopback"]},
    ],
}

POLICIES = {
    "send-wc": {"Version": "2012-10-17", "Statement": [
        {"Sid": "SendWc", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:wc-*"}]},
    "dev-receive": {"Version": "2012-10-17", "Statement": [
        {"Sid": "DevReceive", "Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:PurgeQueue"],
         "Resource": "*"}]},
    "deny-purge": {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoPurge", "Effect": "Deny", "Action": "sqs:PurgeQueue", "Resource": "*"}]},
    "send-from-office": {"Version": "2012-10-17", "Statement": [
        {"Sid": "OfficeOnly", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]},
    "send-any": {"Version": "2012-10-17", "Statement": [
        {"Sid": "SendAny", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]},
    "deny-send": {"Version": "2012-10-17", "Statement": [
        {"Sid": "NeverSend", "Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*"}]},
    "deny-outside-loopback": {"Version": "2012-10-17", "Statement": [
        {"Sid": "LoopbackOnly", "Effect": "Deny", "Action": "sqs:*", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}}}]},
    "abac-send": {"Version": "2012-10-17", "Statement": [
        {"Sid": "SameTeam", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]},
    "may-simulate": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Simulate", "Effect": "Allow", "Action": "iam:SimulateCustomPolicy", "Resource": "*"}]},
    "read-only": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": ["sqs:GetQueueAttributes", "sqs:ListQueues"],
         "Resource": "*"}]},
}


def write_policies(path):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "principals.json"), "w") as f:
        json.dump(PRINCIPALS, f, indent=4)
    for name, body in POLICIES.items():
        with open(os.path.join(path, name + ".json"), "w") as f:
            json.dump(body, f, indent=4)
    return path


def policy_text(name):
    """The text of a policy file exactly as written (json.dump with indent=4)."""
    return json.dumps(POLICIES[name], indent=4)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    base = tmp_path_factory.mktemp("policy-tools")
    policies = write_policies(str(base / "policies"))
    d = Daemon(str(base / "daemon"), policies_dir=policies)
    d.start()
    yield d
    d.stop()


def client(d, service, key=ADMIN_KEY, secret=ADMIN_SECRET, unsigned=False):
    cfg = dict(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)
    if unsigned:
        cfg["signature_version"] = UNSIGNED
    return boto3.session.Session().client(
        service, endpoint_url=d.url, region_name=REGION, aws_access_key_id=key,
        aws_secret_access_key=secret, config=Config(**cfg))


@pytest.fixture(scope="module")
def iam(env):
    return client(env, "iam")


@pytest.fixture(scope="module")
def sqs(env):
    return client(env, "sqs")


def sealq(*args, timeout=60):
    if not os.path.exists(SEALQ_BIN):
        pytest.fail(f"sealq binary not found at {SEALQ_BIN} (set SEALQ_BIN)")
    return subprocess.run([SEALQ_BIN, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def aws_env(key=ADMIN_KEY, secret=ADMIN_SECRET, tmp=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION=REGION,
             AWS_DEFAULT_OUTPUT="json", AWS_PAGER="", AWS_MAX_ATTEMPTS="1",
             AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    return e


def aws(d, *args, key=ADMIN_KEY, secret=ADMIN_SECRET, cwd=None):
    return subprocess.run([AWS, *args, "--endpoint-url", d.url], capture_output=True, text=True,
                          timeout=60, env=aws_env(key, secret), cwd=cwd, stdin=subprocess.DEVNULL)


def error_of(fn, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    r = ei.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"].get("Message", "")


# --------------------------------------------------------------------------
# Positions: Line/Column of a statement's braces
# --------------------------------------------------------------------------

def _line_col(text, i):
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return line, col


def _matching_brace(text, open_index):
    assert text[open_index] == "{"
    depth, i, in_str = 0, open_index, False
    while i < len(text):
        c = text[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise AssertionError("unbalanced braces")


def statement_braces(text, marker):
    """1-based (line, column) of the `{` and the `}` of the statement object that contains
    `marker` (a unique piece of it, such as its Sid member)."""
    at = text.index(marker)
    depth, i = 0, at
    while True:  # walk back to the innermost unclosed `{`
        i -= 1
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                break
            depth -= 1
    close = _matching_brace(text, i)
    return _line_col(text, i), _line_col(text, close)


def aws_positions(text, marker):
    """StartPosition/EndPosition as IAM reports them. The aws CLI's documented example
    (awscli/examples/iam/simulate-custom-policy.rst, Example 1) sends
    {"Version":"2012-10-17","Statement":{"Effect":"Allow",...}} — the statement's `{` is
    column 37 and its `}` column 166 — and shows StartPosition {Line 1, Column 38} and
    EndPosition {Line 1, Column 167}: both are the column just after the brace."""
    (l1, c1), (l2, c2) = statement_braces(text, marker)
    return {"Line": l1, "Column": c1 + 1}, {"Line": l2, "Column": c2 + 1}


def matched(result):
    """[(SourcePolicyId, EndPosition)] of a result's MatchedStatements."""
    return [(m["SourcePolicyId"], m["EndPosition"]) for m in result["MatchedStatements"]]


def end_of(text, marker):
    return aws_positions(text, marker)[1]


# --------------------------------------------------------------------------
# 1. SimulateCustomPolicy / SimulatePrincipalPolicy / GetCallerIdentity
# --------------------------------------------------------------------------

def test_allowed_explicit_and_implicit_deny(iam):
    p = doc({"Sid": "A", **allow("sqs:*")}, {"Sid": "D", **deny("sqs:DeleteQueue")})
    r = iam.simulate_custom_policy(
        PolicyInputList=[p], ActionNames=["sqs:SendMessage", "sqs:DeleteQueue", "iam:ListUsers"])
    res = r["EvaluationResults"]
    assert [x["EvalActionName"] for x in res] == ["sqs:SendMessage", "sqs:DeleteQueue", "iam:ListUsers"]
    assert all(x["EvalResourceName"] == "*" for x in res)
    assert [x["EvalDecision"] for x in res] == ["allowed", "explicitDeny", "implicitDeny"]
    assert matched(res[0]) == [("PolicyInputList.1", end_of(p, '"Sid":"A"'))]
    # On an explicit deny, only the deny statement is listed, although the Allow matched too.
    assert matched(res[1]) == [("PolicyInputList.1", end_of(p, '"Sid":"D"'))]
    assert res[2]["MatchedStatements"] == []
    assert r["IsTruncated"] is False
    for x in res:
        assert x["MissingContextValues"] == []
        assert "PermissionsBoundaryDecisionDetail" not in x


def test_across_accounts_both_the_identity_and_the_resource_policy_must_allow(iam):
    """IAM cross-account evaluation: a caller of another account needs an allow on each side."""
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:shared"
    stranger = "arn:aws:iam::111111111111:user/x"
    grant = doc({"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sqs:SendMessage", "Resource": queue})

    def decide(policies, resource_policy=None, caller=stranger, **extra):
        args = dict(PolicyInputList=policies, ActionNames=["sqs:SendMessage"], ResourceArns=[queue], CallerArn=caller, **extra)
        if resource_policy:
            args["ResourcePolicy"] = resource_policy
        return iam.simulate_custom_policy(**args)["EvaluationResults"][0]["EvalDecision"]
    assert decide([doc(allow("sqs:*"))]) == "implicitDeny", "identity side only"
    assert decide([], grant) == "implicitDeny", "resource side only"
    assert decide([doc(allow("sqs:*"))], grant) == "allowed"
    assert decide([doc(allow("sqs:*")), doc(deny("sqs:SendMessage"))], grant) == "explicitDeny"
    # Same account: either side is enough.
    local = f"arn:aws:iam::{ACCOUNT}:user/partner"
    assert decide([doc(allow("sqs:*"))], caller=local) == "allowed"
    # ResourceOwner names the owner of resources whose ARN does not (an S3 bucket, say).
    bucket = iam.simulate_custom_policy(
        PolicyInputList=[doc(allow("s3:GetObject"))], ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::shared/k"],
        CallerArn=local, ResourceOwner="arn:aws:iam::111111111111:root")["EvaluationResults"][0]["EvalDecision"]
    assert bucket == "implicitDeny"


def test_source_policy_id_counts_policies(iam):
    p1 = doc(allow("sqs:ReceiveMessage"))
    p2 = doc({"Sid": "Two", **allow("sqs:SendMessage")})
    p3 = doc({"Sid": "Three", **deny("sqs:PurgeQueue")})
    res = iam.simulate_custom_policy(
        PolicyInputList=[p1, p2, p3],
        ActionNames=["sqs:SendMessage", "sqs:PurgeQueue"])["EvaluationResults"]
    assert res[0]["EvalDecision"] == "allowed"
    assert matched(res[0]) == [("PolicyInputList.2", end_of(p2, '"Sid":"Two"'))]
    assert res[1]["EvalDecision"] == "explicitDeny"
    assert matched(res[1]) == [("PolicyInputList.3", end_of(p3, '"Sid":"Three"'))]


def test_empty_policy_input_list_is_an_implicit_deny(iam):
    res = iam.simulate_custom_policy(PolicyInputList=[], ActionNames=["sqs:SendMessage"])
    assert len(res["EvaluationResults"]) == 1
    r = res["EvaluationResults"][0]
    assert (r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) == \
        ("sqs:SendMessage", "*", "implicitDeny")
    assert r["MatchedStatements"] == []


def test_statement_positions_of_the_aws_cli_documented_example(iam):
    """awscli/examples/iam/simulate-custom-policy.rst, Example 1, verbatim: the documented
    answer is allowed, PolicyInputList.1, StartPosition 1:38, EndPosition 1:167. The example
    predates SourcePolicyType; IAM now answers "IAM Policy" for identity policies, those of
    PolicyInputList included."""
    p = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*",'
         '"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}')
    res = iam.simulate_custom_policy(
        PolicyInputList=[p], ActionNames=["dynamodb:CreateBackup"],
        ContextEntries=[{"ContextKeyName": "aws:CurrentTime", "ContextKeyType": "date",
                         "ContextKeyValues": ["2019-04-25T11:00:00Z"]}])["EvaluationResults"]
    assert res == [{
        "EvalActionName": "dynamodb:CreateBackup", "EvalResourceName": "*", "EvalDecision": "allowed",
        "MatchedStatements": [{"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy",
                               "StartPosition": {"Line": 1, "Column": 38},
                               "EndPosition": {"Line": 1, "Column": 167}}],
        "MissingContextValues": []}]
    # Example 2: the same policy with a date before the condition's.
    res = iam.simulate_custom_policy(
        PolicyInputList=[p], ActionNames=["dynamodb:CreateBackup"],
        ContextEntries=[{"ContextKeyName": "aws:CurrentTime", "ContextKeyType": "date",
                         "ContextKeyValues": ["2014-04-25T11:00:00Z"]}])["EvaluationResults"]
    assert res[0]["EvalDecision"] == "implicitDeny" and res[0]["MatchedStatements"] == []


def test_statement_positions_multiline_and_second_statement(iam):
    p = ('{\n'
         '    "Version": "2012-10-17",\n'
         '    "Statement": [\n'
         '        {\n'
         '            "Sid": "First",\n'
         '            "Effect": "Allow",\n'
         '            "Action": "sqs:SendMessage",\n'
         '            "Resource": "*"\n'
         '        },\n'
         '        {"Sid": "Second", "Effect": "Deny",\n'
         '         "Action": ["sqs:DeleteQueue"], "Resource": "*"}\n'
         '    ]\n'
         '}')
    res = iam.simulate_custom_policy(PolicyInputList=[p], ActionNames=["sqs:SendMessage", "sqs:DeleteQueue"])
    first, second = res["EvaluationResults"]
    start, end = aws_positions(p, '"Sid": "First"')
    assert (start, end) == ({"Line": 4, "Column": 10}, {"Line": 9, "Column": 10})
    assert first["MatchedStatements"] == [
        {"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy", "StartPosition": start, "EndPosition": end}]
    start, end = aws_positions(p, '"Sid": "Second"')
    assert (start, end) == ({"Line": 10, "Column": 10}, {"Line": 11, "Column": 57})
    assert second["EvalDecision"] == "explicitDeny"
    assert second["MatchedStatements"] == [
        {"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy", "StartPosition": start, "EndPosition": end}]


def test_several_resources_give_one_result_per_action_and_resource(iam):
    p = doc({"Sid": "Orders", **allow(["sqs:SendMessage", "sqs:ReceiveMessage"], "arn:aws:sqs:*:*:orders-*")})
    arns = [f"{SQS_ARN}:orders-a", f"{SQS_ARN}:other", f"{SQS_ARN}:orders-b"]
    res = iam.simulate_custom_policy(
        PolicyInputList=[p], ActionNames=["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:PurgeQueue"],
        ResourceArns=arns)["EvaluationResults"]
    assert len(res) == 9
    got = {(x["EvalActionName"], x["EvalResourceName"]): x["EvalDecision"] for x in res}
    assert len(got) == 9
    for action in ("sqs:SendMessage", "sqs:ReceiveMessage"):
        assert got[(action, arns[0])] == "allowed"
        assert got[(action, arns[1])] == "implicitDeny"
        assert got[(action, arns[2])] == "allowed"
    assert {got[("sqs:PurgeQueue", a)] for a in arns} == {"implicitDeny"}


def test_permissions_boundary_caps_identity_policy(iam):
    ident = doc({"Sid": "All", **allow("sqs:*")})
    boundary = doc(allow("sqs:ReceiveMessage"))
    res = iam.simulate_custom_policy(
        PolicyInputList=[ident], PermissionsBoundaryPolicyInputList=[boundary],
        ActionNames=["sqs:SendMessage", "sqs:ReceiveMessage"])["EvaluationResults"]
    send, receive = res
    assert send["EvalDecision"] == "implicitDeny"
    assert send["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    assert receive["EvalDecision"] == "allowed"
    assert receive["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert ("PolicyInputList.1", end_of(ident, '"Sid":"All"')) in matched(receive)


def test_permissions_boundary_without_identity_allow(iam):
    boundary = doc(allow("sqs:*"))
    res = iam.simulate_custom_policy(
        PolicyInputList=[doc(allow("sqs:ReceiveMessage"))], PermissionsBoundaryPolicyInputList=[boundary],
        ActionNames=["sqs:SendMessage"])["EvaluationResults"]
    # The boundary allows, but a boundary never grants by itself.
    assert res[0]["EvalDecision"] == "implicitDeny"
    assert res[0]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}


def test_resource_policy_alone_grants_the_caller(iam):
    q1, q2 = f"{SQS_ARN}:rp-one", f"{SQS_ARN}:rp-two"
    rp = doc({"Sid": "Bob", "Effect": "Allow", "Principal": {"AWS": user("bob")},
              "Action": "sqs:SendMessage", "Resource": q1})
    res = iam.simulate_custom_policy(
        PolicyInputList=[], ResourcePolicy=rp, CallerArn=user("bob"),
        ActionNames=["sqs:SendMessage", "sqs:ReceiveMessage"], ResourceArns=[q1, q2])["EvaluationResults"]
    got = {(x["EvalActionName"], x["EvalResourceName"]): x for x in res}
    ok = got[("sqs:SendMessage", q1)]
    assert ok["EvalDecision"] == "allowed"
    assert len(ok["MatchedStatements"]) == 1
    m = ok["MatchedStatements"][0]
    assert m["SourcePolicyId"] == "ResourcePolicy"
    assert m["SourcePolicyType"] == "Resource Policy"
    assert m["EndPosition"] == end_of(rp, '"Sid":"Bob"')
    assert got[("sqs:SendMessage", q2)]["EvalDecision"] == "implicitDeny"
    assert got[("sqs:ReceiveMessage", q1)]["EvalDecision"] == "implicitDeny"
    # Another caller is not named by the resource policy.
    res = iam.simulate_custom_policy(
        PolicyInputList=[], ResourcePolicy=rp, CallerArn=user("carol"),
        ActionNames=["sqs:SendMessage"], ResourceArns=[q1])["EvaluationResults"]
    assert res[0]["EvalDecision"] == "implicitDeny"


def test_resource_policy_deny_beats_identity_allow(iam):
    q = f"{SQS_ARN}:rp-deny"
    rp = doc({"Sid": "NoBob", "Effect": "Deny", "Principal": {"AWS": user("bob")},
              "Action": "sqs:SendMessage", "Resource": q})
    res = iam.simulate_custom_policy(
        PolicyInputList=[doc(allow("sqs:*"))], ResourcePolicy=rp, CallerArn=user("bob"),
        ActionNames=["sqs:SendMessage"], ResourceArns=[q])["EvaluationResults"]
    assert res[0]["EvalDecision"] == "explicitDeny"
    assert [(m["SourcePolicyId"], m.get("SourcePolicyType"), m["EndPosition"])
            for m in res[0]["MatchedStatements"]] == [("ResourcePolicy", "Resource Policy", end_of(rp, '"Sid":"NoBob"'))]


B64_A = base64.b64encode(b"sealq-binary").decode()
B64_B = base64.b64encode(b"other-bytes").decode()

# (key, type, operator, policy value, values that allow, values that do not)
CONTEXT_CASES = [
    ("aws:PrincipalTag/team", "string", "StringEquals", "blue", ["blue"], ["red"]),
    ("aws:TagKeys", "stringList", "ForAllValues:StringEquals", ["env", "team"], ["env", "team"], ["env", "owner"]),
    ("aws:MultiFactorAuthAge", "numeric", "NumericLessThan", "3600", ["120"], ["7200"]),
    ("test:sizes", "numericList", "ForAnyValue:NumericGreaterThanEquals", "100", ["5", "100"], ["5", "99"]),
    ("aws:SecureTransport", "boolean", "Bool", "true", ["true"], ["false"]),
    ("test:flags", "booleanList", "ForAnyValue:Bool", "true", ["false", "true"], ["false", "false"]),
    ("aws:SourceIp", "ip", "IpAddress", "10.0.0.0/8", ["10.20.30.40"], ["192.0.2.1"]),
    ("test:hops", "ipList", "ForAllValues:IpAddress", "192.168.0.0/16", ["192.168.1.1", "192.168.9.9"],
     ["192.168.1.1", "172.16.0.1"]),
    ("test:blob", "binary", "BinaryEquals", B64_A, [B64_A], [B64_B]),
    ("test:blobs", "binaryList", "ForAnyValue:BinaryEquals", B64_A, [B64_B, B64_A], [B64_B]),
    ("aws:CurrentTime", "date", "DateGreaterThan", "2020-01-01T00:00:00Z", ["2021-06-01T12:00:00Z"],
     ["2019-12-31T23:59:59Z"]),
    ("test:dates", "dateList", "ForAllValues:DateLessThan", "2020-01-01T00:00:00Z",
     ["2019-01-01T00:00:00Z", "2018-05-05T00:00:00Z"], ["2019-01-01T00:00:00Z", "2021-01-01T00:00:00Z"]),
]


@pytest.mark.parametrize("key,ktype,op,pvalue,good,bad", CONTEXT_CASES, ids=[c[1] for c in CONTEXT_CASES])
def test_context_entry_types_drive_conditions(iam, key, ktype, op, pvalue, good, bad):
    p = doc({"Sid": "Cond", **allow("sqs:SendMessage", Condition={op: {key: pvalue}})})

    def run(values):
        r = iam.simulate_custom_policy(
            PolicyInputList=[p], ActionNames=["sqs:SendMessage"],
            ContextEntries=[{"ContextKeyName": key, "ContextKeyType": ktype, "ContextKeyValues": values}])
        return r["EvaluationResults"][0]

    ok = run(good)
    assert ok["EvalDecision"] == "allowed", (ktype, good)
    assert matched(ok) == [("PolicyInputList.1", end_of(p, '"Sid":"Cond"'))]
    assert ok["MissingContextValues"] == []
    no = run(bad)
    assert no["EvalDecision"] == "implicitDeny", (ktype, bad)
    assert no["MatchedStatements"] == []
    assert no["MissingContextValues"] == []


def test_negated_operators_on_context_entries(iam):
    p = doc(deny("sqs:SendMessage", Condition={"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            allow("sqs:SendMessage"))

    def run(ip):
        return iam.simulate_custom_policy(
            PolicyInputList=[p], ActionNames=["sqs:SendMessage"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyType": "ip",
                             "ContextKeyValues": [ip]}])["EvaluationResults"][0]["EvalDecision"]

    assert run("10.9.8.7") == "allowed"
    assert run("192.0.2.10") == "explicitDeny"


def _decide(iam, statement, context=(), actions=("sqs:SendMessage",), resources=None):
    kw = dict(PolicyInputList=[doc(statement)], ActionNames=list(actions))
    if context:
        kw["ContextEntries"] = [{"ContextKeyName": k, "ContextKeyType": t, "ContextKeyValues": v}
                                for k, t, v in context]
    if resources:
        kw["ResourceArns"] = resources
    r = iam.simulate_custom_policy(**kw)["EvaluationResults"][0]
    if resources:
        # With ResourceArns, IAM reports missing keys per resource (ResourceSpecificResults).
        assert r["MissingContextValues"] == [] and r["EvalDecisionDetails"] == {}
        [specific] = r["ResourceSpecificResults"]
        assert (specific["EvalResourceName"], specific["EvalResourceDecision"]) == (resources[0], r["EvalDecision"])
        return r["EvalDecision"], sorted(specific["MissingContextValues"])
    return r["EvalDecision"], sorted(r["MissingContextValues"])


def test_evaluation_rules_for_absent_keys(iam):
    """IAM user guide (reference_policies_elements_condition_operators, ..._multi-value-conditions):
    a condition on an absent key is false, except negated operators, ...IfExists and Null;
    ForAllValues holds on an absent key, ForAnyValue does not."""
    def cond(c):
        return allow("sqs:SendMessage", Condition=c)
    tag = "aws:PrincipalTag/team"
    assert _decide(iam, cond({"StringEquals": {tag: "blue"}})) == ("implicitDeny", [tag])
    assert _decide(iam, cond({"StringNotEquals": {tag: "blue"}})) == ("allowed", [tag])
    assert _decide(iam, cond({"StringEqualsIfExists": {tag: "blue"}})) == ("allowed", [tag])
    assert _decide(iam, cond({"Null": {tag: "true"}})) == ("allowed", [tag])
    assert _decide(iam, cond({"Null": {tag: "false"}})) == ("implicitDeny", [tag])
    assert _decide(iam, cond({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}})) == ("allowed", ["aws:TagKeys"])
    assert _decide(iam, cond({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}})) == \
        ("implicitDeny", ["aws:TagKeys"])


def test_evaluation_rules_for_values_names_and_variables(iam):
    tag = "aws:PrincipalTag/team"
    blue = [(tag, "string", ["blue"])]
    # Several values for one key OR together; for a negated operator they AND together.
    assert _decide(iam, allow("sqs:SendMessage", Condition={"StringEquals": {tag: ["red", "blue"]}}), blue)[0] == "allowed"
    assert _decide(iam, allow("sqs:SendMessage", Condition={"StringNotEquals": {tag: ["red", "blue"]}}), blue)[0] == \
        "implicitDeny"
    # Condition key names are case-insensitive; action names too.
    assert _decide(iam, allow("sqs:SendMessage", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
                   [("AWS:SOURCEIP", "ip", ["10.1.1.1"])]) == ("allowed", [])
    r = iam.simulate_custom_policy(PolicyInputList=[doc(allow("sqs:SendMessage"))],
                                   ActionNames=["SQS:sendmessage"])["EvaluationResults"][0]
    assert (r["EvalActionName"], r["EvalDecision"]) == ("SQS:sendmessage", "allowed")
    # ARNs are case-sensitive.
    q = allow("sqs:SendMessage", "arn:aws:sqs:*:*:q-*")
    assert _decide(iam, q, resources=[f"{SQS_ARN}:q-one"])[0] == "allowed"
    assert _decide(iam, q, resources=[f"{SQS_ARN}:Q-one"])[0] == "implicitDeny"
    # Policy variables, their defaults, and an unresolvable variable.
    v = allow("sqs:SendMessage", "arn:aws:sqs:*:*:q-${aws:username}")
    assert _decide(iam, v, [("aws:username", "string", ["bob"])], resources=[f"{SQS_ARN}:q-bob"]) == ("allowed", [])
    assert _decide(iam, v, [("aws:username", "string", ["eve"])], resources=[f"{SQS_ARN}:q-bob"])[0] == "implicitDeny"
    assert _decide(iam, v, resources=[f"{SQS_ARN}:q-bob"]) == ("implicitDeny", ["aws:username"])
    # A variable without a value is null: a negated operator holds against it, and a NotResource
    # naming it excludes nothing (IAM guide, "Policy variables with no value").
    n = deny("sqs:SendMessage", Condition={"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}})
    assert _decide(iam, n, [("aws:ResourceTag/team", "string", ["orders"])]) == ("explicitDeny", ["aws:PrincipalTag/team"])
    assert _decide(iam, n, [("aws:ResourceTag/team", "string", ["orders"]),
                            ("aws:PrincipalTag/team", "string", ["orders"])])[0] == "implicitDeny"
    r = {"Effect": "Deny", "Action": "sqs:SendMessage", "NotResource": "arn:aws:sqs:*:*:${aws:username}-*"}
    assert _decide(iam, r, resources=[f"{SQS_ARN}:bob-q"])[0] == "explicitDeny"
    assert _decide(iam, r, [("aws:username", "string", ["bob"])], resources=[f"{SQS_ARN}:bob-q"])[0] == "implicitDeny"
    d = allow("sqs:SendMessage", "arn:aws:sqs:*:*:q-${aws:PrincipalTag/team, 'none'}")
    assert _decide(iam, d, resources=[f"{SQS_ARN}:q-none"])[0] == "allowed"
    assert _decide(iam, d, blue, resources=[f"{SQS_ARN}:q-blue"])[0] == "allowed"
    assert _decide(iam, d, blue, resources=[f"{SQS_ARN}:q-none"])[0] == "implicitDeny"


def test_invalid_context_key_type_is_a_validation_error(iam):
    code, status, _ = error_of(iam.simulate_custom_policy, PolicyInputList=[doc(allow("*"))],
                               ActionNames=["sqs:SendMessage"],
                               ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyType": "ipaddress",
                                                "ContextKeyValues": ["10.0.0.1"]}])
    assert (code, status) == ("ValidationError", 400)


def test_missing_context_values_lists_keys_not_supplied(iam):
    p = doc(allow("sqs:SendMessage", Condition={
        "StringEquals": {"aws:PrincipalTag/team": "blue"},
        "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    r = iam.simulate_custom_policy(PolicyInputList=[p], ActionNames=["sqs:SendMessage"])["EvaluationResults"][0]
    assert r["EvalDecision"] == "implicitDeny"
    assert sorted(r["MissingContextValues"]) == ["aws:PrincipalTag/team", "aws:SourceIp"]
    r = iam.simulate_custom_policy(
        PolicyInputList=[p], ActionNames=["sqs:SendMessage"],
        ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyType": "ip",
                         "ContextKeyValues": ["10.0.0.1"]}])["EvaluationResults"][0]
    assert r["MissingContextValues"] == ["aws:PrincipalTag/team"]
    r = iam.simulate_custom_policy(
        PolicyInputList=[p], ActionNames=["sqs:SendMessage"],
        ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyType": "ip", "ContextKeyValues": ["10.0.0.1"]},
                        {"ContextKeyName": "aws:PrincipalTag/team", "ContextKeyType": "string",
                         "ContextKeyValues": ["blue"]}])["EvaluationResults"][0]
    assert r["EvalDecision"] == "allowed"
    assert r["MissingContextValues"] == []


def _grid_args():
    return dict(PolicyInputList=[doc(allow("sqs:*"))],
                ActionNames=["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
                ResourceArns=[f"{SQS_ARN}:page-a", f"{SQS_ARN}:page-b"])


def test_max_items_and_marker_paging(iam):
    full = iam.simulate_custom_policy(**_grid_args())
    assert full["IsTruncated"] is False and "Marker" not in full
    everything = [(x["EvalActionName"], x["EvalResourceName"]) for x in full["EvaluationResults"]]
    assert len(everything) == 6 and len(set(everything)) == 6
    pages, marker = [], None
    for _ in range(10):
        kw = dict(_grid_args(), MaxItems=4)
        if marker:
            kw["Marker"] = marker
        r = iam.simulate_custom_policy(**kw)
        pages.append([(x["EvalActionName"], x["EvalResourceName"]) for x in r["EvaluationResults"]])
        if not r["IsTruncated"]:
            assert "Marker" not in r
            break
        marker = r["Marker"]
        assert marker
    assert [len(p) for p in pages] == [4, 2]
    assert pages[0] + pages[1] == everything


def test_paginator_walks_every_page(iam):
    pages = list(iam.get_paginator("simulate_custom_policy").paginate(
        **_grid_args(), PaginationConfig={"PageSize": 1}))
    assert len(pages) == 6
    assert all(len(p["EvaluationResults"]) == 1 for p in pages)
    assert [p["IsTruncated"] for p in pages] == [True] * 5 + [False]
    names = [(p["EvaluationResults"][0]["EvalActionName"], p["EvaluationResults"][0]["EvalResourceName"])
             for p in pages]
    assert len(set(names)) == 6


def test_simulate_principal_policy_uses_attached_and_group_policies(iam):
    q = f"{SQS_ARN}:wc-orders"
    r = iam.simulate_principal_policy(
        PolicySourceArn=user("alice"),
        ActionNames=["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:PurgeQueue", "sqs:DeleteQueue"],
        ResourceArns=[q])
    res = {x["EvalActionName"]: x for x in r["EvaluationResults"]}
    assert all(x["EvalResourceName"] == q for x in res.values())
    send = res["sqs:SendMessage"]
    assert send["EvalDecision"] == "allowed"
    assert [(m["SourcePolicyId"], m.get("SourcePolicyType")) for m in send["MatchedStatements"]] == \
        [("send-wc", "IAM Policy")]
    start, end = aws_positions(policy_text("send-wc"), '"Sid": "SendWc"')
    assert send["MatchedStatements"][0]["EndPosition"] == end
    # From the group `devs`.
    receive = res["sqs:ReceiveMessage"]
    assert receive["EvalDecision"] == "allowed"
    assert [m["SourcePolicyId"] for m in receive["MatchedStatements"]] == ["dev-receive"]
    # `devs` allows PurgeQueue, group `guard` denies it.
    purge = res["sqs:PurgeQueue"]
    assert purge["EvalDecision"] == "explicitDeny"
    assert [m["SourcePolicyId"] for m in purge["MatchedStatements"]] == ["deny-purge"]
    assert res["sqs:DeleteQueue"]["EvalDecision"] == "implicitDeny"
    # Not a wc-* queue: send-wc does not apply.
    r = iam.simulate_principal_policy(PolicySourceArn=user("alice"), ActionNames=["sqs:SendMessage"],
                                      ResourceArns=[f"{SQS_ARN}:orders"])
    assert r["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"


def test_simulate_principal_policy_for_a_role_and_with_context(iam):
    r = iam.simulate_principal_policy(
        PolicySourceArn=f"{IAM_ARN}:role/ops/reader", ActionNames=["sqs:GetQueueAttributes", "sqs:SendMessage"])
    got = {x["EvalActionName"]: x["EvalDecision"] for x in r["EvaluationResults"]}
    assert got == {"sqs:GetQueueAttributes": "allowed", "sqs:SendMessage": "implicitDeny"}
    # `ipuser` may send only from 203.0.113.0/24.
    for ip, want in (("203.0.113.7", "allowed"), ("198.51.100.7", "implicitDeny")):
        r = iam.simulate_principal_policy(
            PolicySourceArn=user("ipuser"), ActionNames=["sqs:SendMessage"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyType": "ip", "ContextKeyValues": [ip]}])
        assert r["EvaluationResults"][0]["EvalDecision"] == want, ip
    r = iam.simulate_principal_policy(PolicySourceArn=user("ipuser"), ActionNames=["sqs:SendMessage"])
    assert r["EvaluationResults"][0]["MissingContextValues"] == ["aws:SourceIp"]


def test_simulation_callers_and_resource_policies_as_iam_limits_them(iam):
    """CallerArn takes only an IAM user's ARN, and a resource policy cannot be simulated for a
    role (SimulateCustomPolicy / SimulatePrincipalPolicy reference): both are InvalidInput."""
    rp = doc({"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"})
    for caller in (f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s", "sqs.amazonaws.com", f"arn:aws:iam::{ACCOUNT}:role/ops/reader"):
        code, status, _ = error_of(iam.simulate_custom_policy, PolicyInputList=[doc(allow("*"))], ActionNames=["sqs:SendMessage"],
                                   CallerArn=caller)
        assert (code, status) == ("InvalidInput", 400), caller
    code, status, message = error_of(iam.simulate_principal_policy, PolicySourceArn=f"{IAM_ARN}:role/ops/reader",
                                     ActionNames=["sqs:SendMessage"], ResourcePolicy=rp)
    assert (code, status) == ("InvalidInput", 400) and "roles" in message
    r = iam.simulate_principal_policy(PolicySourceArn=user("partner"), ActionNames=["sqs:SendMessage"], ResourcePolicy=rp,
                                      ResourceArns=[f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"])
    assert r["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_simulate_principal_policy_as_the_caller_arn_with_the_sources_policies(iam):
    """IAM, CallerArn: with both, "you simulate calling the API operations as Bob, as if Bob had
    David's policies": a resource policy naming the caller decides, not the policy source."""
    q = f"{SQS_ARN}:as-bob"
    rp = doc({"Effect": "Allow", "Principal": {"AWS": user("bob")}, "Action": "sqs:SendMessage", "Resource": q})
    def decision(**caller):
        return iam.simulate_principal_policy(PolicySourceArn=user("partner"), ActionNames=["sqs:SendMessage"], ResourcePolicy=rp,
                                             ResourceArns=[q], **caller)["EvaluationResults"][0]["EvalDecision"]
    assert decision(CallerArn=user("bob")) == "allowed"
    assert decision() == "implicitDeny", "as partner, whom the resource policy does not name"


def test_simulate_principal_policy_unknown_principal(iam):
    code, status, _ = error_of(iam.simulate_principal_policy, PolicySourceArn=user("ghost"),
                               ActionNames=["sqs:SendMessage"])
    assert (code, status) == ("NoSuchEntity", 404)
    code, status, _ = error_of(iam.simulate_principal_policy, PolicySourceArn=f"{IAM_ARN}:role/ghost",
                               ActionNames=["sqs:SendMessage"])
    assert (code, status) == ("NoSuchEntity", 404)


def test_a_policy_source_must_be_a_user_role_or_group_of_this_account_named_in_full(iam):
    """IAM answers InvalidInput for an ARN that names no user, role or group ("Invalid Entity
    Arn: … does not clearly define entity type and name") and for another account's; a group is
    found by its whole ARN, not by its last path segment."""
    for arn in (f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s", f"{SQS_ARN}:orders", f"{IAM_ARN}:policy/send-wc",
                f"{IAM_ARN}:user/", f"{IAM_ARN}:alice"):
        code, status, _ = error_of(iam.simulate_principal_policy, PolicySourceArn=arn, ActionNames=["sqs:PurgeQueue"])
        assert (code, status) == ("InvalidInput", 400), arn
    for arn in ("arn:aws:iam::111111111111:group/guard", "arn:aws:iam::111111111111:user/alice"):
        code, status, message = error_of(iam.simulate_principal_policy, PolicySourceArn=arn, ActionNames=["sqs:PurgeQueue"])
        assert (code, status) == ("InvalidInput", 400) and "111111111111" in message, arn
    code, status, _ = error_of(iam.simulate_principal_policy, PolicySourceArn=f"{IAM_ARN}:group/public/guard",
                               ActionNames=["sqs:PurgeQueue"])
    assert (code, status) == ("NoSuchEntity", 404)
    r = iam.simulate_principal_policy(PolicySourceArn=f"{IAM_ARN}:group/guard", ActionNames=["sqs:PurgeQueue"])
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in r["EvaluationResults"][0]["MatchedStatements"]] == \
        [("deny-purge", "IAM Policy")], "the same type as through a member user"


def test_resource_owner_and_resource_arns_without_an_account_keep_a_simulation_in_the_account(iam):
    """ResourceOwner names an account (arn:aws:iam::ACCOUNT:root); a resource ARN whose account
    is a wildcard names none. Neither makes a same-account call cross-account."""
    q = f"{SQS_ARN}:wc-owner"
    def decision(**kw):
        r = iam.simulate_principal_policy(PolicySourceArn=user("alice"), ActionNames=["sqs:SendMessage"], **kw)
        return r["EvaluationResults"][0]["EvalDecision"]
    assert decision(ResourceArns=[q]) == "allowed"
    assert decision(ResourceArns=[q], ResourceOwner=f"{IAM_ARN}:root") == "allowed"
    assert decision(ResourceArns=[q], ResourceOwner=ACCOUNT) == "allowed"
    assert decision(ResourceArns=[f"arn:aws:sqs:{REGION}:*:wc-owner"]) == "allowed"
    assert decision(ResourceArns=[f"arn:aws:sqs:{REGION}:111111111111:wc-owner"]) == "implicitDeny"
    code, status, _ = error_of(iam.simulate_principal_policy, PolicySourceArn=user("alice"), ActionNames=["sqs:SendMessage"],
                               ResourceArns=[q], ResourceOwner="garbage")
    assert (code, status) == ("InvalidInput", 400)


def test_wildcard_action_names_and_a_second_permissions_boundary_are_invalid_input(iam):
    """IAM: "This operation does not support using wildcards (*) in an action name", and "You can
    input only one permissions boundary"."""
    for action in ("sqs:Send*", "sqs:*", "sqs:SendMessag?"):
        code, status, _ = error_of(iam.simulate_custom_policy, PolicyInputList=[doc(allow("sqs:*"))], ActionNames=[action])
        assert (code, status) == ("InvalidInput", 400), action
    code, status, _ = error_of(iam.simulate_custom_policy, PolicyInputList=[doc(allow("sqs:*"))], ActionNames=["sqs:SendMessage"],
                               PermissionsBoundaryPolicyInputList=[doc(allow("sqs:*")), doc(allow("sqs:*"))])
    assert (code, status) == ("InvalidInput", 400)


def test_eval_decision_details_say_how_each_policy_type_decided_across_accounts(iam):
    """IAM, EvalDecisionDetails: "populated for only cross-account simulations … a brief summary
    of how each policy type contributes"; within one account, empty with a resource ARN and
    absent for `*`."""
    other = "arn:aws:sqs:us-east-1:111111111111:shared"
    def result(rp, resource=other):
        return iam.simulate_custom_policy(
            PolicyInputList=[doc(allow("sqs:SendMessage"))], ResourcePolicy=rp, CallerArn=user("bob"),
            ActionNames=["sqs:SendMessage"], ResourceArns=[resource])["EvaluationResults"][0]
    grants = doc({"Effect": "Allow", "Principal": {"AWS": user("bob")}, "Action": "sqs:SendMessage", "Resource": other})
    r = result(grants)
    assert r["EvalDecision"] == "allowed"
    assert r["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "allowed"}
    assert r["ResourceSpecificResults"][0]["EvalDecisionDetails"] == r["EvalDecisionDetails"]
    r = result(doc({"Effect": "Allow", "Principal": {"AWS": user("carol")}, "Action": "sqs:SendMessage", "Resource": other}))
    assert r["EvalDecision"] == "implicitDeny"
    assert r["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "implicitDeny"}
    r = result(doc({"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": other}))
    assert r["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "explicitDeny"}
    assert result(grants, resource=f"{SQS_ARN}:mine")["EvalDecisionDetails"] == {}
    r = iam.simulate_custom_policy(PolicyInputList=[doc(allow("sqs:SendMessage"))], ActionNames=["sqs:SendMessage"])
    assert "EvalDecisionDetails" not in r["EvaluationResults"][0]


@pytest.mark.parametrize("bad", [
    "not json",
    '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}',
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},]}',
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",'
    '"Condition":{"NoSuchOperator":{"aws:SourceIp":"10.0.0.0/8"}}}]}',
], ids=["not-json", "bad-effect", "trailing-comma", "bad-operator"])
def test_malformed_policy_document(iam, bad):
    code, status, _ = error_of(iam.simulate_custom_policy, PolicyInputList=[doc(allow("*")), bad],
                               ActionNames=["sqs:SendMessage"])
    assert (code, status) == ("MalformedPolicyDocument", 400)
    code, status, _ = error_of(iam.simulate_custom_policy, PolicyInputList=[doc(allow("*"))],
                               ResourcePolicy=bad, CallerArn=user("bob"), ActionNames=["sqs:SendMessage"])
    assert (code, status) == ("MalformedPolicyDocument", 400)


@pytest.fixture(scope="module")
def keys(env):
    out = {}
    for name in ("nobody", "simulator", "alice"):
        p = sealq("principals", "create-access-key", name, "--data-dir", env.data_dir,
                  "--policies", env.policies_dir)
        assert p.returncode == 0, (p.stdout, p.stderr)
        k = json.loads(p.stdout)["AccessKey"]
        out[name] = (k["AccessKeyId"], k["SecretAccessKey"])
    return out


def test_simulate_needs_iam_permission(env, keys):
    kw = dict(PolicyInputList=[doc(allow("sqs:*"))], ActionNames=["sqs:SendMessage"])
    code, status, _ = error_of(client(env, "iam", *keys["nobody"]).simulate_custom_policy, **kw)
    assert (code, status) == ("AccessDenied", 403)
    # The same call with iam:SimulateCustomPolicy allowed.
    r = client(env, "iam", *keys["simulator"]).simulate_custom_policy(**kw)
    assert r["EvaluationResults"][0]["EvalDecision"] == "allowed"
    # `simulator` has only iam:SimulateCustomPolicy, not iam:SimulatePrincipalPolicy.
    code, status, _ = error_of(client(env, "iam", *keys["simulator"]).simulate_principal_policy,
                               PolicySourceArn=user("alice"), ActionNames=["sqs:SendMessage"])
    assert (code, status) == ("AccessDenied", 403)


def test_get_caller_identity_boto3(env, keys):
    r = client(env, "sts").get_caller_identity()
    assert r["Arn"] == ADMIN_ARN
    assert r["Account"] == ACCOUNT
    assert r["UserId"].startswith("AIDA")
    r = client(env, "sts", *keys["alice"]).get_caller_identity()
    assert (r["Arn"], r["Account"]) == (user("alice"), ACCOUNT)
    code, status, _ = error_of(client(env, "sts", unsigned=True).get_caller_identity)
    assert (code, status) == ("MissingAuthenticationToken", 403)


def test_identity_calls_the_scope_does_not_name_are_answered_by_iam_and_sts(env):
    """Unsigned IAM calls, and STS calls signed for another service, are told apart by their
    Action and answered in that service's words, never as unknown SQS actions."""
    iam = client(env, "iam", unsigned=True)
    for call in (iam.list_access_keys, iam.get_user, iam.list_users, iam.get_credential_report,
                 iam.generate_credential_report):
        assert error_of(call)[:2] == ("MissingAuthenticationToken", 403), call
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    req = AWSRequest(method="POST", url=env.url + "/", data="Action=GetCallerIdentity&Version=2011-06-15",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "kms", REGION).add_auth(req)
    r = requests.post(req.url, data=req.body, headers=dict(req.headers), timeout=30)
    assert r.status_code == 403, r.text
    assert "https://sts.amazonaws.com/doc/2011-06-15/" in r.text and "<Code>SignatureDoesNotMatch</Code>" in r.text, r.text
    assert "scoped to correct service: &apos;sts&apos;" in r.text, r.text


def test_unsigned_identity_actions_not_served_are_refused_by_their_own_service(env):
    """botocore sends STS's AssumeRoleWithWebIdentity unsigned: told apart by the Query Version,
    it is STS that says it lacks the action (signing would not help), and the record is STS's."""
    sts = client(env, "sts", unsigned=True)
    err = pytest.raises(ClientError, sts.assume_role_with_web_identity, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/x",
                        RoleSessionName="sess", WebIdentityToken="t" * 8).value
    assert (err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"]) == ("InvalidAction", 400), err.response
    raw = requests.post(env.url + "/", data="Action=AssumeRoleWithSAML&Version=2011-06-15",
                        headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert raw.status_code == 400 and "https://sts.amazonaws.com/doc/2011-06-15/" in raw.text, raw.text
    iam = requests.post(env.url + "/", data="Action=CreateRole&Version=2010-05-08",
                        headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert "https://iam.amazonaws.com/doc/2010-05-08/" in iam.text and "<Code>InvalidAction</Code>" in iam.text, iam.text
    # A call signed for SQS stays SQS's whatever Version it carries.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    req = AWSRequest(method="POST", url=env.url + "/", data="Action=ListQueues&Version=2011-06-15",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(req)
    r = requests.post(req.url, data=req.body, headers=dict(req.headers), timeout=30)
    assert r.status_code == 200 and "<ListQueuesResponse" in r.text, r.text


@needs_aws_cli
def test_get_caller_identity_aws_cli(env):
    p = aws(env, "sts", "get-caller-identity")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["Arn"] == ADMIN_ARN and out["Account"] == ACCOUNT and out["UserId"].startswith("AIDA")
    p = aws(env, "sts", "get-caller-identity", "--no-sign-request")
    assert p.returncode != 0
    assert "MissingAuthenticationToken" in p.stderr, p.stderr


@needs_aws_cli
def test_simulate_custom_policy_aws_cli(env, tmp_path):
    p = doc({"Sid": "Ip", **allow("sqs:SendMessage", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})},
            {"Sid": "D", **deny("sqs:DeleteQueue")})
    proc = aws(env, "iam", "simulate-custom-policy", "--policy-input-list", p,
               "--action-names", "sqs:SendMessage", "sqs:DeleteQueue", "sqs:ReceiveMessage",
               "--context-entries", "ContextKeyName=aws:SourceIp,ContextKeyValues=10.1.2.3,ContextKeyType=ip")
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)["EvaluationResults"]
    assert [x["EvalDecision"] for x in res] == ["allowed", "explicitDeny", "implicitDeny"]
    assert matched(res[0]) == [("PolicyInputList.1", end_of(p, '"Sid":"Ip"'))]
    assert matched(res[1]) == [("PolicyInputList.1", end_of(p, '"Sid":"D"'))]
    # An empty PolicyInputList through --cli-input-json.
    f = tmp_path / "empty.json"
    f.write_text(json.dumps({"PolicyInputList": [], "ActionNames": ["sqs:SendMessage"]}))
    proc = aws(env, "iam", "simulate-custom-policy", "--cli-input-json", f"file://{f}")
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)["EvaluationResults"]
    assert [(x["EvalDecision"], x["MatchedStatements"]) for x in res] == [("implicitDeny", [])]


@needs_aws_cli
def test_simulate_access_denied_aws_cli(env, keys, tmp_path):
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"PolicyInputList": [doc(allow("*"))], "ActionNames": ["sqs:SendMessage"]}))
    proc = aws(env, "iam", "simulate-custom-policy", "--cli-input-json", f"file://{f}",
               key=keys["nobody"][0], secret=keys["nobody"][1])
    assert proc.returncode != 0
    assert "(AccessDenied)" in proc.stderr and "SimulateCustomPolicy" in proc.stderr, proc.stderr


# --------------------------------------------------------------------------
# 2. sealq policy simulate
# --------------------------------------------------------------------------

MULTILINE = ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "Office",\n'
             '      "Effect": "Allow",\n      "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],\n'
             '      "Resource": "arn:aws:sqs:*:*:sim-*",\n      "Condition": {\n'
             '        "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},\n'
             '        "StringEquals": {"aws:PrincipalTag/team": ["blue", "green"]}\n      }\n    },\n'
             '    {"Sid": "NoPurge", "Effect": "Deny", "Action": "sqs:PurgeQueue", "Resource": "*"}\n  ]\n}')

SIM_INPUT = {
    "PolicyInputList": [
        MULTILINE,
        doc({"Sid": "Purge", **allow("sqs:PurgeQueue")}),
    ],
    "PermissionsBoundaryPolicyInputList": [doc(allow(["sqs:SendMessage", "sqs:PurgeQueue", "sqs:GetQueueUrl"]))],
    "ActionNames": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:PurgeQueue", "sqs:GetQueueUrl"],
    "ResourceArns": [f"{SQS_ARN}:sim-a", f"{SQS_ARN}:other"],
    "ResourcePolicy": doc({"Sid": "Url", "Effect": "Allow", "Principal": {"AWS": user("bob")},
                           "Action": "sqs:GetQueueUrl", "Resource": f"{SQS_ARN}:sim-a"}),
    "CallerArn": user("bob"),
    "ContextEntries": [
        {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"},
        {"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": ["2024-01-02T03:04:05Z"],
         "ContextKeyType": "date"},
    ],
}


def _write(tmp_path, name, obj):
    f = tmp_path / name
    f.write_text(obj if isinstance(obj, str) else json.dumps(obj, indent=2))
    return f


def _simulate(env, f, *extra):
    return sealq("policy", "simulate", "--cli-input-json", f"file://{f}", "--policies", env.policies_dir,
                 "--data-dir", env.data_dir, *extra)


@needs_aws_cli
@pytest.mark.parametrize("case", ["full", "empty-list", "tagged", "paged"])
def test_sealq_simulate_prints_what_aws_cli_prints(env, tmp_path, case):
    inp = dict(SIM_INPUT)
    if case == "empty-list":
        inp = {"PolicyInputList": [], "ActionNames": ["sqs:SendMessage", "sqs:ListQueues"]}
    elif case == "tagged":
        inp["ContextEntries"] = inp["ContextEntries"] + [
            {"ContextKeyName": "aws:PrincipalTag/team", "ContextKeyValues": ["green"], "ContextKeyType": "string"}]
    elif case == "paged":
        inp["MaxItems"] = 3  # both follow every page
    f = _write(tmp_path, "input.json", inp)
    mine = _simulate(env, f)
    assert mine.returncode == 0, mine.stderr
    theirs = aws(env, "iam", "simulate-custom-policy", "--cli-input-json", f"file://{f}")
    assert theirs.returncode == 0, theirs.stderr
    assert mine.stdout == theirs.stdout
    res = json.loads(mine.stdout)["EvaluationResults"]
    if case == "full":
        got = {(x["EvalActionName"], x["EvalResourceName"].rsplit(":", 1)[1]): x["EvalDecision"] for x in res}
        assert len(res) == 8
        assert got[("sqs:SendMessage", "sim-a")] == "implicitDeny"   # team tag missing
        assert got[("sqs:PurgeQueue", "sim-a")] == "explicitDeny"
        assert got[("sqs:GetQueueUrl", "sim-a")] == "allowed"        # resource policy
        assert got[("sqs:GetQueueUrl", "other")] == "implicitDeny"
    if case == "tagged":
        got = {(x["EvalActionName"], x["EvalResourceName"].rsplit(":", 1)[1]): x["EvalDecision"] for x in res}
        assert got[("sqs:SendMessage", "sim-a")] == "allowed"
        assert got[("sqs:ReceiveMessage", "sim-a")] == "implicitDeny"  # not in the boundary
    if case == "paged":
        assert len(res) == 8


@needs_aws_cli
def test_sealq_simulate_equals_aws_cli_with_page_size(env, tmp_path):
    f = _write(tmp_path, "input.json", SIM_INPUT)
    mine = _simulate(env, f)
    theirs = aws(env, "iam", "simulate-custom-policy", "--cli-input-json", f"file://{f}", "--page-size", "1")
    assert theirs.returncode == 0, theirs.stderr
    assert mine.stdout == theirs.stdout


def test_sealq_simulate_explain(env, tmp_path):
    f = _write(tmp_path, "input.json", {
        "PolicyInputList": [MULTILINE],
        "ActionNames": ["sqs:SendMessage", "sqs:PurgeQueue"],
        "ResourceArns": [f"{SQS_ARN}:sim-x"],
        "ContextEntries": [
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"}],
    })
    plain = _simulate(env, f)
    p = _simulate(env, f, "--explain")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert list(out) == ["EvaluationResults", "Explanation"]
    assert out["EvaluationResults"] == json.loads(plain.stdout)["EvaluationResults"]
    send, purge = out["Explanation"]
    assert (send["EvalActionName"], send["EvalResourceName"]) == ("sqs:SendMessage", f"{SQS_ARN}:sim-x")
    assert (purge["EvalActionName"], purge["EvalResourceName"]) == ("sqs:PurgeQueue", f"{SQS_ARN}:sim-x")
    office, nopurge = send["Statements"]
    assert (office["SourcePolicyId"], office["Sid"], office["Effect"], office["Matched"]) == \
        ("PolicyInputList.1", "Office", "Allow", False)
    assert office["Reason"] == "does not match: a condition does not hold"
    ip, team = office["Conditions"]
    assert ip == {"Operator": "IpAddress", "Key": "aws:SourceIp", "RequestValues": ["10.1.2.3"],
                  "PolicyValues": ["10.0.0.0/8"], "Result": True}
    # The request has no team tag: no RequestValues, and the condition does not hold.
    assert team["Operator"] == "StringEquals" and team["Key"] == "aws:PrincipalTag/team"
    assert team["PolicyValues"] == ["blue", "green"]
    assert team.get("RequestValues", []) == []
    assert team["Result"] is False
    assert (nopurge["Sid"], nopurge["Effect"], nopurge["Matched"], nopurge["Conditions"]) == \
        ("NoPurge", "Deny", False, [])
    assert "action" in nopurge["Reason"].lower()
    office, nopurge = purge["Statements"]
    assert office["Matched"] is False and "action" in office["Reason"].lower()
    assert nopurge["Matched"] is True
    assert nopurge["Reason"] == "matches: action, resource and every condition apply"
    assert out["EvaluationResults"][1]["EvalDecision"] == "explicitDeny"


def test_sealq_simulate_explain_when_everything_holds(env, tmp_path):
    f = _write(tmp_path, "input.json", {
        "PolicyInputList": [MULTILINE], "ActionNames": ["sqs:ReceiveMessage"],
        "ResourceArns": [f"{SQS_ARN}:sim-y"],
        "ContextEntries": [
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"},
            {"ContextKeyName": "aws:PrincipalTag/team", "ContextKeyValues": ["green"], "ContextKeyType": "string"}],
    })
    out = json.loads(_simulate(env, f, "--explain").stdout)
    assert out["EvaluationResults"][0]["EvalDecision"] == "allowed"
    office = out["Explanation"][0]["Statements"][0]
    assert office["Matched"] is True
    assert office["Reason"] == "matches: action, resource and every condition apply"
    assert [(c["Key"], c.get("RequestValues"), c["PolicyValues"], c["Result"]) for c in office["Conditions"]] == [
        ("aws:SourceIp", ["10.1.2.3"], ["10.0.0.0/8"], True),
        ("aws:PrincipalTag/team", ["green"], ["blue", "green"], True)]


@needs_aws_cli
@pytest.mark.parametrize("body", [
    '{"PolicyInputList": [',
    '{"PolicyInputList": [], "Bogus": 1, "ActionNames": ["sqs:SendMessage"]}',
    '{"PolicyInputList": []}',
    '{"PolicyInputList": "x", "ActionNames": ["sqs:SendMessage"]}',
], ids=["not-json", "unknown-member", "missing-actions", "wrong-type"])
def test_sealq_simulate_bad_input(env, tmp_path, body):
    f = _write(tmp_path, "bad.json", body)
    mine = _simulate(env, f)
    assert mine.returncode != 0
    assert mine.stdout == ""
    theirs = aws(env, "iam", "simulate-custom-policy", "--cli-input-json", f"file://{f}")
    assert theirs.returncode != 0
    if body == '{"PolicyInputList": [':
        assert mine.stderr.startswith("Error parsing parameter 'cli-input-json': Invalid JSON"), mine.stderr
        assert theirs.stderr.strip().startswith("Error parsing parameter 'cli-input-json': Invalid JSON")
    else:
        assert mine.stderr.strip() == theirs.stderr.strip()


def test_sealq_simulate_bad_policy_fails(env, tmp_path):
    f = _write(tmp_path, "bad.json", {"PolicyInputList": ["{nope"], "ActionNames": ["sqs:SendMessage"]})
    p = _simulate(env, f)
    assert p.returncode != 0 and p.stdout == ""
    assert "MalformedPolicyDocument" in p.stderr and "SimulateCustomPolicy" in p.stderr, p.stderr


# --------------------------------------------------------------------------
# 3. sealq policy validate
# --------------------------------------------------------------------------

def validate(tmp_path, files, *flags):
    paths = []
    for name, text in files.items():
        f = tmp_path / name
        f.write_text(text)
        paths.append(str(f))
    p = sealq("policy", "validate", *flags, *paths)
    lines = [ln for ln in p.stdout.splitlines() if ln]
    return p, lines, paths


def findings(lines, path):
    """[(line, column, severity, code)] of the findings printed for `path`."""
    out = []
    for ln in lines:
        if not ln.startswith(path + ":") or ln == f"{path}: OK":
            continue
        rest = ln[len(path) + 1:]
        where, _, what = rest.partition(": ")
        severity, code = what.split(" ")[0], what.split(" ")[1].rstrip(":")
        parts = where.split(":")
        out.append((int(parts[0]), int(parts[1]), severity, code) if len(parts) == 2 else (None, None, severity, code))
    return out


def at(text, needle):
    """1-based (line, column) of the first occurrence of `needle` in `text`."""
    return _line_col(text, text.index(needle))


def test_validate_clean_file(tmp_path):
    p, lines, (f,) = validate(tmp_path, {"ok.json": policy_text("send-wc")})
    assert p.returncode == 0, p.stdout + p.stderr
    assert lines == [f"{f}: OK"]


def test_validate_checks_a_whole_policies_directory_as_the_daemon_reads_it(tmp_path):
    """principals.json is checked as the daemon loads the directory, and the files beside it are
    identity policies: a Principal in one is an error there, as it stops the daemon."""
    policies = tmp_path / "policies"
    shutil.copytree(REPO_POLICIES, policies)
    p = sealq("policy", "validate", *sorted(str(f) for f in policies.glob("*.json")))
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"{policies}/principals.json: OK (principal definitions)" in p.stdout
    (policies / "with-principal.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}')
    (policies / "misspelt.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMesage", "Resource": "*"}]}')
    p = sealq("policy", "validate", str(policies / "with-principal.json"), str(policies / "misspelt.json"))
    assert p.returncode == 1
    assert "with-principal.json:1:" in p.stdout and "Principal" in p.stdout, p.stdout
    assert "misspelt.json:1:" in p.stdout and "INVALID_ACTION" in p.stdout, p.stdout
    (policies / "with-principal.json").unlink()
    (policies / "principals.json").write_text('{"Users": [{"Name": "x", "Policies": ["no-such-policy"]}]}')
    p = sealq("policy", "validate", str(policies / "principals.json"))
    assert p.returncode == 1 and "INVALID_PRINCIPALS_FILE" in p.stdout and "no-such-policy" in p.stdout, p.stdout


def test_validate_json_syntax_error_position(tmp_path):
    text = ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
            '      "Action": "sqs:SendMessage"\n      "Resource": "*"\n    }\n  ]\n}\n')
    p, lines, (f,) = validate(tmp_path, {"syntax.json": text})
    assert p.returncode == 1
    # The missing comma: the parser stops at the `"` that opens "Resource", line 7, column 7.
    assert findings(lines, f) == [(7, 7, "ERROR", "JSON_SYNTAX_ERROR")]


def test_validate_grammar_error_positions(tmp_path):
    effect = ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Permit",\n'
              '      "Action": "sqs:SendMessage",\n      "Resource": "*"\n    }\n  ]\n}\n')
    unterminated = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*}]}'
    p, lines, (f1, f2) = validate(tmp_path, {"effect.json": effect, "unterminated.json": unterminated})
    assert p.returncode == 1
    # The value "Permit" starts at line 5, column 17.
    assert findings(lines, f1) == [(5, 17, "ERROR", "INVALID_EFFECT")]
    got = findings(lines, f2)
    assert len(got) == 1 and got[0][2:] == ("ERROR", "JSON_SYNTAX_ERROR")
    assert got[0][0] == 1


def test_validate_best_practice_findings(tmp_path):
    cond = ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
            '      "Action": "sqs:SendMessage",\n      "Resource": "*",\n      "Condition": {\n'
            '        "ForAllValues:StringEquals": {"aws:SourceVpc": "vpc-1"},\n'
            '        "NullIfExists": {"aws:PrincipalTag/x": "true"},\n'
            '        "StringEquals": {"aws:PrincipalTag/t": "a*"}\n      }\n    }\n  ]\n}\n')
    p, lines, (f,) = validate(tmp_path, {"cond.json": cond})
    assert p.returncode == 1, lines  # NULL_WITH_IF_EXISTS is an error
    assert findings(lines, f) == [
        (*at(cond, '"aws:SourceVpc"'), "SECURITY_WARNING", "FORALLVALUES_WITH_SINGLE_VALUED_KEY"),
        (*at(cond, '"NullIfExists"'), "ERROR", "NULL_WITH_IF_EXISTS"),
        (*at(cond, '"a*"'), "WARNING", "WILDCARD_WITHOUT_LIKE_OPERATOR"),
    ]
    assert at(cond, '"aws:SourceVpc"') == (9, 39)


def test_validate_version_sid_and_not_principal_findings(tmp_path):
    noversion = ('{\n  "Statement": [\n'
                 '    {"Sid": "S1", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:${aws:username}"},\n'
                 '    {"Sid": "S1", "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::000000000000:user/x"}, '
                 '"Action": "sqs:SendMessage", "Resource": "*"}\n  ]\n}\n')
    old = ('{\n  "Version": "2008-10-17",\n  "Statement": [\n'
           '    {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", '
           '"Resource": "arn:aws:sqs:*:*:${aws:username}"}\n  ]\n}\n')
    p, lines, (f1, f2) = validate(tmp_path, {"noversion.json": noversion, "old.json": old}, "--kind", "resource")
    assert p.returncode == 1
    got = findings(lines, f1)
    second_sid = noversion.index('"S1"', noversion.index('"S1"') + 1)
    assert sorted(got) == sorted([
        (1, 1, "WARNING", "MISSING_VERSION"),
        (3, 5, "ERROR", "MISSING_PRINCIPAL"),  # a resource policy statement without Principal
        (*at(noversion, '"arn:aws:sqs:*:*:${aws:username}"'), "ERROR", "VARIABLE_UNSUPPORTED_IN_VERSION"),
        (*_line_col(noversion, second_sid), "ERROR", "UNIQUE_SIDS_REQUIRED"),
        # SQS and KMS refuse it in a resource policy: an error, not a warning (IAM: "not supported").
        (*at(noversion, '"NotPrincipal"'), "ERROR", "ALLOW_WITH_NOT_PRINCIPAL"),
    ])
    assert findings(lines, f2) == [
        (*at(old, '"arn:aws:sqs:*:*:${aws:username}"'), "ERROR", "VARIABLE_UNSUPPORTED_IN_VERSION")]


def test_validate_output_lines_and_exit_status(tmp_path):
    warn_only = doc(allow("sqs:SendMessage", Condition={"StringEquals": {"aws:PrincipalTag/t": "a?"}}))
    p, lines, (ok, w) = validate(tmp_path, {"ok.json": policy_text("send-any"), "warn.json": warn_only})
    # Only a WARNING: exit 0.
    assert p.returncode == 0, lines
    assert lines[0] == f"{ok}: OK"
    assert len(lines) == 2
    assert lines[1].startswith(f"{w}:1:")
    assert " WARNING WILDCARD_WITHOUT_LIKE_OPERATOR: " in lines[1]
    p = sealq("policy", "validate", str(tmp_path / "missing.json"))
    assert p.returncode == 1


def test_validate_finds_what_access_analyzer_and_the_daemon_refuse(tmp_path):
    """A queue policy that SetQueueAttributes refuses is an ERROR (exit 1); misspelt KMS actions, an
    unknown partition and an identity policy over IAM's 6,144 characters too; an unknown global
    condition key is a warning and a service SealQ does not serve a suggestion."""
    not_principal = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "NotPrincipal": {"AWS": f"{IAM_ARN}:user/x"}, "Action": "sqs:SendMessage", "Resource": f"{SQS_ARN}:q"}]})
    p, lines, (f,) = validate(tmp_path, {"qp.json": not_principal}, "--queue-policy")
    assert p.returncode == 1 and findings(lines, f) == [(*at(not_principal, '"NotPrincipal"'), "ERROR", "ALLOW_WITH_NOT_PRINCIPAL")]

    identity = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["kms:Decrpyt", "kms:ReEncryptFrom", "kms:Sign", "kms:Generate*", "sqz:SendMessage"],
         "Resource": ["arn:foo:sqs:us-east-1:000000000000:q", "arn:aws-cn:sqs:*:*:q", "arn:*:sqs:*:*:q"],
         "Condition": {"StringEquals": {"aws:SourceIpp": "x", "aws:SourceVpce": "v", "aws:PrincipalTag/team": "t"}}}]})
    p, lines, (f,) = validate(tmp_path, {"identity.json": identity}, "--kind", "identity")
    assert p.returncode == 1, lines
    assert findings(lines, f) == [
        (*at(identity, '"kms:Decrpyt"'), "ERROR", "INVALID_ACTION"),
        (*at(identity, '"sqz:SendMessage"'), "SUGGESTION", "SERVICE_NOT_SERVED"),
        (*at(identity, '"arn:foo:sqs'), "ERROR", "INVALID_PARTITION"),
        (*at(identity, '"aws:SourceIpp"'), "WARNING", "UNKNOWN_GLOBAL_CONDITION_KEY"),
    ]

    big = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": f"S{i}", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": f"{SQS_ARN}:queue-number-{i:04}"}
        for i in range(80)]})
    assert len([c for c in big if not c.isspace()]) > 6144
    p, lines, (f,) = validate(tmp_path, {"big.json": big}, "--kind", "identity")
    assert p.returncode == 1 and [code for *_, code in findings(lines, f)] == ["POLICY_SIZE_EXCEEDED"], lines


def _queue_policy(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)


def _qstmt(i, actions=("sqs:SendMessage",), principal=None):
    return {"Sid": f"S{i}", "Effect": "Allow",
            "Principal": principal or {"AWS": f"{IAM_ARN}:user/u{i}"},
            "Action": list(actions), "Resource": f"{SQS_ARN}:q"}


def test_validate_queue_policy_quotas(tmp_path):
    ok = _queue_policy([_qstmt(i) for i in range(20)])
    many = _queue_policy([_qstmt(i) for i in range(21)])
    actions = _queue_policy([_qstmt(0, actions=[
        "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:PurgeQueue", "sqs:ListQueueTags"])])
    big = _queue_policy([_qstmt(0, principal={"AWS": [f"{IAM_ARN}:user/{'u' * 60}{i}" for i in range(40)]}),
                         _qstmt(1, principal={"AWS": [f"{IAM_ARN}:user/{'v' * 60}{i}" for i in range(40)]})])
    assert len(big.encode()) > 8192 and len(ok.encode()) <= 8192
    principals = _queue_policy([_qstmt(0, principal={"AWS": [f"{IAM_ARN}:user/p{i}" for i in range(51)]})])
    conditions = _queue_policy([dict(_qstmt(0), Condition={
        "StringEquals": {f"aws:PrincipalTag/k{i}": "v" for i in range(11)}})])
    files = {"ok.json": ok, "many.json": many, "actions.json": actions, "big.json": big,
             "principals.json": principals, "conditions.json": conditions}
    p, lines, paths = validate(tmp_path, files, "--queue-policy")
    assert p.returncode == 1
    f = dict(zip(files, paths))
    assert f"{f['ok.json']}: OK" in lines
    codes = {name: [c[2:] for c in findings(lines, path)] for name, path in f.items()}
    assert codes["ok.json"] == []
    assert codes["many.json"] == [("ERROR", "STATEMENT_QUOTA_EXCEEDED")]
    # The 21st statement is where the quota is passed.
    (line, col, _, _), = findings(lines, f["many.json"])
    (l21, c21), _ = statement_braces(many, '"Sid": "S20"')
    assert (line, col) == (l21, c21)
    assert codes["actions.json"] == [("ERROR", "ACTION_QUOTA_EXCEEDED")]
    assert ("ERROR", "POLICY_SIZE_EXCEEDED") in codes["big.json"]
    assert ("ERROR", "PRINCIPAL_QUOTA_EXCEEDED") in codes["big.json"]
    assert codes["principals.json"] == [("ERROR", "PRINCIPAL_QUOTA_EXCEEDED")]
    assert codes["conditions.json"] == [("ERROR", "CONDITION_QUOTA_EXCEEDED")]
    # Without --queue-policy the same documents are within IAM's grammar.
    p = sealq("policy", "validate", "--kind", "resource", f["many.json"], f["actions.json"], f["conditions.json"])
    assert p.returncode == 0, p.stdout


# --------------------------------------------------------------------------
# 4. sealq policy who-can
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def queues(env, sqs):
    tagged = f"wc-team-{uuid.uuid4().hex[:8]}"
    opened = f"wc-open-{uuid.uuid4().hex[:8]}"
    plain = f"plain-{uuid.uuid4().hex[:8]}"
    tagged_policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "PartnerSend", "Effect": "Allow", "Principal": {"AWS": user("partner")},
         "Action": "sqs:SendMessage", "Resource": f"{SQS_ARN}:{tagged}",
         "Condition": {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}}]}
    open_policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicSend", "Effect": "Allow", "Principal": "*",
         "Action": "sqs:SendMessage", "Resource": f"{SQS_ARN}:{opened}"},
        {"Sid": "NotAlice", "Effect": "Deny", "Principal": {"AWS": user("alice")},
         "Action": "sqs:SendMessage", "Resource": f"{SQS_ARN}:{opened}"}]}
    sqs.create_queue(QueueName=tagged, Attributes={"Policy": json.dumps(tagged_policy)}, tags={"team": "blue"})
    # SSE off: an encrypted queue refuses unsigned sends whatever its policy says.
    sqs.create_queue(QueueName=opened, Attributes={"Policy": json.dumps(open_policy), "SqsManagedSseEnabled": "false"})
    sqs.create_queue(QueueName=plain, tags={"team": "red"})
    return {"tagged": tagged, "open": opened, "plain": plain,
            "tagged_policy": json.dumps(tagged_policy), "open_policy": json.dumps(open_policy)}


def who_can(env, queue, action="sqs:SendMessage", output="json"):
    p = sealq("policy", "who-can", "--action", action, "--queue", queue, "--data-dir", env.data_dir,
              "--policies", env.policies_dir, "--output", output)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if output == "json" else p.stdout


def by_principal(out):
    return {p["Principal"]: p for p in out["Principals"]}


def test_who_can_lists_allowed_principals_with_statements(env, queues):
    out = who_can(env, queues["tagged"])
    assert out["Action"] == "sqs:SendMessage"
    assert out["Resource"] == f"{SQS_ARN}:{queues['tagged']}"
    got = by_principal(out)
    assert set(got) == {ADMIN_ARN, user("alice"), user("ipuser"), user("guarded"), user("abac-blue"),
                        user("partner")}, sorted(got)
    assert all(p["Anonymous"] is False for p in got.values())
    # alice: the identity statement SendWc, always.
    (a,) = got[user("alice")]["AllowedBy"]
    (line, col), _ = statement_braces(policy_text("send-wc"), '"Sid": "SendWc"')
    assert (a["PolicyId"], a["PolicyType"], a["Sid"], a["Line"], a["Column"], a["Conditions"]) == \
        ("send-wc", "identity", "SendWc", line, col, [])
    assert got[user("alice")]["Unless"] == []
    # ipuser: only from the office network.
    (a,) = got[user("ipuser")]["AllowedBy"]
    assert (a["PolicyId"], a["Sid"]) == ("send-from-office", "OfficeOnly")
    assert a["Conditions"] == [{"Operator": "IpAddress", "Key": "aws:SourceIp", "Values": ["203.0.113.0/24"]}]
    # partner: the queue policy, from its network.
    (a,) = got[user("partner")]["AllowedBy"]
    assert (a["PolicyType"], a["Sid"]) == ("resource", "PartnerSend")
    (line, col), _ = statement_braces(queues["tagged_policy"], '"Sid": "PartnerSend"')
    assert (a["Line"], a["Column"]) == (line, col)
    assert a["Conditions"] == [{"Operator": "IpAddress", "Key": "aws:SourceIp", "Values": ["198.51.100.0/24"]}]
    # guarded: allowed, unless the loopback guard's deny applies.
    g = got[user("guarded")]
    assert [x["Sid"] for x in g["AllowedBy"]] == ["SendAny"]
    (u,) = g["Unless"]
    assert (u["PolicyId"], u["Sid"]) == ("deny-outside-loopback", "LoopbackOnly")
    assert u["Conditions"] == [{"Operator": "NotIpAddress", "Key": "aws:SourceIp",
                                "Values": ["127.0.0.0/8", "::1/128"]}]
    # admin: the built-in AdministratorAccess.
    assert got[ADMIN_ARN]["AllowedBy"] and got[ADMIN_ARN]["AllowedBy"][0]["Conditions"] == []


def test_who_can_counts_a_grant_to_the_account_only_beside_an_identity_policy(env, sqs):
    name = f"wc-account-{uuid.uuid4().hex[:8]}"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sqs:SendMessage", "Resource": f"{SQS_ARN}:{name}"}]}
    sqs.create_queue(QueueName=name, Attributes={"Policy": json.dumps(policy)})
    got = by_principal(who_can(env, name))
    assert ADMIN_ARN in got and user("partner") not in got, sorted(got)


def test_who_can_unconditional_deny_removes_principal(env, queues):
    for q in (queues["tagged"], queues["plain"], queues["open"]):
        got = by_principal(who_can(env, q))
        assert user("denied") not in got  # send-any allows, deny-send always denies
    # alice is denied by the open queue's policy.
    assert user("alice") not in by_principal(who_can(env, queues["open"]))


def test_who_can_abac_resolves_principal_and_queue_tags(env, queues):
    blue = by_principal(who_can(env, queues["tagged"]))
    assert user("abac-blue") in blue and user("abac-red") not in blue
    (a,) = blue[user("abac-blue")]["AllowedBy"]
    assert (a["PolicyId"], a["Sid"], a["Conditions"]) == ("abac-send", "SameTeam", [])
    red = by_principal(who_can(env, queues["plain"]))
    assert user("abac-red") in red and user("abac-blue") not in red
    # plain-* is not a wc-* queue, and it has no queue policy.
    assert user("alice") not in red and user("partner") not in red


def test_who_can_anonymous_grant(env, queues):
    out = who_can(env, queues["open"])
    got = by_principal(out)
    assert "*" in got
    star = got["*"]
    assert star["Anonymous"] is True
    (a,) = star["AllowedBy"]
    assert (a["PolicyType"], a["Sid"], a["Conditions"]) == ("resource", "PublicSend", [])
    (line, col), _ = statement_braces(queues["open_policy"], '"Sid": "PublicSend"')
    assert (a["Line"], a["Column"]) == (line, col)
    assert sum(1 for p in out["Principals"] if p["Anonymous"]) == 1


def test_who_can_lists_no_unsigned_caller_where_the_service_refuses_one(env, sqs):
    """A grant to "*" does not reach unsigned callers for the owner's own actions
    (SetQueueAttributes, TagQueue, ...) nor for sends and receives on a queue with SSE on."""
    name = f"wc-sse-{uuid.uuid4().hex[:8]}"
    everyone = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": f"{SQS_ARN}:{name}"}]}
    sqs.create_queue(QueueName=name, Attributes={"Policy": json.dumps(everyone)})
    for action in ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:SetQueueAttributes", "sqs:TagQueue"):
        assert not any(p["Anonymous"] for p in who_can(env, name, action=action)["Principals"]), action
    assert any(p["Anonymous"] for p in who_can(env, name, action="sqs:GetQueueAttributes")["Principals"])
    # named by --resource with a policy file: the owner-only actions still reach no unsigned caller
    path = os.path.join(env.data_dir, "..", f"{name}-policy.json")
    with open(path, "w") as f:
        json.dump(everyone, f)
    for action, anonymous in (("sqs:SetQueueAttributes", False), ("sqs:SendMessage", False), ("sqs:GetQueueAttributes", True)):
        p = sealq("policy", "who-can", "--action", action, "--resource", f"{SQS_ARN}:{name}", "--resource-policy", path,
                  "--data-dir", env.data_dir, "--policies", env.policies_dir, "--output", "json")
        assert p.returncode == 0, p.stderr
        assert any(g["Anonymous"] for g in json.loads(p.stdout)["Principals"]) == anonymous, (action, p.stdout)


def test_who_can_decides_keys_the_daemon_or_the_action_settles(env, sqs):
    """aws:SecureTransport is always false and aws:RequestedRegion the daemon's region; a send
    never carries request tags, so conditions on them are decided, not listed as open."""
    name = f"wc-settled-{uuid.uuid4().hex[:8]}"
    arn = f"{SQS_ARN}:{name}"
    def allow(sid, condition):
        return {"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn,
                "Condition": condition}
    policy = {"Version": "2012-10-17", "Statement": [
        allow("Tls", {"Bool": {"aws:SecureTransport": "true"}}),
        allow("Tagged", {"StringEquals": {"aws:RequestTag/x": "y"}}),
        allow("AnyTag", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}}),
        allow("Ireland", {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
        allow("Home", {"StringEquals": {"aws:RequestedRegion": "us-east-1"}})]}
    sqs.create_queue(QueueName=name, Attributes={"Policy": json.dumps(policy), "SqsManagedSseEnabled": "false"})
    (anonymous,) = [p for p in who_can(env, name)["Principals"] if p["Anonymous"]]
    assert [(a["Sid"], a["Conditions"]) for a in anonymous["AllowedBy"]] == [("Home", [])]
    # A deny "unless the request tag is y", IfExists: a send has no request tags, so it always applies.
    denied = f"wc-denied-{uuid.uuid4().hex[:8]}"
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": f"{SQS_ARN}:{denied}",
         "Condition": {"StringNotEqualsIfExists": {"aws:RequestTag/x": "y"}}}]}
    sqs.create_queue(QueueName=denied, Attributes={"Policy": json.dumps(deny)})
    assert who_can(env, denied)["Principals"] == []
    with pytest.raises(ClientError) as refused:
        sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=denied)["QueueUrl"], MessageBody="x")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    # TagQueue does carry request tags: there the condition stays open.
    tag_policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "TagXY", "Effect": "Allow", "Principal": {"AWS": user("partner")}, "Action": "sqs:TagQueue",
         "Resource": f"{SQS_ARN}:{denied}", "Condition": {"StringEquals": {"aws:RequestTag/x": "y"}}}]}
    path = os.path.join(env.data_dir, "..", f"{denied}-tag-policy.json")
    with open(path, "w") as f:
        json.dump(tag_policy, f)
    p = sealq("policy", "who-can", "--action", "sqs:TagQueue", "--resource", f"{SQS_ARN}:{denied}", "--resource-policy", path,
              "--data-dir", env.data_dir, "--policies", env.policies_dir, "--output", "json")
    assert p.returncode == 0, p.stderr
    (a,) = by_principal(json.loads(p.stdout))[user("partner")]["AllowedBy"]
    assert a["Conditions"] == [{"Operator": "StringEquals", "Key": "aws:RequestTag/x", "Values": ["y"]}]
    # aws:RequestedRegion is where the request goes, the daemon's region, whatever the ARN names.
    elsewhere = "arn:aws:sqs:eu-west-1:000000000000:far-away"
    with open(path, "w") as f:
        json.dump({"Version": "2012-10-17", "Statement": [
            {"Sid": "HomeRegion", "Effect": "Allow", "Principal": {"AWS": user("partner")}, "Action": "sqs:SendMessage",
             "Resource": elsewhere, "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}]}, f)
    p = sealq("policy", "who-can", "--action", "sqs:SendMessage", "--resource", elsewhere, "--resource-policy", path,
              "--data-dir", env.data_dir, "--policies", env.policies_dir, "--output", "json")
    assert p.returncode == 0, p.stderr
    (a,) = by_principal(json.loads(p.stdout))[user("partner")]["AllowedBy"]
    assert (a["Sid"], a["Conditions"]) == ("HomeRegion", [])


def test_who_can_text_output(env, queues):
    text = who_can(env, queues["tagged"], output="text")
    lines = text.splitlines()
    assert lines[0] == f"sqs:SendMessage on {SQS_ARN}:{queues['tagged']}"
    assert f"  {user('ipuser')}" in lines
    assert "      when IpAddress aws:SourceIp 203.0.113.0/24" in lines
    assert f"  {user('denied')}" not in lines
    text = who_can(env, queues["open"], output="text")
    assert "  * (anyone, including unsigned callers)" in text.splitlines()


def test_who_can_other_actions(env, queues):
    got = by_principal(who_can(env, queues["tagged"], action="sqs:ReceiveMessage"))
    # devs allow ReceiveMessage to alice; partner and ipuser have nothing for it.
    assert user("alice") in got and ADMIN_ARN in got
    assert user("partner") not in got and user("ipuser") not in got
    got = by_principal(who_can(env, queues["tagged"], action="sqs:PurgeQueue"))
    assert user("alice") not in got  # group guard denies PurgeQueue unconditionally
    got = by_principal(who_can(env, queues["tagged"], action="sqs:GetQueueAttributes"))
    assert f"{IAM_ARN}:role/ops/reader" in got


def test_who_can_reads_tags_that_differ_only_in_case_as_enforcement_does(env, sqs):
    """Tags that differ only in case are refused now, but a data directory from before may hold
    them (written here straight into the file): enforcement reads them every way, so an allow on
    aws:ResourceTag/team needs every reading, and who-can lists neither team's user."""
    name = f"wc-mixed-{uuid.uuid4().hex[:8]}"
    sqs.create_queue(QueueName=name, tags={"team": "blue"})
    db = sqlite3.connect(os.path.join(env.data_dir, "sealq.sqlite"), timeout=10)
    try:
        with db:
            db.execute("UPDATE queues SET tags = ? WHERE name = ?", (json.dumps({"team": "blue", "TEAM": "red"}), name))
    finally:
        db.close()
    got = by_principal(who_can(env, name))
    assert user("abac-blue") not in got and user("abac-red") not in got
    assert user("admin") in got


def test_who_can_on_a_kms_key_follows_key_policy_rules(env):
    """For a key, a key-policy statement naming only the account counts together with an IAM
    allow (KMS's rule); a statement naming a principal lets it in alone."""
    kms = client(env, "kms")
    named = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "EnableIam", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "PartnerDecrypts", "Effect": "Allow", "Principal": {"AWS": user("partner")},
         "Action": "kms:Decrypt", "Resource": "*"}]}))["KeyMetadata"]
    kms.create_alias(AliasName="alias/who-can-test", TargetKeyId=named["KeyId"])
    p = sealq("policy", "who-can", "--action", "kms:Decrypt", "--key", "alias/who-can-test", "--data-dir", env.data_dir,
              "--policies", env.policies_dir, "--output", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["Resource"] == named["Arn"]
    principals = by_principal(out)
    # admin: IAM allows (AdministratorAccess) and the key policy delegates to the account
    assert user("admin") in principals
    assert {r["PolicyId"] for r in principals[user("admin")]["AllowedBy"]} >= {"AdministratorAccess"}
    # partner: no IAM policy, but named by the key policy
    assert [r["Sid"] for r in principals[user("partner")]["AllowedBy"]] == ["PartnerDecrypts"]
    # nobody has neither: the account delegation alone does not let it in
    assert user("nobody") not in principals

    closed = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AdminOnly", "Effect": "Allow", "Principal": {"AWS": user("admin")}, "Action": "kms:*", "Resource": "*"}]}),
        BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    p = sealq("policy", "who-can", "--action", "kms:Encrypt", "--key", closed["KeyId"], "--data-dir", env.data_dir,
              "--policies", env.policies_dir, "--output", "json")
    assert p.returncode == 0, p.stderr
    assert set(by_principal(json.loads(p.stdout))) == {user("admin")}


def test_who_can_on_a_kms_key_counts_grants_the_callers_account_and_no_unsigned_caller(env):
    """As KMS decides: a grant lets its grantee in (with its constraint shown), kms:CallerAccount
    is known for every principal, and no unsigned caller is listed, since KMS serves none and SQS
    refuses them an SSE-KMS key."""
    kms = client(env, "kms")
    key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "EnableIam", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "EveryoneOfAnotherAccount", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": "999999999999"}}},
        {"Sid": "EveryoneHere", "Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}}}]}))["KeyMetadata"]
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=user("nobody"), Operations=["Decrypt"],
                             Constraints={"EncryptionContextSubset": {"tenant": "a"}})

    def report(action):
        p = sealq("policy", "who-can", "--action", action, "--key", key["KeyId"], "--data-dir", env.data_dir,
                  "--policies", env.policies_dir, "--output", "json")
        assert p.returncode == 0, p.stderr
        return by_principal(json.loads(p.stdout))

    decrypt = report("kms:Decrypt")
    assert "*" not in decrypt
    assert [g["GrantId"] for g in decrypt[user("nobody")]["Grants"]] == [grant["GrantId"]]
    assert decrypt[user("nobody")]["Grants"][0]["EncryptionContextSubset"] == {"tenant": "a"}
    assert decrypt[user("nobody")]["AllowedBy"] == []
    # No one is of account 999999999999: that statement lets nobody in.
    assert all(r.get("Sid") != "EveryoneOfAnotherAccount" for g in decrypt.values() for r in g["AllowedBy"])
    encrypt = report("kms:Encrypt")
    assert "*" not in encrypt and user("nobody") in encrypt
    assert [r["Conditions"] for r in encrypt[user("nobody")]["AllowedBy"] if r.get("Sid") == "EveryoneHere"] == [[]]
    text = sealq("policy", "who-can", "--action", "kms:Decrypt", "--key", key["KeyId"], "--data-dir", env.data_dir,
                 "--policies", env.policies_dir).stdout
    assert f"allowed by grant {grant['GrantId']} (Decrypt)" in text and "when the encryption context includes tenant=a" in text
    assert grant["GrantToken"] not in text


def test_who_can_and_simulate_use_the_account_and_region_the_data_directory_recorded(tmp_path):
    """A data directory set up for another account and region: who-can must evaluate the ARNs
    its daemon uses (a queue policy naming that account's partner grants access), and an
    --account-id or --region that contradicts the record is refused, as `sealq serve` refuses it."""
    account, region = "123456789012", "eu-west-1"
    d = Daemon(str(tmp_path), policies_dir=REPO_POLICIES, extra_args=["--account-id", account, "--region", region])
    d.start()
    try:
        sqs = boto3.client("sqs", endpoint_url=d.url, region_name=region, aws_access_key_id=ADMIN_KEY,
                           aws_secret_access_key=ADMIN_SECRET)
        queue_arn = f"arn:aws:sqs:{region}:{account}:shared-q"
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:user/partner"},
             "Action": "sqs:SendMessage", "Resource": queue_arn}]}
        sqs.create_queue(QueueName="shared-q", Attributes={"Policy": json.dumps(policy)})
    finally:
        d.stop()
    p = sealq("policy", "who-can", "--action", "sqs:SendMessage", "--queue", "shared-q", "--data-dir", d.data_dir,
              "--policies", REPO_POLICIES, "--output", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["Resource"] == queue_arn
    assert f"arn:aws:iam::{account}:user/partner" in {g["Principal"] for g in out["Principals"]}
    same = sealq("policy", "who-can", "--action", "sqs:SendMessage", "--queue", "shared-q", "--data-dir", d.data_dir,
                 "--policies", REPO_POLICIES, "--output", "json", "--account-id", account, "--region", region)
    assert same.returncode == 0 and json.loads(same.stdout) == out, same.stderr
    for flags in (["--account-id", ACCOUNT], ["--region", REGION]):
        refused = sealq("policy", "who-can", "--action", "sqs:SendMessage", "--queue", "shared-q",
                        "--data-dir", d.data_dir, "--policies", REPO_POLICIES, *flags)
        assert refused.returncode == 64, (flags, refused.returncode, refused.stdout)
        assert f"belongs to account {account} in region {region}" in refused.stderr
    input_file = tmp_path / "input.json"
    input_file.write_text(json.dumps({"PolicyInputList": [json.dumps(doc(allow("sqs:SendMessage")))],
                                      "ActionNames": ["sqs:SendMessage"], "ResourceArns": [queue_arn]}))
    simulated = sealq("policy", "simulate", "--cli-input-json", str(input_file), "--data-dir", d.data_dir,
                      "--policies", REPO_POLICIES, "--account-id", ACCOUNT)
    assert simulated.returncode == 64 and f"belongs to account {account}" in simulated.stderr, simulated.stderr


def test_who_can_decides_conditions_on_tags_the_queue_does_not_have(tmp_path):
    """A condition on the queue's own tag is decided by the queue: on a queue without that tag
    the allow can never hold, so who-can does not list the principal (enforcement denies too)."""
    principals = {"Users": [{"Name": "admin", "Policies": ["everything"]},
                            {"Name": "tagged", "Policies": ["same-team"], "Tags": {"team": "orders"}}],
                  "Roles": [], "Groups": []}
    policies = {
        "everything": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        "same-team": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sqs:GetQueueAttributes", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]},
    }
    policies_dir = write_policies_dir(str(tmp_path / "policies"), principals, policies)
    d = Daemon(str(tmp_path), policies_dir=policies_dir)
    d.start()
    try:
        admin = make_client(d)
        admin.create_queue(QueueName="untagged")
        admin.create_queue(QueueName="orders-tagged", tags={"team": "orders"})
    finally:
        d.stop()

    def listed(queue):
        p = sealq("policy", "who-can", "--action", "sqs:GetQueueAttributes", "--queue", queue, "--data-dir", d.data_dir,
                  "--policies", policies_dir, "--output", "json")
        assert p.returncode == 0, p.stderr
        return {entry["Principal"] for entry in json.loads(p.stdout)["Principals"]}

    assert not any(name.endswith(":user/tagged") for name in listed("untagged")), listed("untagged")
    assert any(name.endswith(":user/tagged") for name in listed("orders-tagged")), listed("orders-tagged")


def test_a_huge_grid_costs_one_page(iam):
    """Only the asked page is evaluated: 3,000 actions x 3,000 resources (9 million results)
    took 16 s and 2.7 GB when the whole grid was built before paging."""
    actions = [f"sqs:Action{i}" for i in range(3000)]
    resources = [f"{SQS_ARN}:grid-{i}" for i in range(3000)]
    args = dict(PolicyInputList=[doc(allow("sqs:*"))], ActionNames=actions, ResourceArns=resources, MaxItems=2)
    started = time.monotonic()
    first = iam.simulate_custom_policy(**args)
    assert [(x["EvalActionName"], x["EvalResourceName"]) for x in first["EvaluationResults"]] == [
        ("sqs:Action0", f"{SQS_ARN}:grid-0"), ("sqs:Action0", f"{SQS_ARN}:grid-1")]
    assert first["IsTruncated"] is True and first["Marker"] == "2"
    last = iam.simulate_custom_policy(**args, Marker=str(3000 * 3000 - 1))
    assert [(x["EvalActionName"], x["EvalResourceName"]) for x in last["EvaluationResults"]] == [
        ("sqs:Action2999", f"{SQS_ARN}:grid-2999")]
    assert last["IsTruncated"] is False and "Marker" not in last
    assert time.monotonic() - started < 10
    with pytest.raises(ClientError) as e:
        iam.simulate_custom_policy(**args, Marker=str(3000 * 3000 + 1))
    assert e.value.response["Error"]["Code"] == "InvalidInput"
