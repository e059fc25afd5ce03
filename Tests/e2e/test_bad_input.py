"""Malformed requests, raw AWS JSON error shapes, and authentication failures.
After every bad request the daemon must still be alive and healthy."""

import json
import socket
import time

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import (ADMIN_KEY, UNKNOWN_KEY, expect_error, make_client, signed_request, unique_name, xml_error)


@pytest.fixture(autouse=True)
def still_healthy(daemon):
    yield
    assert daemon.alive(), "daemon died:\n" + daemon.stderr_tail()
    assert daemon.healthy(), "daemon no longer healthy"


def _json_err(r):
    body = r.json()
    return body.get("__type", ""), r.headers.get("x-amzn-query-error", ""), body


def _create(sqs):
    name = unique_name("bad")
    return name, sqs.create_queue(QueueName=name)["QueueUrl"]


# ---------------------------------------------------------------- raw JSON error shapes

def test_json_success_shape(json_call, sqs):
    name, url = _create(sqs)
    r = json_call("GetQueueUrl", {"QueueName": name})
    assert r.status_code == 200
    assert r.headers.get("x-amzn-RequestId")
    assert r.headers["Content-Type"].startswith("application/x-amz-json-1.0")
    assert r.json() == {"QueueUrl": url}


def test_json_empty_success_body(json_call, sqs):
    _, url = _create(sqs)
    r = json_call("SetQueueAttributes", {"QueueUrl": url, "Attributes": {"DelaySeconds": "1"}})
    assert r.status_code == 200
    assert r.content.strip() in (b"", b"{}")


def test_json_nonexistent_queue_shape(json_call):
    r = json_call("GetQueueUrl", {"QueueName": unique_name("nope")})
    assert r.status_code == 400
    typ, qerr, body = _json_err(r)
    assert typ == "com.amazonaws.sqs#QueueDoesNotExist"
    assert qerr == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    assert body.get("message")
    assert r.headers.get("x-amzn-RequestId")


def test_json_queue_name_exists_shape(json_call, sqs):
    name = unique_name("exists")
    sqs.create_queue(QueueName=name, Attributes={"DelaySeconds": "1"})
    r = json_call("CreateQueue", {"QueueName": name, "Attributes": {"DelaySeconds": "2"}})
    assert r.status_code == 400
    typ, qerr, _ = _json_err(r)
    assert typ == "com.amazonaws.sqs#QueueNameExists"
    assert qerr == "QueueAlreadyExists;Sender"


def test_json_receipt_handle_invalid_shape(json_call, sqs):
    _, url = _create(sqs)
    r = json_call("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": "forged"})
    assert r.status_code == 400
    typ, qerr, _ = _json_err(r)
    assert typ == "com.amazonaws.sqs#ReceiptHandleIsInvalid"
    assert qerr == "ReceiptHandleIsInvalid;Sender"


def test_json_invalid_parameter_value_shape(json_call, sqs):
    _, url = _create(sqs)
    r = json_call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 11})
    assert r.status_code == 400
    typ, qerr, _ = _json_err(r)
    assert qerr == "InvalidParameterValue;Sender"
    assert typ.startswith("com.amazonaws.sqs#InvalidParameterValue"), typ  # ...Exception per AWS-FACTS


def test_json_missing_required_parameter(json_call, sqs):
    _, url = _create(sqs)
    r = json_call("SendMessage", {"QueueUrl": url})
    assert r.status_code == 400
    typ, qerr, _ = _json_err(r)
    assert qerr == "MissingParameter;Sender"
    assert typ.startswith("com.amazonaws.sqs#Missing"), typ  # MissingRequiredParameterException per AWS-FACTS
    r = json_call("CreateQueue", {})
    assert r.status_code == 400
    assert _json_err(r)[1] == "MissingParameter;Sender"


def test_json_purge_in_progress_shape(json_call, sqs):
    _, url = _create(sqs)
    assert json_call("PurgeQueue", {"QueueUrl": url}).status_code == 200
    r = json_call("PurgeQueue", {"QueueUrl": url})
    assert r.status_code == 403
    typ, qerr, _ = _json_err(r)
    assert typ == "com.amazonaws.sqs#PurgeQueueInProgress"
    assert qerr == "AWS.SimpleQueueService.PurgeQueueInProgress;Sender"


def test_json_batch_error_shape(json_call, sqs):
    _, url = _create(sqs)
    r = json_call("SendMessageBatch", {"QueueUrl": url, "Entries": []})
    assert r.status_code == 400
    typ, qerr, _ = _json_err(r)
    assert typ == "com.amazonaws.sqs#EmptyBatchRequest"
    assert qerr == "AWS.SimpleQueueService.EmptyBatchRequest;Sender"


# ---------------------------------------------------------------- malformed requests

@pytest.mark.parametrize("raw", [
    b"{not json",
    b"",
    b"[1, 2, 3]",
    b"\"just a string\"",
    b"{\"QueueName\": \"x\"",
    b"Action=ListQueues&Version=2012-11-05",
], ids=["garbage", "empty", "array", "string", "truncated", "form-in-json"])
def test_malformed_json_body(json_call, raw):
    r = json_call("CreateQueue", raw_body=raw)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


def test_unknown_target_action(json_call):
    r = json_call(None, {}, target="AmazonSQS.NoSuchOperation")
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


def test_unknown_target_service(json_call):
    r = json_call(None, {}, target="NoSuchService.ListQueues")
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


def test_a_target_without_the_service_prefix_is_an_unknown_operation(json_call):
    r = json_call(None, {"QueueName": "never-made"}, target="CreateQueue")
    assert r.status_code == 400 and r.json()["__type"].endswith("UnknownOperationException"), r.text[:300]


def test_no_target_and_no_action(daemon):
    r = signed_request("POST", daemon.url + "/", b"{}", headers={"Content-Type": "application/x-amz-json-1.0"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


@pytest.mark.parametrize("payload", [
    {"QueueName": 5},
    {"QueueName": ["a"]},
    {"QueueName": None},
    {"QueueName": "ok-name", "Attributes": "not-a-map"},
    {"QueueName": "ok-name", "Attributes": {"DelaySeconds": 5}},
    {"QueueName": "ok-name", "tags": ["a"]},
], ids=["number", "list", "null", "attrs-string", "attr-number", "tags-list"])
def test_wrong_json_types_create(json_call, payload):
    if isinstance(payload.get("QueueName"), str):
        payload = dict(payload, QueueName=unique_name("typ"))
    r = json_call("CreateQueue", payload)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


@pytest.mark.parametrize("extra", [
    {"MaxNumberOfMessages": "ten"},
    {"MaxNumberOfMessages": 1.5},
    {"WaitTimeSeconds": True},
    {"MessageAttributeNames": "All"},
    {"VisibilityTimeout": 99999999999999999999},
], ids=["string-int", "float-int", "bool-int", "string-list", "huge-int"])
def test_wrong_json_types_receive(json_call, sqs, extra):
    _, url = _create(sqs)
    payload = {"QueueUrl": url}
    payload.update(extra)
    r = json_call("ReceiveMessage", payload)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


def test_wrong_json_types_send(json_call, sqs):
    _, url = _create(sqs)
    for payload in ({"QueueUrl": url, "MessageBody": 42},
                    {"QueueUrl": url, "MessageBody": "x", "MessageAttributes": {"a": "not-a-struct"}},
                    {"QueueUrl": url, "MessageBody": "x",
                     "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": "***not base64***"}}},
                    {"QueueUrl": 7, "MessageBody": "x"}):
        r = json_call("SendMessage", payload)
        assert 400 <= r.status_code < 500, (payload, r.status_code, r.text[:300])
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_invalid_utf8_json(json_call, sqs):
    _, url = _create(sqs)
    raw = b'{"QueueUrl": "' + url.encode() + b'", "MessageBody": "bad \xff\xfe bytes"}'
    r = json_call("SendMessage", raw_body=raw)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    r = json_call("CreateQueue", raw_body=b'{"QueueName": "q\xc3"}')
    assert 400 <= r.status_code < 500


def test_invalid_utf8_query(daemon, sqs):
    _, url = _create(sqs)
    form = b"Action=SendMessage&Version=2012-11-05&QueueUrl=" + requests.utils.quote(url, safe="").encode() \
        + b"&MessageBody=bad%FF%FEbytes"
    r = signed_request("POST", daemon.url + "/", form,
                       headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


def test_lone_surrogate_in_json(json_call, sqs):
    _, url = _create(sqs)
    raw = ('{"QueueUrl": "%s", "MessageBody": "x\\ud800y"}' % url).encode()
    r = json_call("SendMessage", raw_body=raw)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


def _post_raw(daemon, headers, body, timeout=20):
    """Send a request over a raw socket; returns the status code, or None when the
    server closed the connection before answering (acceptable for oversized bodies)."""
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=timeout)
    try:
        head = "POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % daemon.port
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        try:
            s.sendall(head.encode() + body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        if not data:
            return None
        return int(data.split(b" ", 2)[1])
    finally:
        s.close()


def _exchange_raw(daemon, request, end_sending=False):
    """Writes `request` on a fresh connection (then half-closes it when `end_sending`) and
    returns everything the server answers until it closes."""
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=20)
    try:
        s.sendall(request)
        if end_sending:
            s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
    finally:
        s.close()


def test_a_body_shorter_than_its_content_length_is_incomplete_not_too_large(daemon):
    data = _exchange_raw(daemon, b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                                 b"X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 100\r\n\r\n{\"Queue", end_sending=True)
    assert data.startswith(b"HTTP/1.1 400"), data[:200]
    assert b"IncompleteBody" in data and b"larger than" not in data


def test_oversize_body_json(daemon, sqs):
    _, url = _create(sqs)
    body = json.dumps({"QueueUrl": url, "MessageBody": "x" * (3 * 1024 * 1024)}).encode()
    st = _post_raw(daemon, {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage",
                            "Authorization": f"AWS4-HMAC-SHA256 Credential={ADMIN_KEY}/20250101/us-east-1/sqs/"
                                             "aws4_request, SignedHeaders=host, Signature=00"}, body)
    assert st is None or 400 <= st < 500, st
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_oversize_body_signed_via_boto(sqs):
    _, url = _create(sqs)
    accepted = False
    try:
        sqs.send_message(QueueUrl=url, MessageBody="y" * (3 * 1024 * 1024))
        accepted = True
    except ClientError as e:
        assert 400 <= e.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    except Exception as e:  # the server closing the connection early is acceptable
        assert "connection" in (type(e).__name__ + str(e)).lower(), repr(e)
    assert not accepted, "a 3 MiB message was accepted"


def test_oversize_query_form(daemon):
    form = b"Action=ListQueues&Version=2012-11-05&Pad=" + b"z" * (3 * 1024 * 1024)
    st = _post_raw(daemon, {"Content-Type": "application/x-www-form-urlencoded"}, form)
    assert st is None or 400 <= st < 500, st


def test_many_bad_requests_in_a_row(json_call, query):
    for i in range(30):
        json_call("CreateQueue", raw_body=b"{" * (i + 1))
        query.raw("NoSuchAction", {"x": "y" * i})
    r = json_call("ListQueues", {})
    assert r.status_code == 200


# ---------------------------------------------------------------- authentication

def test_unknown_access_key_json(daemon):
    c = make_client(daemon, key=UNKNOWN_KEY, secret="some-secret")
    expect_error(c.list_queues, "InvalidClientTokenId", 403)


def test_unsigned_json(daemon):
    c = make_client(daemon, unsigned=True)
    expect_error(c.list_queues, "MissingAuthenticationToken", 403)


def test_unknown_access_key_does_not_act(daemon, sqs):
    c = make_client(daemon, key=UNKNOWN_KEY, secret="some-secret")
    name = unique_name("auth")
    expect_error(c.create_queue, "InvalidClientTokenId", 403, QueueName=name)
    expect_error(sqs.get_queue_url, "AWS.SimpleQueueService.NonExistentQueue", 400, QueueName=name)


def test_unsigned_raw_json(json_call):
    r = json_call("ListQueues", {}, sign=False)
    assert r.status_code == 403
    typ, qerr, _ = _json_err(r)
    assert "MissingAuthenticationToken" in typ + qerr


def test_chunked_json_body_accepted(daemon, sqs):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from conftest import ADMIN_SECRET, REGION
    _, url = _create(sqs)
    body = json.dumps({"QueueUrl": url, "MessageBody": "sent in chunks"}).encode()
    req = AWSRequest(method="POST", url=daemon.url + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage"})
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(req)
    headers = {k: v for k, v in req.prepare().headers.items() if k.lower() != "content-length"}

    def chunks():
        yield body[:7]
        yield body[7:]

    r = requests.post(daemon.url + "/", data=chunks(), headers=headers, timeout=30)
    assert r.request.headers.get("Transfer-Encoding") == "chunked"
    assert r.status_code == 200, r.text
    assert r.json()["MD5OfMessageBody"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "1"


def test_stored_text_is_checked_so_query_answers_stay_well_formed(sqs, queue):
    """Values that come back in answers must be characters XML 1.0 can carry: a message
    attribute's type, the AWSTraceHeader, tags."""
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=queue, MessageBody="x",
                 MessageAttributes={"a": {"DataType": "String.\u0001", "StringValue": "v"}})
    expect_error(sqs.send_message, "InvalidMessageContents", 400, QueueUrl=queue, MessageBody="x",
                 MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=\u0001"}})
    expect_error(sqs.tag_queue, "InvalidParameterValue", 400, QueueUrl=queue, Tags={"k\u0001": "v"})
    expect_error(sqs.tag_queue, "InvalidParameterValue", 400, QueueUrl=queue, Tags={"k": "<v>"})
    expect_error(sqs.tag_queue, "InvalidParameterValue", 400, QueueUrl=queue, Tags={"aws:cloudformation:stack": "s"})
    sqs.tag_queue(QueueUrl=queue, Tags={"é" * 128: "é" * 256, "team_a.b:c/d=e+f-g@h": "x y"})
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"]["é" * 128] == "é" * 256


@pytest.mark.parametrize("value", ["0x10", "1e300", "1" * 40])
def test_number_attributes_outside_sqs_rules_are_refused(sqs, queue, value):
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=queue, MessageBody="x",
                 MessageAttributes={"n": {"DataType": "Number", "StringValue": value}})


@pytest.mark.parametrize("service,form", [
    ("sqs", lambda n: {"Action": "SendMessageBatch", "Version": "2012-11-05", "QueueUrl": "http://x/000000000000/q",
                       **{f"SendMessageBatchRequestEntry.{i}.{field}": "x" for i in range(1, n + 1)
                          for field in ("Id", "MessageBody")}}),
    ("iam", lambda n: {"Action": "SimulateCustomPolicy", "Version": "2010-05-08", "PolicyInputList.member.1": "{}",
                       "ActionNames.member.1": "sqs:SendMessage",
                       **{f"ContextEntries.member.{i}.ContextKeyName": "k" for i in range(1, n + 1)}}),
])
def test_a_huge_flattened_list_costs_time_in_proportion_to_its_size(daemon, service, form):
    """Tens of thousands of list items in one Query form (1–3 MB, unsigned) are answered in
    seconds: finding a list's items used to scan every parameter per item, so such a body cost
    minutes of CPU before its missing signature was even noticed."""
    body = "&".join(f"{k}={v}" for k, v in form(30000).items())
    assert 1_000_000 < len(body) < 4 * 1024 * 1024
    r = requests.post(daemon.url + "/", data=body, timeout=60,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403 and "MissingAuthenticationToken" in r.text, r.text[:500]
    assert r.elapsed.total_seconds() < 20, r.elapsed


@pytest.mark.parametrize("head", ["Action=ListQueues&Version=2012-11-05",
                                  "Action=SimulateCustomPolicy&Version=2010-05-08"])
def test_a_parameter_name_of_many_dots_costs_time_in_proportion_to_its_size(daemon, head):
    """A name of 200,000 short segments (`x.1.1.1…`, 400 KB, unsigned) is answered at once:
    every dot's head used to be hashed whole, which cost minutes of CPU before the missing
    signature was noticed."""
    body = head + "&x" + ".1" * 200_000 + "=1"
    r = requests.post(daemon.url + "/", data=body, timeout=60,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403 and "MissingAuthenticationToken" in r.text, r.text[:500]
    assert r.elapsed.total_seconds() < 20, r.elapsed


@pytest.mark.parametrize("headers,expect", [
    ({"X-Amz-Target": "TrentService.Encrypt", "Content-Type": "application/x-amz-json-1.1"},
     lambda r: r.json()["__type"] == "ValidationException"),
    ({"X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
      "Content-Type": "application/x-amz-json-1.1"},
     lambda r: r.json()["__type"] == "ValidationException"),
    ({"Content-Type": "application/x-www-form-urlencoded",
      "Authorization": f"AWS4-HMAC-SHA256 Credential={ADMIN_KEY}/20250101/us-east-1/iam/aws4_request, "
                       "SignedHeaders=host, Signature=00"},
     lambda r: "https://iam.amazonaws.com/doc/2010-05-08/" in r.text and "<Code>InvalidParameterValue</Code>" in r.text),
    ({"X-Amz-Target": "AmazonSQS.SendMessage", "Content-Type": "application/x-amz-json-1.0"},
     lambda r: r.json()["__type"] == "com.amazonaws.sqs#InvalidParameterValueException"),
])
def test_an_oversize_body_is_refused_in_the_protocol_of_its_service(daemon, headers, expect):
    """A body over the limit, refused from its Content-Length before it is read, gets the error
    form of the service it was sent to (not always SQS's)."""
    head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000000\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    data = _exchange_raw(daemon, head.encode())
    status_line, _, rest = data.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413"), data[:300]
    body = rest.partition(b"\r\n\r\n")[2]

    class Answer:
        text = body.decode()

        def json(self):
            return json.loads(self.text)
    assert expect(Answer()), body[:400]


# ---------------------------------------------------------------- reserved members

@pytest.mark.parametrize("value", [
    {"DataType": "String", "StringValue": "x", "StringListValues": ["a", "b"]},
    {"DataType": "Binary", "BinaryValue": "AAE=", "BinaryListValues": ["AAE="]},
    {"DataType": "String", "StringValue": "x", "StringListValues": []},
])
def test_message_attribute_list_values_are_refused_as_aws_refuses_them(json_call, query, sqs, value):
    """StringListValues/BinaryListValues are "Not implemented. Reserved for future use.": AWS
    answers UnsupportedOperation naming the operation (even for an empty list, which the Ruby SDK
    sends when it copies a received attribute) rather than dropping them."""
    _, url = _create(sqs)
    r = json_call("SendMessage", {"QueueUrl": url, "MessageBody": "b", "MessageAttributes": {"a": value}})
    assert r.status_code == 400
    t, q, body = _json_err(r)
    assert (t, q) == ("com.amazonaws.sqs#UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation;Sender")
    assert body["message"] == "Message attribute list values in SendMessage operation are not supported."
    r = json_call("SendMessageBatch", {"QueueUrl": url, "Entries": [
        {"Id": "ok", "MessageBody": "b"}, {"Id": "l", "MessageBody": "b", "MessageAttributes": {"a": value}}]})
    assert r.status_code == 400
    assert r.json()["message"] == "Message attribute list values in SendMessageBatch operation are not supported."
    status, root = query("SendMessage", {"QueueUrl": url, "MessageBody": "b",
                                         "MessageAttribute.1.Name": "a", "MessageAttribute.1.Value.DataType": "String",
                                         "MessageAttribute.1.Value.StringValue": "x",
                                         "MessageAttribute.1.Value.StringListValue.1": "y"})
    assert status == 400
    assert xml_error(root)[1:] == ("AWS.SimpleQueueService.UnsupportedOperation",
                                   "Message attribute list values in SendMessage operation are not supported.")
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_a_list_index_with_a_leading_zero_is_no_item(query, sqs):
    """Attribute.01 is not read as Attribute.1 (its members would be looked up under another
    name and silently lost): like any unknown parameter it is ignored, and a batch made only of
    such entries is empty."""
    _, url = _create(sqs)
    status, root = query("SendMessageBatch", {"QueueUrl": url, "SendMessageBatchRequestEntry.01.Id": "a",
                                              "SendMessageBatchRequestEntry.01.MessageBody": "b"})
    assert (status, xml_error(root)[1]) == (400, "AWS.SimpleQueueService.EmptyBatchRequest")
    status, _ = query("SendMessageBatch", {"QueueUrl": url, "SendMessageBatchRequestEntry.1.Id": "a",
                                           "SendMessageBatchRequestEntry.1.MessageBody": "b",
                                           "SendMessageBatchRequestEntry.02.Id": "c"})
    assert status == 200


@pytest.mark.parametrize("length", ["9223372036854775808", "18446744073709551615"])
def test_a_content_length_past_int64_is_refused_from_its_header(daemon, length):
    """Lengths the HTTP parser takes as unsigned 64-bit numbers were skipped by the size check,
    so the body was buffered up to the limit before the 413 (and Expect: 100-continue hung)."""
    for expect in ("", "Expect: 100-continue\r\n"):
        head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                f"X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: {length}\r\n{expect}Connection: close\r\n\r\n")
        s = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)
        try:
            s.sendall(head.encode())
            data = s.recv(65536)
        finally:
            s.close()
        assert data.startswith(b"HTTP/1.1 413"), (expect, data[:200])


def test_bodies_held_at_once_are_bounded(tmp_path):
    """Bodies are read before authentication, so the body bytes held at once across connections
    are bounded (64 of the largest bodies). Announcing a length costs nothing until the bytes
    come, so idle connections announcing large bodies lock no one out; bodies actually sent past
    the bound get 503 ServiceUnavailable, and once they are gone bodies are served again."""
    from conftest import Daemon
    d = Daemon(str(tmp_path))
    d.start()
    held = []

    def list_queues():
        body = json.dumps({"QueueNamePrefix": "p" * 70, "MaxResults": 1000}).encode()  # over 64 bytes
        return signed_request("POST", d.url + "/", body, headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues"})
    try:
        head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                "X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 4259840\r\n\r\n").encode()
        for _ in range(64):
            s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
            s.sendall(head)
            held.append(s)
        assert list_queues().status_code == 200, "announced lengths alone hold nothing"
        for s in held:
            s.sendall(b"x" * 4259839)  # all but the last byte: 64 bytes short of the bound in all
        time.sleep(1)
        r = list_queues()
        assert r.status_code == 503 and "ServiceUnavailable" in r.text, (r.status_code, r.text[:300])
        # Every service words the refusal as a fault of the server the caller may retry.
        kms = requests.post(d.url + "/", data=json.dumps({"Limit": 100, "Marker": "m" * 80}), timeout=5, headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"})
        assert kms.status_code == 503 and kms.json()["__type"] == "ServiceUnavailableException", (kms.status_code, kms.text[:300])
        sts = requests.post(d.url + "/", data="Action=GetCallerIdentity&Version=2011-06-15&Pad=" + "p" * 80, timeout=5, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAE2ETESTADMIN0001/20261127/us-east-1/sts/aws4_request, "
                             "SignedHeaders=host, Signature=00"})
        assert sts.status_code == 503 and "<Type>Receiver</Type>" in sts.text, (sts.status_code, sts.text[:300])
        assert requests.get(d.url + "/health", timeout=5).status_code == 200, "requests without a body still pass"
        for s in held:
            s.close()
        held = []
        deadline = time.monotonic() + 10
        while list_queues().status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list_queues().status_code == 200
    finally:
        for s in held:
            s.close()
        d.stop()


def test_host_header_missing_repeated_or_malformed_is_a_400_that_closes(daemon):
    """RFC 9112 section 3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host
    header, with more than one, or with an invalid one. SealQ answered them (and built queue URLs
    from the first Host of two)."""
    def exchange(request):
        s = socket.create_connection(("127.0.0.1", daemon.port), timeout=3)
        data = b""
        try:
            s.sendall(request)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return data, True
                data += chunk
        except socket.timeout:
            return data, False
        finally:
            s.close()
    for head in [b"GET /health HTTP/1.1\r\n", b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n",
                 b"GET /health HTTP/1.1\r\nHost: a b\r\n", b"GET /health HTTP/1.1\r\nHost: user@example.com\r\n",
                 b"GET /health HTTP/1.1\r\nHost: example.com:80x\r\n", b"GET /health HTTP/1.1\r\nHost: [::1\r\n"]:
        data, closed = exchange(head + b"\r\n")
        assert data.startswith(b"HTTP/1.1 400") and closed, (head, data[:200], closed)
        assert b"Host header" in data, data
    for host in [b"localhost", b"127.0.0.1:9324", b"[::1]:9324", b"[::1]", b"queue.example-1.internal", b"",
                 b"localhost \t", b"[fe80::1%25lo]:9324", b"LOCALHOST.", b"[v1.fe80::a+b]"]:
        data, _ = exchange(b"GET /health HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 200"), (host, data[:200])
    data, _ = exchange(b"GET /health HTTP/1.0\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200"), "HTTP/1.0 needs no Host"
    # Pipelined: the request before is answered first; nothing after the refused one is.
    data, closed = exchange(
        b"GET /health HTTP/1.1\r\nHost: a\r\n\r\nGET /health HTTP/1.1\r\n\r\nGET /health HTTP/1.1\r\nHost: a\r\n\r\n")
    assert closed and data.count(b"HTTP/1.1 200") == 1 and data.count(b"HTTP/1.1 400") == 1, data
    assert data.startswith(b"HTTP/1.1 200") and data.index(b"HTTP/1.1 400") > 0, data
    # An SQS call without Host is refused the same way, before the request path.
    form = b"Action=ListQueues&Version=2012-11-05"
    data, closed = exchange(b"POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                            + str(len(form)).encode() + b"\r\n\r\n" + form)
    assert data.startswith(b"HTTP/1.1 400") and closed, data[:200]
    assert requests.get(f"http://127.0.0.1:{daemon.port}/health", timeout=5).status_code == 200


def test_an_http10_connection_closes_after_its_answer(daemon):
    """RFC 9112 section 9.3: without keep-alive, an HTTP/1.0 connection closes after the answer
    (it stayed open until the 30 s idle timeout, stalling clients that read to the end)."""
    def exchange(request):
        s = socket.create_connection(("127.0.0.1", daemon.port), timeout=2)
        started, data = time.monotonic(), b""
        try:
            s.sendall(request)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return data, True, time.monotonic() - started
                data += chunk
        except socket.timeout:
            return data, False, time.monotonic() - started
        finally:
            s.close()
    data, closed, took = exchange(b"GET /health HTTP/1.0\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200") and closed and took < 1.5, (data[:100], closed, took)
    data, closed, _ = exchange(b"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200") and not closed, "asked to keep it open, it stays open"
