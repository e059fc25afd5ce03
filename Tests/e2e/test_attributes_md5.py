"""Message attributes and byte-exact MD5 checksums (body, attributes, system attributes),
over AWS JSON 1.0 (boto3) and over the Query protocol."""

import base64
import gzip

import pytest

from conftest import (normalized_attributes, expect_error, md5_hex, md5_of_attributes, xfind, xfindall, xtext,
                      xml_attributes, xml_message_attributes)

GZ = gzip.compress(b"compressed payload " * 10, mtime=0)

ATTRS = {
    "str": {"DataType": "String", "StringValue": "hello"},
    "num": {"DataType": "Number", "StringValue": "-12.5e3"},
    "bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01\x7f\x80\xfe\xff"},
    "price": {"DataType": "Number.float", "StringValue": "3.14159"},
    "kind": {"DataType": "String.custom", "StringValue": "x"},
    "blob": {"DataType": "Binary.gz", "BinaryValue": GZ},
    "unicode": {"DataType": "String", "StringValue": "h\u00e9llo w\u00f6rld \u2013 \u65e5\u672c\u8a9e \U0001F600"},
    "Name.with-dots_and.UPPER": {"DataType": "String", "StringValue": "v"},
    "Zeta": {"DataType": "Number", "StringValue": "0"},
}




def test_md5_helper_matches_reference_vector():
    # sanity of the python implementation itself: hand-built buffer for {"a": String "b"}
    import hashlib
    buf = b"\x00\x00\x00\x01a" + b"\x00\x00\x00\x06String" + b"\x01" + b"\x00\x00\x00\x01b"
    assert md5_of_attributes({"a": {"DataType": "String", "StringValue": "b"}}) == hashlib.md5(buf).hexdigest()
    # order is by name, independent of insertion order
    x = {"b": {"DataType": "String", "StringValue": "1"}, "a": {"DataType": "Binary", "BinaryValue": b"\x01"}}
    y = {"a": {"DataType": "Binary", "BinaryValue": b"\x01"}, "b": {"DataType": "String", "StringValue": "1"}}
    assert md5_of_attributes(x) == md5_of_attributes(y)


def test_send_and_receive_all_attribute_kinds(sqs, queue):
    body = "attrs \u00fc"
    sent = sqs.send_message(QueueUrl=queue, MessageBody=body, MessageAttributes=ATTRS)
    assert sent["MD5OfMessageBody"] == md5_hex(body)
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(ATTRS)
    m = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
    assert normalized_attributes(m["MessageAttributes"]) == normalized_attributes(ATTRS)
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(ATTRS)
    assert m["MD5OfBody"] == md5_hex(body)


@pytest.mark.parametrize("names", [["All"], [".*"], ["All", "str"]], ids=["All", "dotstar", "All+name"])
def test_receive_all_attribute_selectors(sqs, queue, names):
    sqs.send_message(QueueUrl=queue, MessageBody="sel", MessageAttributes=ATTRS)
    m = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=names, WaitTimeSeconds=1)["Messages"][0]
    assert set(m["MessageAttributes"]) == set(ATTRS)
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(ATTRS)


def test_receive_attributes_by_name_and_prefix(sqs, queue):
    attrs = {
        "pre.a": {"DataType": "String", "StringValue": "1"},
        "pre.b": {"DataType": "Number", "StringValue": "2"},
        "prefix": {"DataType": "String", "StringValue": "3"},
        "other": {"DataType": "Binary", "BinaryValue": b"\x04"},
    }
    sqs.send_message(QueueUrl=queue, MessageBody="filter", MessageAttributes=attrs)

    def recv(names):
        m = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=names, VisibilityTimeout=0,
                                WaitTimeSeconds=1)["Messages"][0]
        return m

    m = recv(["pre.*"])
    sub = {k: attrs[k] for k in ("pre.a", "pre.b")}
    assert normalized_attributes(m["MessageAttributes"]) == normalized_attributes(sub)
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(sub)

    m = recv(["other", "missing"])
    sub = {"other": attrs["other"]}
    assert normalized_attributes(m["MessageAttributes"]) == normalized_attributes(sub)
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(sub)

    m = recv(["prefix", "pre.a"])
    assert set(m["MessageAttributes"]) == {"prefix", "pre.a"}

    m = recv(["nothing-matches"])
    assert "MessageAttributes" not in m

    m = recv([])
    assert "MessageAttributes" not in m


def test_no_attributes_means_no_attribute_md5(sqs, queue):
    sent = sqs.send_message(QueueUrl=queue, MessageBody="plain")
    assert "MD5OfMessageAttributes" not in sent
    m = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"],
                            MessageSystemAttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
    assert "MessageAttributes" not in m
    assert "MD5OfMessageAttributes" not in m


def test_system_and_user_attribute_md5_together(sqs, queue):
    sys_attrs = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-00000000-000000000000000000000001"}}
    user = {"k": {"DataType": "String", "StringValue": "v"}}
    sent = sqs.send_message(QueueUrl=queue, MessageBody="both", MessageAttributes=user,
                            MessageSystemAttributes=sys_attrs)
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(user)
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(sys_attrs)
    assert sent["MD5OfMessageAttributes"] != sent["MD5OfMessageSystemAttributes"]


def test_ten_attributes_allowed_eleven_rejected(sqs, queue):
    ten = {f"a{i}": {"DataType": "String", "StringValue": str(i)} for i in range(10)}
    sent = sqs.send_message(QueueUrl=queue, MessageBody="ten", MessageAttributes=ten)
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(ten)
    eleven = dict(ten, a10={"DataType": "String", "StringValue": "10"})
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=queue,
                 MessageBody="eleven", MessageAttributes=eleven)


@pytest.mark.parametrize("name", ["AWS.x", "Amazon.x", "aws.lower", ".a", "a.", "a..b", "a b", "a/b",
                                  "x" * 257, "\u00e9t\u00e9"],
                         ids=["AWS", "Amazon", "aws-lower", "lead-dot", "trail-dot", "double-dot", "space",
                              "slash", "too-long", "non-ascii-letters"])
def test_invalid_attribute_names(sqs, queue, name):
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=queue, MessageBody="x",
                 MessageAttributes={name: {"DataType": "String", "StringValue": "v"}})


def test_attribute_name_of_256_chars(sqs, queue):
    name = "n" * 256
    attrs = {name: {"DataType": "String", "StringValue": "v"}}
    sent = sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=attrs)
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(attrs)


@pytest.mark.parametrize("value", [
    {"DataType": "String", "StringValue": ""},
    {"DataType": "Number", "StringValue": "abc"},
    {"DataType": "Number", "StringValue": ""},
    {"DataType": "Foo", "StringValue": "x"},
    {"DataType": "string", "StringValue": "x"},
    {"DataType": "Binary", "StringValue": "not binary"},
    {"DataType": "String", "BinaryValue": b"\x01"},
    {"DataType": "Binary", "BinaryValue": b""},
    {"DataType": "String", "StringValue": "bad\u0000char"},
], ids=["empty-string", "nan-number", "empty-number", "unknown-type", "lowercase-type",
        "binary-as-string", "string-as-binary", "empty-binary", "nul-in-string"])
def test_invalid_attribute_values(sqs, queue, value):
    expect_error(sqs.send_message, ("InvalidParameterValue", "InvalidMessageContents"), 400,
                 QueueUrl=queue, MessageBody="x", MessageAttributes={"attr": value})


def test_batch_md5s(sqs, queue):
    entries = [
        {"Id": "plain", "MessageBody": "p"},
        {"Id": "attrs", "MessageBody": "a\u00e9", "MessageAttributes": ATTRS},
        {"Id": "trace", "MessageBody": "t", "MessageSystemAttributes": {
            "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}}},
    ]
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert resp.get("Failed", []) == []
    by_id = {e["Id"]: e for e in resp["Successful"]}
    assert set(by_id) == {"plain", "attrs", "trace"}
    for e in entries:
        r = by_id[e["Id"]]
        assert r["MD5OfMessageBody"] == md5_hex(e["MessageBody"])
        if "MessageAttributes" in e:
            assert r["MD5OfMessageAttributes"] == md5_of_attributes(e["MessageAttributes"])
        else:
            assert "MD5OfMessageAttributes" not in r
        if "MessageSystemAttributes" in e:
            assert r["MD5OfMessageSystemAttributes"] == md5_of_attributes(e["MessageSystemAttributes"])
        else:
            assert "MD5OfMessageSystemAttributes" not in r


# ---------------------------------------------------------------- Query protocol

def _query_attr_params(attrs, prefix="MessageAttribute"):
    p = {}
    for i, (name, v) in enumerate(attrs.items(), start=1):
        p[f"{prefix}.{i}.Name"] = name
        p[f"{prefix}.{i}.Value.DataType"] = v["DataType"]
        if "BinaryValue" in v:
            p[f"{prefix}.{i}.Value.BinaryValue"] = base64.b64encode(v["BinaryValue"]).decode()
        else:
            p[f"{prefix}.{i}.Value.StringValue"] = v["StringValue"]
    return p


def test_query_md5_send_and_receive(query, queue):
    body = "query \u00fc\r\n<&>"
    params = {"QueueUrl": queue, "MessageBody": body}
    params.update(_query_attr_params(ATTRS))
    sys_attrs = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-q"}}
    params.update(_query_attr_params(sys_attrs, "MessageSystemAttribute"))
    st, root = query("SendMessage", params)
    assert st == 200, root
    res = xfind(root, "SendMessageResult")
    assert xtext(res, "MD5OfMessageBody") == md5_hex(body)
    assert xtext(res, "MD5OfMessageAttributes") == md5_of_attributes(ATTRS)
    assert xtext(res, "MD5OfMessageSystemAttributes") == md5_of_attributes(sys_attrs)

    st, root = query("ReceiveMessage", {"QueueUrl": queue, "MessageAttributeName.1": "All",
                                        "AttributeName.1": "All", "WaitTimeSeconds": "1"})
    assert st == 200
    msgs = xfindall(root, "ReceiveMessageResult/Message")
    assert len(msgs) == 1
    m = msgs[0]
    assert xtext(m, "Body") == body
    assert xtext(m, "MD5OfBody") == md5_hex(body)
    assert xtext(m, "MD5OfMessageAttributes") == md5_of_attributes(ATTRS)
    assert normalized_attributes(xml_message_attributes(m)) == normalized_attributes(ATTRS)
    a = xml_attributes(m)
    assert a["AWSTraceHeader"] == "Root=1-q"
    assert a["ApproximateReceiveCount"] == "1"


def test_query_send_without_attributes_has_no_attribute_md5(query, queue):
    st, root = query("SendMessage", {"QueueUrl": queue, "MessageBody": "plain"})
    assert st == 200
    res = xfind(root, "SendMessageResult")
    assert xtext(res, "MD5OfMessageBody") == md5_hex("plain")
    assert xfind(res, "MD5OfMessageAttributes") is None
    st, root = query("ReceiveMessage", {"QueueUrl": queue, "MessageAttributeName.1": "All", "WaitTimeSeconds": "1"})
    m = xfind(root, "ReceiveMessageResult/Message")
    assert xfind(m, "MD5OfMessageAttributes") is None
    assert xfindall(m, "MessageAttribute") == []


def test_query_batch_md5(query, queue):
    attrs = {"u": {"DataType": "String.x", "StringValue": "\u00fc"},
             "b": {"DataType": "Binary", "BinaryValue": b"\xff\x00"}}
    params = {"QueueUrl": queue,
              "SendMessageBatchRequestEntry.1.Id": "one",
              "SendMessageBatchRequestEntry.1.MessageBody": "first",
              "SendMessageBatchRequestEntry.2.Id": "two",
              "SendMessageBatchRequestEntry.2.MessageBody": "second \u00e9"}
    params.update(_query_attr_params(attrs, "SendMessageBatchRequestEntry.2.MessageAttribute"))
    st, root = query("SendMessageBatch", params)
    assert st == 200
    entries = {xtext(e, "Id"): e for e in xfindall(root, "SendMessageBatchResult/SendMessageBatchResultEntry")}
    assert set(entries) == {"one", "two"}
    assert xtext(entries["one"], "MD5OfMessageBody") == md5_hex("first")
    assert xfind(entries["one"], "MD5OfMessageAttributes") is None
    assert xtext(entries["two"], "MD5OfMessageBody") == md5_hex("second \u00e9")
    assert xtext(entries["two"], "MD5OfMessageAttributes") == md5_of_attributes(attrs)


def test_xray_trace_header_becomes_each_messages_aws_trace_header(client_factory, queue):
    """AWS's X-Ray guide: the X-Amzn-Trace-Id header "corresponds to all messages included in a
    SendMessage or SendMessageBatch request"; a message's own AWSTraceHeader wins."""
    traced = client_factory()
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

    def add_trace_header(request, **_):
        request.headers["X-Amzn-Trace-Id"] = trace

    traced.meta.events.register("before-sign.sqs.*", add_trace_header)
    traced.send_message(QueueUrl=queue, MessageBody="single")
    own = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-own"}}
    traced.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "a", "MessageBody": "batched"},
        {"Id": "b", "MessageBody": "own", "MessageSystemAttributes": own}])
    got = {}
    for _ in range(5):
        for m in traced.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                        MessageSystemAttributeNames=["AWSTraceHeader"]).get("Messages", []):
            got[m["Body"]] = m.get("Attributes", {}).get("AWSTraceHeader")
        if len(got) == 3:
            break
    assert got == {"single": trace, "batched": trace, "own": "Root=1-own"}


def test_query_attribute_entry_without_a_name_is_refused(query, queue):
    """An entry with a value but no Name was dropped and the send answered 200; AWS refuses it."""
    for prefix in ("MessageAttribute", "MessageSystemAttribute"):
        st, root = query("SendMessage", {"QueueUrl": queue, "MessageBody": "b",
                                         f"{prefix}.1.Value.DataType": "String",
                                         f"{prefix}.1.Value.StringValue": "lost"})
        assert st == 400, prefix
        assert xtext(root, "Error/Code") == "InvalidParameterValue"
        assert xtext(root, "Error/Message") == "The request must contain non-empty message attribute name."
    st, root = query("ReceiveMessage", {"QueueUrl": queue, "WaitTimeSeconds": "0"})
    assert xfindall(root, "ReceiveMessageResult/Message") == []


@pytest.mark.parametrize("data_type,value", [(".String", "v"), (".Number", "1"), ("Number", "9.99e126")])
def test_invalid_type_prefix_or_number_refused(sqs, queue, data_type, value):
    expect_error(sqs.send_message, "InvalidParameterValue", 400, QueueUrl=queue, MessageBody="x",
                 MessageAttributes={"a": {"DataType": data_type, "StringValue": value}})
