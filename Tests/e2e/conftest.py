"""Shared fixtures and helpers for the SealQ end-to-end suite.

Run from the repository root:  python3 -m pytest -q Tests/e2e
The daemon binary comes from $SEALQ_BIN (default .build/debug/sealq, relative
paths are resolved against the repository root).
"""

import base64
import botocore.auth
from unittest import mock
import datetime
import hashlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_bin = os.environ.get("SEALQ_BIN") or os.path.join(".build", "debug", "sealq")
SEALQ_BIN = _bin if os.path.isabs(_bin) else os.path.join(REPO_ROOT, _bin)

ADMIN_KEY = "AKIAE2ETESTADMIN0001"
ADMIN_SECRET = "e2e-secret-key-0000000000000000000000000"
UNKNOWN_KEY = "AKIAE2EUNKNOWNKEY999"
REGION = "us-east-1"
ACCOUNT = "000000000000"
NS = "http://queue.amazonaws.com/doc/2012-11-05/"
QUERY_VERSION = "2012-11-05"

_ALL_DAEMONS = []


# --------------------------------------------------------------------------
# Daemon process management
# --------------------------------------------------------------------------

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    """One `sealq serve` process on 127.0.0.1 with its own data directory."""

    def __init__(self, base_dir, port=None, policies_dir=None, extra_args=(), env=None):
        self.base_dir = base_dir
        self.policies_dir = policies_dir
        self.extra_args = list(extra_args)
        self.extra_env = dict(env or {})
        self.data_dir = os.path.join(base_dir, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.port = port or free_port()
        self.proc = None
        self.runs = 0
        self.stderr_path = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def queue_url(self, name):
        return f"{self.url}/{ACCOUNT}/{name}"

    def _spawn(self):
        """Starts `sealq serve` with this daemon's flags; root-key variables of the test
        runner's own environment are not passed on (tests set them through `env`)."""
        if not os.path.exists(SEALQ_BIN):
            pytest.fail(f"sealq binary not found at {SEALQ_BIN} (set SEALQ_BIN)")
        self.runs += 1
        self.stderr_path = os.path.join(self.base_dir, f"stderr.{self.runs}.log")
        self.stdout_path = os.path.join(self.base_dir, f"stdout.{self.runs}.log")
        env = {k: v for k, v in os.environ.items() if k not in ("SEALQ_ROOT_PASSPHRASE", "SEALQ_ROOT_KEY_FILE")}
        env["SEALQ_ADMIN_ACCESS_KEY_ID"] = ADMIN_KEY
        env["SEALQ_ADMIN_SECRET_ACCESS_KEY"] = ADMIN_SECRET
        env.update(self.extra_env)
        env = {k: v for k, v in env.items() if v is not None}  # None in `env` unsets a variable
        cmd = [SEALQ_BIN, "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--data-dir", self.data_dir]
        if self.policies_dir is not None:
            cmd += ["--policies", self.policies_dir]
        cmd += self.extra_args
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, env=env, cwd=self.base_dir, stdout=out,
                                         stderr=err, stdin=subprocess.DEVNULL)
        _ALL_DAEMONS.append(self)

    def _answers_health(self):
        try:
            return requests.get(self.url + "/health", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def start(self, timeout=30.0, port=None):
        if port is not None:
            self.port = port
        self._spawn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"sealq exited with {self.proc.returncode} during startup:\n"
                            + self.stderr_tail())
            if self._answers_health():
                return self
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"sealq did not become healthy within {timeout}s:\n" + self.stderr_tail())

    def start_expecting_failure(self, timeout=30.0):
        """Starts and expects the daemon to refuse: returns (exit code, stderr). Fails the test
        when it comes up healthy instead."""
        self._spawn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return self.proc.returncode, self.stderr_tail(20000)
            if self._answers_health():
                self.stop()
                pytest.fail("sealq started although it should have refused to:\n" + self.stderr_tail())
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"sealq neither started nor exited within {timeout}s:\n" + self.stderr_tail())

    def logs(self):
        """Everything every run of this daemon wrote to stdout and stderr."""
        out = b""
        for name in sorted(os.listdir(self.base_dir)):
            if name.endswith(".log"):
                with open(os.path.join(self.base_dir, name), "rb") as f:
                    out += f.read()
        return out

    def stderr_tail(self, n=4000):
        try:
            with open(self.stderr_path, "rb") as f:
                data = f.read()
            return data[-n:].decode("utf-8", "replace")
        except OSError:
            return "(no stderr)"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def healthy(self):
        try:
            return requests.get(self.url + "/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def stop(self, grace=10.0):
        """SIGTERM, then SIGKILL after `grace` seconds. Returns True if it exited by itself."""
        if self.proc is None or self.proc.poll() is not None:
            return True
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
            return True
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return False

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def restart(self, **kw):
        self.stop()
        return self.start(**kw)


def pytest_sessionfinish(session, exitstatus):
    for d in _ALL_DAEMONS:
        try:
            d.kill()
        except Exception:
            pass


@pytest.fixture(scope="session")
def daemon(tmp_path_factory):
    d = Daemon(str(tmp_path_factory.mktemp("sealq-session")))
    d.start()
    yield d
    d.stop()


@pytest.fixture
def fresh_daemon(tmp_path_factory):
    """Factory for function-scoped daemons: `d = fresh_daemon()` starts one."""
    made = []

    def make(start=True, policies_dir=None):
        d = Daemon(str(tmp_path_factory.mktemp("sealq-fresh")), policies_dir=policies_dir)
        made.append(d)
        if start:
            d.start()
        return d

    yield make
    for d in made:
        d.stop()


# --------------------------------------------------------------------------
# boto3 clients
# --------------------------------------------------------------------------

def make_client(daemon, key=ADMIN_KEY, secret=ADMIN_SECRET, unsigned=False, **cfg):
    params = dict(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60)
    params.update(cfg)
    if unsigned:
        params["signature_version"] = UNSIGNED
    return boto3.session.Session().client(
        "sqs", endpoint_url=daemon.url, region_name=REGION,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(**params))


def kms_key_gone(kms, key_id):
    """Whether DescribeKey says the key `key_id` no longer exists (its deletion completed)."""
    try:
        kms.describe_key(KeyId=key_id)
        return False
    except ClientError as e:
        return e.response["Error"]["Code"] == "NotFoundException"


def kms_client(daemon, key=ADMIN_KEY, secret=ADMIN_SECRET, **cfg):
    """A boto3 KMS client for `daemon`, signed with `key`/`secret` (the admin's by default)."""
    params = dict(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60)
    params.update(cfg)
    return boto3.session.Session().client(
        "kms", endpoint_url=daemon.url, region_name=REGION,
        aws_access_key_id=key, aws_secret_access_key=secret, config=Config(**params))


@pytest.fixture(scope="session")
def sqs(daemon):
    return make_client(daemon)


@pytest.fixture(scope="session")
def client_factory(daemon):
    def factory(**kw):
        return make_client(daemon, **kw)
    return factory


def unique_name(prefix="e2e"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def queue_name(request):
    base = re.sub(r"[^A-Za-z0-9_-]", "-", request.node.name)[:50]
    return f"{base}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def queue(sqs, queue_name):
    """A fresh standard queue with default attributes; returns its URL."""
    return sqs.create_queue(QueueName=queue_name)["QueueUrl"]


@pytest.fixture
def make_queue(sqs):
    def make(attributes=None, prefix="q", **kw):
        name = unique_name(prefix)
        args = {"QueueName": name}
        if attributes:
            args["Attributes"] = {k: str(v) for k, v in attributes.items()}
        args.update(kw)
        return sqs.create_queue(**args)["QueueUrl"]
    return make


def arn_of(url):
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{url.rstrip('/').rsplit('/', 1)[1]}"


# --------------------------------------------------------------------------
# Error assertions
# --------------------------------------------------------------------------

def expect_error(fn, code, status=400, **kwargs):
    """Call fn(**kwargs), expect a ClientError with `code` (str or tuple) and HTTP `status`."""
    with pytest.raises(ClientError) as ei:
        fn(**kwargs)
    resp = ei.value.response
    got_code = resp["Error"]["Code"]
    got_status = resp["ResponseMetadata"]["HTTPStatusCode"]
    codes = (code,) if isinstance(code, str) else tuple(code)
    assert got_code in codes, f"expected {codes}, got {got_code!r}: {resp['Error']}"
    assert got_status == status, f"expected HTTP {status}, got {got_status}: {resp['Error']}"
    return resp


# --------------------------------------------------------------------------
# MD5 (per AWS's documented algorithm)
# --------------------------------------------------------------------------

def md5_hex(body):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return hashlib.md5(body).hexdigest()


def _lp(b):
    return struct.pack(">I", len(b)) + b


def md5_of_attributes(attrs):
    """MD5 of message (or system) attributes.

    attrs: {name: {"DataType": ..., "StringValue": str} | {"DataType": ..., "BinaryValue": bytes}}
    A BinaryValue given as str is taken to be base64 (as on the Query wire).
    """
    buf = b""
    for name in sorted(attrs, key=lambda n: [ord(c) for c in n]):
        v = attrs[name]
        dt = v["DataType"]
        buf += _lp(name.encode("utf-8")) + _lp(dt.encode("utf-8"))
        if "BinaryValue" in v and v["BinaryValue"] is not None and dt.startswith("Binary"):
            raw = v["BinaryValue"]
            if isinstance(raw, str):
                raw = base64.b64decode(raw)
            buf += b"\x02" + _lp(raw)
        else:
            buf += b"\x01" + _lp(v["StringValue"].encode("utf-8"))
    return hashlib.md5(buf).hexdigest()


# --------------------------------------------------------------------------
# Raw signed HTTP: Query protocol and AWS JSON 1.0
# --------------------------------------------------------------------------

def signed_request(method, url, body=b"", headers=None, key=ADMIN_KEY, secret=ADMIN_SECRET,
                   sign=True, timeout=60):
    headers = dict(headers or {})
    req = AWSRequest(method=method, url=url, data=body, headers=headers)
    if sign:
        SigV4Auth(Credentials(key, secret), "sqs", REGION).add_auth(req)
    prep = req.prepare()
    return requests.request(prep.method, prep.url, headers=dict(prep.headers.items()),
                            data=prep.body, timeout=timeout)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def xfind(el, path):
    """Namespace-agnostic child lookup by local names: xfind(root, 'A/B')."""
    if el is None:
        return None
    cur = [el]
    for part in path.split("/"):
        nxt = []
        for c in cur:
            nxt.extend(ch for ch in c if _local(ch.tag) == part)
        cur = nxt
        if not cur:
            return None
    return cur[0]


def xfindall(el, path):
    if el is None:
        return []
    cur = [el]
    for part in path.split("/"):
        nxt = []
        for c in cur:
            nxt.extend(ch for ch in c if _local(ch.tag) == part)
        cur = nxt
    return cur


def xtext(el, path, default=None):
    n = xfind(el, path)
    if n is None:
        return default
    return n.text if n.text is not None else ""


def xml_error(root):
    """(Type, Code, Message) of a Query error response."""
    err = xfind(root, "Error")
    return xtext(err, "Type"), xtext(err, "Code"), xtext(err, "Message")


def xml_attributes(el, tag="Attribute"):
    """{Name: Value} of repeated <Attribute><Name/><Value/></Attribute> children."""
    return {xtext(a, "Name"): xtext(a, "Value") for a in xfindall(el, tag)}


def xml_message_attributes(msg):
    out = {}
    for a in xfindall(msg, "MessageAttribute"):
        v = xfind(a, "Value")
        entry = {"DataType": xtext(v, "DataType")}
        if xfind(v, "StringValue") is not None:
            entry["StringValue"] = xtext(v, "StringValue")
        if xfind(v, "BinaryValue") is not None:
            entry["BinaryValue"] = base64.b64decode(xtext(v, "BinaryValue"))
        out[xtext(a, "Name")] = entry
    return out


class QueryClient:
    def __init__(self, daemon):
        self.daemon = daemon

    def raw(self, action, params=None, path="/", method="POST", version=QUERY_VERSION,
            key=ADMIN_KEY, secret=ADMIN_SECRET, sign=True, timeout=60):
        pairs = []
        if action is not None:
            pairs.append(("Action", action))
        if version is not None:
            pairs.append(("Version", version))
        for k, v in (params or {}).items():
            pairs.append((k, v if isinstance(v, (str, bytes)) else str(v)))
        form = urllib.parse.urlencode(pairs)
        url = self.daemon.url + path
        if method == "GET":
            return signed_request("GET", url + "?" + form, b"", key=key, secret=secret,
                                  sign=sign, timeout=timeout)
        return signed_request(
            "POST", url, form.encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            key=key, secret=secret, sign=sign, timeout=timeout)

    def __call__(self, action, params=None, path="/", **kw):
        r = self.raw(action, params, path, **kw)
        try:
            root = ET.fromstring(r.content)
        except ET.ParseError as e:
            raise AssertionError(f"not XML (HTTP {r.status_code}): {r.content[:500]!r}") from e
        return r.status_code, root


@pytest.fixture(scope="session")
def query(daemon):
    """query(action, params, path='/') -> (status, xml root)."""
    return QueryClient(daemon)


class JsonClient:
    def __init__(self, daemon):
        self.daemon = daemon

    def __call__(self, action, payload=None, raw_body=None, target=None, key=ADMIN_KEY,
                 secret=ADMIN_SECRET, sign=True, headers=None, timeout=60):
        body = raw_body if raw_body is not None else json.dumps(payload or {}).encode("utf-8")
        h = {"Content-Type": "application/x-amz-json-1.0",
             "X-Amz-Target": target if target is not None else f"AmazonSQS.{action}",
             "x-amzn-query-mode": "true"}
        if headers:
            h.update(headers)
        h = {k: v for k, v in h.items() if v is not None}
        return signed_request("POST", self.daemon.url + "/", body, headers=h, key=key,
                              secret=secret, sign=sign, timeout=timeout)


@pytest.fixture(scope="session")
def json_call(daemon):
    """json_call(action, payload) -> requests.Response (SigV4-signed AWS JSON 1.0)."""
    return JsonClient(daemon)


# --------------------------------------------------------------------------
# Message helpers
# --------------------------------------------------------------------------

def receive_bodies(sqs, url, count, timeout=10.0, **kw):
    """Receive (without deleting) until `count` distinct messages were seen or timeout."""
    seen = {}
    deadline = time.monotonic() + timeout
    while len(seen) < count and time.monotonic() < deadline:
        args = dict(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        args.update(kw)
        for m in sqs.receive_message(**args).get("Messages", []):
            seen[m["MessageId"]] = m
    return list(seen.values())


def wait_until(pred, timeout=5.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return pred()


def queue_counts(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed"])["Attributes"]
    return (int(a["ApproximateNumberOfMessages"]),
            int(a["ApproximateNumberOfMessagesNotVisible"]),
            int(a["ApproximateNumberOfMessagesDelayed"]))


def alter_handle(handle):
    """Change one character near the middle of a receipt handle, staying inside the
    handle's alphabet (a digit becomes another digit, a hex letter another hex letter)."""
    mid = len(handle) // 2
    order = sorted(range(len(handle)), key=lambda j: abs(j - mid))
    for j in order:
        if handle[j].isdigit():
            return handle[:j] + ("7" if handle[j] != "7" else "3") + handle[j + 1:]
    for j in order:
        c = handle[j]
        if c in "abcdef":
            return handle[:j] + ("a" if c != "a" else "b") + handle[j + 1:]
        if c in "ABCDEF":
            return handle[:j] + ("A" if c != "A" else "B") + handle[j + 1:]
        if c.isalpha() and c.isascii():
            return handle[:j] + ("x" if c != "x" else "y") + handle[j + 1:]
    raise AssertionError("cannot alter receipt handle " + handle)


def normalized_attributes(attrs):
    """Message attributes as plain dicts, with boto3's BinaryValue turned into bytes."""
    out = {}
    for k, v in attrs.items():
        e = {"DataType": v["DataType"]}
        if "StringValue" in v:
            e["StringValue"] = v["StringValue"]
        if "BinaryValue" in v:
            e["BinaryValue"] = bytes(v["BinaryValue"])
        out[k] = e
    return out


# --------------------------------------------------------------------------
# Principals, access keys and policies directories
# --------------------------------------------------------------------------

REPO_POLICIES = os.path.join(REPO_ROOT, "policies")


def user_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:user{path}{name}"


def run_sealq(*args, timeout=60, env=None):
    """Run the sealq binary with `args`; returns the CompletedProcess (text mode)."""
    if not os.path.exists(SEALQ_BIN):
        pytest.fail(f"sealq binary not found at {SEALQ_BIN} (set SEALQ_BIN)")
    return subprocess.run([SEALQ_BIN, *args], capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)


def principals_cli(*args, data_dir, policies_dir=None, check=True):
    """`sealq principals ARGS --data-dir D [--policies P]`; asserts success when `check`."""
    cmd = ["principals", *args, "--data-dir", data_dir]
    if policies_dir is not None:
        cmd += ["--policies", policies_dir]
    p = run_sealq(*cmd)
    if check:
        assert p.returncode == 0, (cmd, p.returncode, p.stdout, p.stderr)
    return p


def create_access_key(name, data_dir, policies_dir):
    """`sealq principals create-access-key NAME`; returns (access key id, secret)."""
    p = principals_cli("create-access-key", name, data_dir=data_dir, policies_dir=policies_dir)
    key = json.loads(p.stdout)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def write_policies_dir(path, principals, policies):
    """Write principals.json and one NAME.json per entry of `policies` (a dict, or raw text)."""
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "principals.json"), "w") as f:
        f.write(principals if isinstance(principals, str) else json.dumps(principals, indent=4))
    for name, doc in policies.items():
        with open(os.path.join(path, name + ".json"), "w") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc, indent=4))
    return path


def make_sts_client(daemon, key=ADMIN_KEY, secret=ADMIN_SECRET):
    return boto3.session.Session().client(
        "sts", endpoint_url=daemon.url, region_name=REGION,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30))


def signed_sqs_json(daemon, action, body, key=ADMIN_KEY, secret=ADMIN_SECRET, region=REGION, when=None, tamper=None):
    """POSTs an AWS JSON 1.0 SQS call signed with SigV4 as botocore signs it, optionally as if
    signed at `when` (a timezone-aware datetime) or with `tamper` sent instead of the signed body."""
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"AmazonSQS.{action}"}
    req = AWSRequest(method="POST", url=daemon.url + "/", data=body, headers=headers)
    signer = SigV4Auth(Credentials(key, secret), "sqs", region)
    if when is None:
        signer.add_auth(req)
    else:
        fake = mock.MagicMock(wraps=datetime.datetime)
        fake.now.return_value = when
        fake.utcnow.return_value = when.replace(tzinfo=None)
        with mock.patch.object(botocore.auth.datetime, "datetime", fake):
            signer.add_auth(req)
    prepared = req.prepare()
    data = tamper if tamper is not None else prepared.body
    return requests.post(prepared.url, headers=dict(prepared.headers.items()), data=data, timeout=30)


def query_error_code(response):
    """The legacy error code of an AWS JSON 1.0 answer (its `x-amzn-query-error` header)."""
    return response.headers.get("x-amzn-query-error", "").split(";")[0]
