"""The Query protocol (Action=...&Version=2012-11-05, XML answers), SigV4-signed with botocore."""

import json
import socket
import subprocess
import urllib.parse
import uuid

import pytest

from conftest import (ACCOUNT, NS, UNKNOWN_KEY, arn_of, md5_hex, unique_name, xfind, xfindall, xtext,
                      xml_attributes, xml_error)


def _ok(st, root, op):
    assert st == 200, (st, xml_error(root))
    assert root.tag == f"{{{NS}}}{op}Response", root.tag
    rid = xtext(root, "ResponseMetadata/RequestId")
    assert rid, "missing ResponseMetadata/RequestId"
    return xfind(root, f"{op}Result")


def _err(st, root, status, code):
    assert st == status, (st, xml_error(root))
    assert root.tag.rsplit("}", 1)[-1] == "ErrorResponse", root.tag
    typ, c, msg = xml_error(root)
    assert c == code, (c, msg)
    assert typ == "Sender"
    assert msg, "error without a message"
    assert xtext(root, "RequestId"), "error without RequestId"


def _create(query, name=None, params=None):
    name = name or unique_name("qp")
    p = {"QueueName": name}
    p.update(params or {})
    st, root = query("CreateQueue", p)
    res = _ok(st, root, "CreateQueue")
    return name, xtext(res, "QueueUrl")


def test_create_get_list_delete(query, daemon):
    name, url = _create(query)
    assert url == f"{daemon.url}/{ACCOUNT}/{name}"

    st, root = query("GetQueueUrl", {"QueueName": name})
    assert xtext(_ok(st, root, "GetQueueUrl"), "QueueUrl") == url

    st, root = query("ListQueues", {"QueueNamePrefix": name})
    res = _ok(st, root, "ListQueues")
    assert [e.text for e in xfindall(res, "QueueUrl")] == [url]

    st, root = query("DeleteQueue", {"QueueUrl": url})
    _ok(st, root, "DeleteQueue")
    st, root = query("GetQueueUrl", {"QueueName": name})
    _err(st, root, 400, "AWS.SimpleQueueService.NonExistentQueue")


def test_list_queues_pagination(query):
    prefix = "qpg" + uuid.uuid4().hex[:8]
    urls = {_create(query, f"{prefix}-{i}")[1] for i in range(3)}
    seen, token = [], None
    for _ in range(5):
        p = {"QueueNamePrefix": prefix, "MaxResults": "2"}
        if token:
            p["NextToken"] = token
        res = _ok(*query("ListQueues", p), "ListQueues")
        page = [e.text for e in xfindall(res, "QueueUrl")]
        assert len(page) <= 2
        seen += page
        token = xtext(res, "NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(urls)


def test_create_with_attributes_and_tags(query):
    name, url = _create(query, params={
        "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "45",
        "Attribute.2.Name": "DelaySeconds", "Attribute.2.Value": "2",
        "Tag.1.Key": "team", "Tag.1.Value": "core"})
    res = _ok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "All"}), "GetQueueAttributes")
    a = xml_attributes(res)
    assert a["VisibilityTimeout"] == "45"
    assert a["DelaySeconds"] == "2"
    assert a["QueueArn"] == arn_of(url)
    assert a["MaximumMessageSize"] == "1048576"
    res = _ok(*query("ListQueueTags", {"QueueUrl": url}), "ListQueueTags")
    assert {xtext(t, "Key"): xtext(t, "Value") for t in xfindall(res, "Tag")} == {"team": "core"}
    # same attributes again: same URL; different: QueueAlreadyExists
    _, url2 = _create(query, name, {"Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "45",
                                    "Attribute.2.Name": "DelaySeconds", "Attribute.2.Value": "2"})
    assert url2 == url
    st, root = query("CreateQueue", {"QueueName": name, "Attribute.1.Name": "VisibilityTimeout",
                                     "Attribute.1.Value": "46"})
    _err(st, root, 400, "QueueAlreadyExists")


def test_set_and_get_attributes(query):
    _, url = _create(query)
    _ok(*query("SetQueueAttributes", {"QueueUrl": url, "Attribute.1.Name": "VisibilityTimeout",
                                      "Attribute.1.Value": "77"}), "SetQueueAttributes")
    res = _ok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "VisibilityTimeout",
                                            "AttributeName.2": "DelaySeconds"}), "GetQueueAttributes")
    assert xml_attributes(res) == {"VisibilityTimeout": "77", "DelaySeconds": "0"}
    st, root = query("SetQueueAttributes", {"QueueUrl": url, "Attribute.1.Name": "VisibilityTimeout",
                                            "Attribute.1.Value": "43201"})
    _err(st, root, 400, "InvalidAttributeValue")
    st, root = query("GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "Bogus"})
    _err(st, root, 400, "InvalidAttributeName")


def test_send_receive_delete(query):
    _, url = _create(query)
    st, root = query("SendMessage", {"QueueUrl": url, "MessageBody": "hello query", "DelaySeconds": "0"})
    res = _ok(st, root, "SendMessage")
    mid = xtext(res, "MessageId")
    assert xtext(res, "MD5OfMessageBody") == md5_hex("hello query")
    uuid.UUID(mid)

    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": "10", "WaitTimeSeconds": "1",
                                        "AttributeName.1": "All", "VisibilityTimeout": "30"}), "ReceiveMessage")
    msgs = xfindall(res, "Message")
    assert len(msgs) == 1
    m = msgs[0]
    assert xtext(m, "MessageId") == mid
    assert xtext(m, "Body") == "hello query"
    assert xtext(m, "MD5OfBody") == md5_hex("hello query")
    a = xml_attributes(m)
    assert a["ApproximateReceiveCount"] == "1"
    assert a["SentTimestamp"].isdigit() and a["SenderId"]
    handle = xtext(m, "ReceiptHandle")

    _ok(*query("ChangeMessageVisibility", {"QueueUrl": url, "ReceiptHandle": handle, "VisibilityTimeout": "60"}),
        "ChangeMessageVisibility")
    _ok(*query("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": handle}), "DeleteMessage")
    res = _ok(*query("ReceiveMessage", {"QueueUrl": url}), "ReceiveMessage")
    assert xfindall(res, "Message") == []

    st, root = query("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": "forged"})
    _err(st, root, 400, "ReceiptHandleIsInvalid")


@pytest.mark.parametrize("body", [
    "line1\r\nline2\r\n",
    "lone\rcarriage",
    "\r",
    "<tag attr=\"x\">&amp; 'apos' ]]> &#13;</tag>",
    "tab\there \u00fc \U0001F600 \ue000",
    "  leading and trailing spaces  ",
], ids=["crlf", "cr", "only-cr", "markup", "unicode", "spaces"])
def test_xml_escaping_round_trip(query, body):
    _, url = _create(query)
    res = _ok(*query("SendMessage", {"QueueUrl": url, "MessageBody": body}), "SendMessage")
    assert xtext(res, "MD5OfMessageBody") == md5_hex(body)
    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": "1"}), "ReceiveMessage")
    m = xfind(res, "Message")
    assert xtext(m, "Body") == body
    assert xtext(m, "MD5OfBody") == md5_hex(body)


def test_get_request(query):
    name, url = _create(query)
    st, root = query("ListQueues", {"QueueNamePrefix": name}, method="GET")
    res = _ok(st, root, "ListQueues")
    assert [e.text for e in xfindall(res, "QueueUrl")] == [url]
    st, root = query("SendMessage", {"QueueUrl": url, "MessageBody": "via get \u00fc"}, method="GET")
    assert xtext(_ok(st, root, "SendMessage"), "MD5OfMessageBody") == md5_hex("via get \u00fc")


def test_form_posted_to_queue_path(query):
    name, url = _create(query)
    path = f"/{ACCOUNT}/{name}"
    res = _ok(*query("SendMessage", {"MessageBody": "by path"}, path=path), "SendMessage")
    assert xtext(res, "MD5OfMessageBody") == md5_hex("by path")
    res = _ok(*query("GetQueueAttributes", {"AttributeName.1": "ApproximateNumberOfMessages"}, path=path),
              "GetQueueAttributes")
    assert xml_attributes(res) == {"ApproximateNumberOfMessages": "1"}
    res = _ok(*query("ReceiveMessage", {"WaitTimeSeconds": "1"}, path=path), "ReceiveMessage")
    m = xfind(res, "Message")
    assert xtext(m, "Body") == "by path"
    _ok(*query("DeleteMessage", {"ReceiptHandle": xtext(m, "ReceiptHandle")}, path=path), "DeleteMessage")
    res = _ok(*query("GetQueueAttributes", {"AttributeName.1": "All"}, path=path), "GetQueueAttributes")
    assert xml_attributes(res)["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_form_posted_to_queue_path_without_version(query):
    name, url = _create(query)
    path = f"/{ACCOUNT}/{name}"
    st, root = query("SendMessage", {"MessageBody": "no version"}, path=path, version=None)
    assert st == 200, xml_error(root)
    assert xtext(root, "SendMessageResult/MD5OfMessageBody") == md5_hex("no version")


def test_queue_path_of_missing_queue(query):
    st, root = query("SendMessage", {"MessageBody": "x"}, path=f"/{ACCOUNT}/{unique_name('gone')}")
    _err(st, root, 400, "AWS.SimpleQueueService.NonExistentQueue")
    # Another account's queue does not exist here either, as when its URL is the QueueUrl.
    name, _ = _create(query)
    st, root = query("SendMessage", {"MessageBody": "x"}, path=f"/111122223333/{name}")
    _err(st, root, 400, "AWS.SimpleQueueService.NonExistentQueue")


def test_invalid_action(query, daemon):
    st, root = query("NoSuchAction", {})
    _err(st, root, 400, "InvalidAction")
    assert daemon.healthy()


def test_missing_parameter(query):
    _, url = _create(query)
    st, root = query("SendMessage", {"QueueUrl": url})
    _err(st, root, 400, "MissingParameter")
    st, root = query("CreateQueue", {})
    _err(st, root, 400, "MissingParameter")


def test_query_errors(query):
    _, url = _create(query)
    st, root = query("SendMessage", {"QueueUrl": url, "MessageBody": "bad\u0000"})
    _err(st, root, 400, "InvalidMessageContents")
    st, root = query("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": "11"})
    _err(st, root, 400, "InvalidParameterValue")
    st, root = query("CreateQueue", {"QueueName": "bad name"})
    _err(st, root, 400, "InvalidParameterValue")
    st, root = query("PurgeQueue", {"QueueUrl": url})
    _ok(st, root, "PurgeQueue")
    st, root = query("PurgeQueue", {"QueueUrl": url})
    _err(st, root, 403, "AWS.SimpleQueueService.PurgeQueueInProgress")
    st, root = query("ChangeMessageVisibility", {"QueueUrl": url, "ReceiptHandle": "forged", "VisibilityTimeout": "1"})
    _err(st, root, 400, "ReceiptHandleIsInvalid")


def test_batches(query):
    _, url = _create(query)
    st, root = query("SendMessageBatch", {
        "QueueUrl": url,
        "SendMessageBatchRequestEntry.1.Id": "a", "SendMessageBatchRequestEntry.1.MessageBody": "A",
        "SendMessageBatchRequestEntry.2.Id": "b", "SendMessageBatchRequestEntry.2.MessageBody": "B",
        "SendMessageBatchRequestEntry.2.DelaySeconds": "0",
        "SendMessageBatchRequestEntry.3.Id": "c", "SendMessageBatchRequestEntry.3.MessageBody": "bad\u0001"})
    res = _ok(st, root, "SendMessageBatch")
    ok = sorted(xtext(e, "Id") for e in xfindall(res, "SendMessageBatchResultEntry"))
    assert ok == ["a", "b"]
    fails = xfindall(res, "BatchResultErrorEntry")
    assert [(xtext(f, "Id"), xtext(f, "SenderFault"), xtext(f, "Code")) for f in fails] == [
        ("c", "true", "InvalidMessageContents")]

    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": "10", "WaitTimeSeconds": "1"}),
              "ReceiveMessage")
    handles = [xtext(m, "ReceiptHandle") for m in xfindall(res, "Message")]
    if len(handles) < 2:
        res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": "10", "WaitTimeSeconds": "1"}),
                  "ReceiveMessage")
        handles += [xtext(m, "ReceiptHandle") for m in xfindall(res, "Message")]
    assert len(handles) == 2

    res = _ok(*query("ChangeMessageVisibilityBatch", {
        "QueueUrl": url,
        "ChangeMessageVisibilityBatchRequestEntry.1.Id": "v1",
        "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": handles[0],
        "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "60"}), "ChangeMessageVisibilityBatch")
    assert [xtext(e, "Id") for e in xfindall(res, "ChangeMessageVisibilityBatchResultEntry")] == ["v1"]

    res = _ok(*query("DeleteMessageBatch", {
        "QueueUrl": url,
        "DeleteMessageBatchRequestEntry.1.Id": "d1", "DeleteMessageBatchRequestEntry.1.ReceiptHandle": handles[0],
        "DeleteMessageBatchRequestEntry.2.Id": "d2", "DeleteMessageBatchRequestEntry.2.ReceiptHandle": handles[1],
        "DeleteMessageBatchRequestEntry.3.Id": "d3", "DeleteMessageBatchRequestEntry.3.ReceiptHandle": "forged"}),
        "DeleteMessageBatch")
    assert sorted(xtext(e, "Id") for e in xfindall(res, "DeleteMessageBatchResultEntry")) == ["d1", "d2"]
    fails = xfindall(res, "BatchResultErrorEntry")
    assert [(xtext(f, "Id"), xtext(f, "Code")) for f in fails] == [("d3", "ReceiptHandleIsInvalid")]

    st, root = query("SendMessageBatch", {
        "QueueUrl": url,
        "SendMessageBatchRequestEntry.1.Id": "x", "SendMessageBatchRequestEntry.1.MessageBody": "1",
        "SendMessageBatchRequestEntry.2.Id": "x", "SendMessageBatchRequestEntry.2.MessageBody": "2"})
    _err(st, root, 400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")


def test_tags_and_permissions(query):
    _, url = _create(query)
    _ok(*query("TagQueue", {"QueueUrl": url, "Tag.1.Key": "k1", "Tag.1.Value": "v1",
                            "Tag.2.Key": "k2", "Tag.2.Value": "v2"}), "TagQueue")
    _ok(*query("UntagQueue", {"QueueUrl": url, "TagKey.1": "k1"}), "UntagQueue")
    res = _ok(*query("ListQueueTags", {"QueueUrl": url}), "ListQueueTags")
    assert {xtext(t, "Key"): xtext(t, "Value") for t in xfindall(res, "Tag")} == {"k2": "v2"}

    _ok(*query("AddPermission", {"QueueUrl": url, "Label": "qperm", "AWSAccountId.1": "111122223333",
                                 "ActionName.1": "SendMessage", "ActionName.2": "GetQueueUrl"}), "AddPermission")
    res = _ok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "Policy"}), "GetQueueAttributes")
    pol = json.loads(xml_attributes(res)["Policy"])
    assert [s["Sid"] for s in pol["Statement"]] == ["qperm"]
    _ok(*query("RemovePermission", {"QueueUrl": url, "Label": "qperm"}), "RemovePermission")
    st, root = query("RemovePermission", {"QueueUrl": url, "Label": "qperm"})
    _err(st, root, 400, "InvalidParameterValue")


def test_unknown_access_key(query):
    st, root = query("ListQueues", {}, key=UNKNOWN_KEY, secret="whatever-secret")
    assert st == 403
    assert xml_error(root)[1] == "InvalidClientTokenId"


def test_unsigned_request(query):
    st, root = query("ListQueues", {}, sign=False)
    assert st == 403
    assert xml_error(root)[1] == "MissingAuthenticationToken"


def test_receive_system_attribute_names(query):
    _, url = _create(query)
    _ok(*query("SendMessage", {"QueueUrl": url, "MessageBody": "sysattr",
                               "MessageSystemAttribute.1.Name": "AWSTraceHeader",
                               "MessageSystemAttribute.1.Value.DataType": "String",
                               "MessageSystemAttribute.1.Value.StringValue": "Root=1-x"}), "SendMessage")
    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": "1", "VisibilityTimeout": "0",
                                        "MessageSystemAttributeName.1": "SentTimestamp",
                                        "MessageSystemAttributeName.2": "AWSTraceHeader"}), "ReceiveMessage")
    a = xml_attributes(xfind(res, "Message"))
    assert set(a) == {"SentTimestamp", "AWSTraceHeader"}
    assert a["AWSTraceHeader"] == "Root=1-x"
    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": "1"}), "ReceiveMessage")
    assert xml_attributes(xfind(res, "Message")) == {}


def test_unindexed_list_parameter_is_a_list_of_one(query):
    """AWS's own ReceiveMessage example passes `AttributeName=All` without an index; it (and
    `MessageAttributeName=All`) must select as `AttributeName.1=All` does, also in
    GetQueueAttributes."""
    _, url = _create(query)
    _ok(*query("SendMessage", {"QueueUrl": url, "MessageBody": "bare",
                               "MessageAttribute.1.Name": "color", "MessageAttribute.1.Value.DataType": "String",
                               "MessageAttribute.1.Value.StringValue": "blue"}), "SendMessage")
    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": "5", "VisibilityTimeout": "15",
                                        "AttributeName": "All", "MessageAttributeName": "All",
                                        "WaitTimeSeconds": "1"}), "ReceiveMessage")
    message = xfind(res, "Message")
    assert set(xml_attributes(message)) == {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
                                            "ApproximateFirstReceiveTimestamp"}
    assert xtext(message, "MessageAttribute/Name") == "color"
    assert xtext(message, "MessageAttribute/Value/StringValue") == "blue"
    res = _ok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName": "VisibilityTimeout"}), "GetQueueAttributes")
    assert xml_attributes(res) == {"VisibilityTimeout": "30"}
    # an indexed list wins over a stray bare key
    res = _ok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName": "VisibilityTimeout",
                                            "AttributeName.1": "DelaySeconds"}), "GetQueueAttributes")
    assert xml_attributes(res) == {"DelaySeconds": "0"}


def test_unindexed_map_entry_is_a_map_of_one(query):
    """AWS's SetQueueAttributes example (and boto 2) sends `Attribute.Name=…&Attribute.Value=…`
    without an index; it must set the attribute. A bare MessageAttribute entry is kept too."""
    _, url = _create(query)
    _ok(*query("SetQueueAttributes", {"QueueUrl": url, "Attribute.Name": "VisibilityTimeout",
                                      "Attribute.Value": "35"}), "SetQueueAttributes")
    res = _ok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName": "VisibilityTimeout"}), "GetQueueAttributes")
    assert xml_attributes(res) == {"VisibilityTimeout": "35"}
    # beside indexed entries a bare one is one more, not dropped
    _ok(*query("SetQueueAttributes", {"QueueUrl": url, "Attribute.Name": "DelaySeconds", "Attribute.Value": "7",
                                      "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "36"}), "SetQueueAttributes")
    res = _ok(*query("GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "VisibilityTimeout",
                                            "AttributeName.2": "DelaySeconds"}), "GetQueueAttributes")
    assert xml_attributes(res) == {"VisibilityTimeout": "36", "DelaySeconds": "7"}
    _ok(*query("SetQueueAttributes", {"QueueUrl": url, "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "0"}),
        "SetQueueAttributes")
    _ok(*query("SendMessage", {"QueueUrl": url, "MessageBody": "bare", "MessageAttribute.Name": "color",
                               "MessageAttribute.Value.DataType": "String",
                               "MessageAttribute.Value.StringValue": "blue"}), "SendMessage")
    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "MessageAttributeName.1": "All", "WaitTimeSeconds": "1"}),
              "ReceiveMessage")
    assert xtext(xfind(res, "Message"), "MessageAttribute/Value/StringValue") == "blue"


def test_presigned_get(daemon):
    from botocore.auth import SigV4QueryAuth
    import requests
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from conftest import ADMIN_KEY, ADMIN_SECRET, REGION
    name, url = _create_named(daemon)
    req = AWSRequest(method="GET", url=f"{daemon.url}/?Action=GetQueueUrl&Version=2012-11-05&QueueName={name}")
    SigV4QueryAuth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION, expires=300).add_auth(req)
    r = requests.get(req.prepare().url, timeout=30)
    import xml.etree.ElementTree as ET
    root = ET.fromstring(r.content)
    assert xtext(_ok(r.status_code, root, "GetQueueUrl"), "QueueUrl") == url


def _create_named(daemon):
    from conftest import make_client
    name = unique_name("qps")
    return name, make_client(daemon).create_queue(QueueName=name)["QueueUrl"]


def test_empty_results_keep_their_result_element(query):
    """Query-protocol clients (botocore with the query model, the older SDKs) look the result
    element up unconditionally: an empty receive or an empty ListQueues still carries it."""
    _, url = _create(query)
    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": "0"}), "ReceiveMessage")
    assert res is not None and xfindall(res, "Message") == []
    res = _ok(*query("ListQueues", {"QueueNamePrefix": "no-queue-is-named-like-this"}), "ListQueues")
    assert res is not None and xfindall(res, "QueueUrl") == []
    assert _ok(*query("SetQueueAttributes", {"QueueUrl": url, "Attribute.1.Name": "DelaySeconds",
                                             "Attribute.1.Value": "1"}), "SetQueueAttributes") is None


def test_an_invalid_binary_value_is_not_repeated_in_the_error(query):
    """Message attribute values are message content (sealed at rest): an error about one must not
    carry it into the answer or the audit log."""
    _, url = _create(query)
    secret = "SSN-123-45-6789"
    st, root = query("SendMessage", {"QueueUrl": url, "MessageBody": "x", "MessageAttribute.1.Name": "id",
                                     "MessageAttribute.1.Value.DataType": "Binary",
                                     "MessageAttribute.1.Value.BinaryValue": f"{secret}!"})
    _err(st, root, 400, "InvalidParameterValue")
    message = xml_error(root)[2]
    assert "BinaryValue" in message and secret not in message, message


def test_a_largest_message_fits_in_any_form_encoding(query):
    """A message of exactly 1 MiB (its Binary attribute's base64 all '+', which form encoding
    triples) is accepted over the Query protocol as it is over JSON: the HTTP body limit leaves
    room for every message SQS accepts."""
    import base64
    import hashlib
    _, url = _create(query)
    raw = b"\xfb\xef\xbe" * ((1048576 - 16) // 3)
    body = "x" * (1048576 - len(raw) - len("bin") - len("Binary"))
    encoded = base64.b64encode(raw).decode()
    assert set(encoded) == {"+"}
    res = _ok(*query("SendMessage", {"QueueUrl": url, "MessageBody": body, "MessageAttribute.1.Name": "bin",
                                     "MessageAttribute.1.Value.DataType": "Binary",
                                     "MessageAttribute.1.Value.BinaryValue": encoded}), "SendMessage")
    assert xtext(res, "MD5OfMessageBody") == md5_hex(body)
    res = _ok(*query("ReceiveMessage", {"QueueUrl": url, "MessageAttributeName.1": "All"}), "ReceiveMessage")
    (message,) = xfindall(res, "Message")
    assert hashlib.sha256(xtext(message, "Body").encode()).digest() == hashlib.sha256(body.encode()).digest()
    assert xtext(message, "MessageAttribute/Value/BinaryValue") == encoded


def _read_response(reader):
    """One HTTP/1.1 response from `reader` (a socket's buffered file): (status code, raw head, body)."""
    lines = []
    while True:
        line = reader.readline()
        assert line, f"connection closed mid-head: {lines!r}"
        if line == b"\r\n":
            break
        lines.append(line)
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = reader.read(length) if length else b""
    return status, b"".join(lines), body


def _post_head(path, length, expect=b"100-continue"):
    return (b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Expect: %s\r\nContent-Length: %d\r\n\r\n" % (path, expect, length))


def test_expect_100_continue_is_answered_before_the_body(daemon):
    """A client that sends `Expect: 100-continue` waits for an interim answer before sending its
    body (curl does, for bodies over 1 MiB, for up to a second): it hears `100 Continue` at once,
    then the answer to its request, and the connection stays usable."""
    body = b"Action=ListQueues&Version=2012-11-05&Padding=" + b"p" * 2000
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as sock, sock.makefile("rb") as reader:
        sock.sendall(_post_head(b"/", len(body), expect=b"100-Continue"))
        status, head, _ = _read_response(reader)
        assert status == 100, head
        sock.sendall(body)
        status, _, answer = _read_response(reader)
        assert status == 403 and b"MissingAuthenticationToken" in answer, (status, answer)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _read_response(reader)[0] == 200


def test_an_oversize_body_that_waits_for_continue_is_refused_instead(daemon):
    """A body announced as larger than the daemon accepts gets no `100 Continue`, so the client
    never sends it: the refusal comes straight away."""
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as sock, sock.makefile("rb") as reader:
        sock.sendall(_post_head(b"/", 50_000_000))
        status, head, _ = _read_response(reader)
        assert status == 413, head


def test_curl_sends_a_large_message_without_waiting(sqs, queue, tmp_path):
    """curl announces bodies over 1 MiB with `Expect: 100-continue`; an anonymous send it makes
    to a queue open to everyone (a message whose form encoding passes 1 MiB) gets the interim
    answer and lands intact."""
    # Anonymous callers need a queue without server-side encryption, as on AWS.
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"SqsManagedSseEnabled": "false", "Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn_of(queue)}]})})
    text = "curl " + "\u00e9" * 200_000
    form = tmp_path / "form"
    form.write_text("MessageBody=" + urllib.parse.quote(text))
    assert form.stat().st_size > 1_048_576
    result = subprocess.run(
        ["curl", "-sS", "-v", "--max-time", "20", "--data-binary", f"@{form}",
         f"{queue}?Action=SendMessage&Version=2012-11-05"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Expect: 100-continue" in result.stderr and "HTTP/1.1 100 Continue" in result.stderr, result.stderr[-2000:]
    assert "<MessageId>" in result.stdout, result.stdout
    received = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"]
    assert [m["Body"] for m in received] == [text]


def test_a_pipelined_request_hears_its_100_continue_after_the_answers_before_it(daemon):
    """Answers go out in the order requests came, interim ones included: a request waiting for
    `100 Continue` behind one still being answered gets it after that answer."""
    body = b"Action=ListQueues&Version=2012-11-05"
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as sock, sock.makefile("rb") as reader:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + _post_head(b"/", len(body)))
        assert _read_response(reader)[0] == 200
        assert _read_response(reader)[0] == 100
        sock.sendall(body)
        assert _read_response(reader)[0] == 403
        # two waiting requests back to back: each 100 follows the answer before it
        sock.sendall(_post_head(b"/", len(body)) + body + _post_head(b"/", len(body)))
        statuses = [_read_response(reader)[0] for _ in range(3)]
        assert statuses == [100, 403, 100], statuses
        sock.sendall(body)
        assert _read_response(reader)[0] == 403


def test_a_queue_path_with_dot_segments_routes_as_signed(daemon, query, sqs):
    """botocore signs `/ACCOUNT/./NAME` normalized, as SigV4 asks; the daemon checks the signature
    and routes by that same form, so the message lands in the queue the path names (sent as is,
    through http.client, which leaves the path alone). Percent-escapes in the path are decoded
    (RFC 3986: `%61` is `a`)."""
    import http.client
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from conftest import ADMIN_KEY, ADMIN_SECRET, REGION
    name, url = _create(query)
    escaped = "".join(f"%{ord(c):02X}" if i % 2 == 0 else c for i, c in enumerate(name))
    paths = (f"/000000000000/./{name}", f"//000000000000//{name}", f"/000000000000/x/../{name}", f"/%30{'0' * 11}/{escaped}")
    for path in paths:
        body = urllib.parse.urlencode({"Action": "SendMessage", "Version": "2012-11-05", "MessageBody": path})
        request = AWSRequest(method="POST", url=daemon.url + path, data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(request)
        connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
        try:
            connection.request("POST", path, body=body, headers=dict(request.headers.items()))
            answer = connection.getresponse()
            assert answer.status == 200, (path, answer.status, answer.read()[:300])
        finally:
            connection.close()
    got = []
    for _ in range(5):
        got += [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])]
        if len(got) == len(paths):
            break
    assert sorted(got) == sorted(paths)
