"""SigV4 verification on every request: what a wrong secret, a stale date, a tampered
body, a foreign region and a presigned URL get, in both protocols."""
import datetime
import json
import re

import requests
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import ADMIN_KEY, ADMIN_SECRET, REGION, query_error_code, signed_sqs_json

LIST_QUEUES = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues"}


def _send(daemon, body=b"{}", secret=ADMIN_SECRET, region=REGION, when=None, tamper=None):
    return signed_sqs_json(daemon, "ListQueues", body, secret=secret, region=region, when=when, tamper=tamper)


_code = query_error_code


def test_correct_signature_is_accepted(daemon):
    assert _send(daemon).status_code == 200


def test_wrong_secret_is_signature_does_not_match(daemon):
    response = _send(daemon, secret="not-the-secret")
    assert response.status_code == 403
    assert _code(response) == "SignatureDoesNotMatch"
    assert json.loads(response.content)["__type"].endswith("InvalidSignatureException")


def test_tampered_body_is_refused(daemon):
    response = _send(daemon, body=b'{"QueueNamePrefix":"a"}', tamper=b'{"QueueNamePrefix":"b"}')
    assert response.status_code == 403
    assert _code(response) == "SignatureDoesNotMatch"


def test_stale_and_future_dates_are_signature_mismatches_in_aws_words(daemon):
    """AWS answers a header-signed request more than 15 minutes off with SignatureDoesNotMatch,
    giving the request's time, the bound it crossed and the server's time."""
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = r"(\d{8}T\d{6}Z)"
    for skew, words, sign in ((datetime.timedelta(minutes=-20), "Signature expired: {} is now earlier than", "-"),
                              (datetime.timedelta(minutes=20), "Signature not yet current: {} is still later than", "+")):
        response = _send(daemon, when=now + skew)
        assert response.status_code == 403, skew
        assert _code(response) == "SignatureDoesNotMatch", skew
        message = json.loads(response.content)["message"]
        sent = (now + skew).strftime("%Y%m%dT%H%M%SZ")
        found = re.fullmatch(re.escape(words.format(sent)) + " " + stamp + r" \(" + stamp + " " + re.escape(sign) + r" 15 min\.\)", message)
        assert found, message
        bound, server = (datetime.datetime.strptime(t, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc) for t in found.groups())
        assert abs((server - now).total_seconds()) < 60, message
        assert (bound - server).total_seconds() == (900 if sign == "+" else -900), message
    assert _send(daemon, when=now - datetime.timedelta(minutes=10)).status_code == 200


def test_foreign_region_scope_is_refused(daemon):
    response = _send(daemon, region="eu-west-1")
    assert response.status_code == 403
    assert _code(response) == "SignatureDoesNotMatch"
    assert "region" in json.loads(response.content)["message"]


def test_a_repeated_query_parameter_is_refused(daemon, sqs, queue):
    """SigV4 sorts a repeated name's values, so their order is not signed: whoever holds the URL
    could pick which one counts. The request is refused instead, and nothing is sent."""
    url = (daemon.url + "/?Action=SendMessage&Version=2012-11-05&QueueUrl=" + requests.utils.quote(queue, safe="")
           + "&MessageBody=first&MessageBody=second")
    req = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(req)
    response = requests.get(url, headers=dict(req.headers), timeout=30)
    assert response.status_code == 404 and b"<Code>MalformedQueryString</Code>" in response.content, response.content
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0)


def test_repeats_in_the_query_string_of_a_json_call_or_a_presigned_scope_beside_a_header_change_nothing(daemon):
    """Only the Query protocol reads the query string's parameters: a JSON call's are signed and
    ignored, repeats included. And with an Authorization header, a query-string X-Amz-Credential
    does not route the call elsewhere."""
    body = b"{}"
    req = AWSRequest(method="POST", url=daemon.url + "/?foo=1&foo=2", data=body,
                     headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues"})
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(req)
    r = requests.post(daemon.url + "/?foo=1&foo=2", data=body, headers=dict(req.headers), timeout=30)
    assert r.status_code == 200, r.text
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d")
    url = daemon.url + f"/?X-Amz-Credential={ADMIN_KEY}/{today}/{REGION}/iam/aws4_request"
    form = "Action=ListQueues&Version=2012-11-05"
    req = AWSRequest(method="POST", url=url, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(req)
    r = requests.post(url, data=form, headers=dict(req.headers), timeout=30)
    assert r.status_code == 200 and b"<ListQueuesResponse" in r.content, r.text


def test_presigned_get_works_and_expires(daemon):
    url = daemon.url + "/?Action=ListQueues&Version=2012-11-05"
    req = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION, expires=60).add_auth(req)
    assert requests.get(req.prepare().url, timeout=30).status_code == 200
    forged = req.prepare().url.replace("Action=ListQueues", "Action=ListQueuez")
    response = requests.get(forged, timeout=30)
    assert response.status_code == 403 and b"SignatureDoesNotMatch" in response.content


def test_a_presigned_url_lives_at_most_15_minutes(daemon):
    """Outside S3, AWS honours a presigned signature for about 15 minutes whatever X-Amz-Expires
    asks (a week-long one was accepted six days later, a replay window)."""
    from unittest import mock
    import botocore.auth
    now = datetime.datetime.now(datetime.timezone.utc)

    def presigned(age, expires):
        req = AWSRequest(method="GET", url=daemon.url + "/?Action=ListQueues&Version=2012-11-05")
        fake = mock.MagicMock(wraps=datetime.datetime)
        fake.now.return_value = now - age
        fake.utcnow.return_value = (now - age).replace(tzinfo=None)
        with mock.patch.object(botocore.auth.datetime, "datetime", fake):
            SigV4QueryAuth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION, expires=expires).add_auth(req)
        return requests.get(req.prepare().url, timeout=30)
    assert presigned(datetime.timedelta(minutes=10), 604800).status_code == 200
    for age, expires in ((datetime.timedelta(minutes=20), 604800), (datetime.timedelta(days=6), 604800),
                         (datetime.timedelta(minutes=2), 60)):
        response = presigned(age, expires)
        assert response.status_code == 403 and b"RequestExpired" in response.content, (age, expires)


def test_presigned_url_with_a_repeated_signature_part_is_incomplete(daemon):
    url = daemon.url + "/?Action=ListQueues&Version=2012-11-05"
    req = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION, expires=60).add_auth(req)
    signed = req.prepare().url
    for name in ("X-Amz-Signature", "X-Amz-Credential", "X-Amz-Date"):
        value = re.search(name + "=([^&]*)", signed).group(1)
        response = requests.get(signed + "&" + name + "=" + value, timeout=30)
        assert response.status_code == 400, name
        assert b"<Code>IncompleteSignature</Code>" in response.content, name


def test_incomplete_authorization_header(daemon):
    headers = dict(LIST_QUEUES, Authorization="AWS4-HMAC-SHA256 Credential=" + ADMIN_KEY + "/20200101/us-east-1/sqs/aws4_request")
    response = requests.post(daemon.url + "/", data=b"{}", headers=headers, timeout=30)
    assert response.status_code == 400
    assert _code(response) == "IncompleteSignature"


def test_unsigned_payload_cannot_carry_a_body(daemon, sqs):
    """UNSIGNED-PAYLOAD is S3's: here a request signed that way could have its body swapped for
    another action's by anyone who saw it."""
    from botocore.auth import SigV4Auth
    url = sqs.create_queue(QueueName="unsigned-payload-target")["QueueUrl"]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}
    request = AWSRequest(method="POST", url=daemon.url + "/", data=b"Action=ListQueues&Version=2012-11-05", headers=headers)
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(request)
    signed = dict(request.prepare().headers.items())
    for body in (b"Action=ListQueues&Version=2012-11-05", f"Action=DeleteQueue&Version=2012-11-05&QueueUrl={url}".encode()):
        response = requests.post(daemon.url + "/", headers=signed, data=body, timeout=30)
        assert response.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in response.text, response.text[:300]
    assert sqs.get_queue_url(QueueName="unsigned-payload-target")["QueueUrl"] == url


def test_form_post_signed_over_host_and_date_only_is_accepted(daemon, sqs):
    """boto 2 and awscurl sign a Query form POST over Host and X-Amz-* only, then send it with
    a Content-Type the signature leaves out: AWS accepts that, so must SealQ. With parameters in
    the query string as well, Content-Type decides which ones count, so there it must be signed.
    The media type's case does not matter (RFC 9110)."""
    from botocore.auth import SigV4Auth
    url = sqs.create_queue(QueueName="boto2-style")["QueueUrl"]

    def post(target, body, content_type):
        request = AWSRequest(method="POST", url=target, data=body)
        SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(request)
        headers = dict(request.headers.items())
        assert "content-type" not in headers["Authorization"].lower().split("signedheaders=")[1].split(",")[0]
        headers["Content-Type"] = content_type
        return requests.post(target, data=body, headers=headers, timeout=10)

    form = "application/x-www-form-urlencoded; charset=UTF-8"
    r = post(url, b"Action=SendMessage&Version=2012-11-05&MessageBody=from-boto2", form)
    assert r.status_code == 200 and "<MessageId>" in r.text, r.text[:300]
    r = post(url, b"Action=SendMessage&Version=2012-11-05&MessageBody=upper-case-type", "Application/X-WWW-Form-Urlencoded")
    assert r.status_code == 200 and "<MessageId>" in r.text, r.text[:300]
    r = post(url + "?Action=ListQueues&Version=2012-11-05", b"Action=SendMessage&Version=2012-11-05&MessageBody=x", form)
    assert r.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in r.text, r.text[:300]
    bodies = sorted(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"])
    assert bodies == ["from-boto2", "upper-case-type"]


def test_headers_that_choose_the_action_cannot_be_added_after_signing(daemon, sqs):
    """A request signed without X-Amz-Target (or a presigned URL) cannot be replayed as another
    action by adding one: the headers that select the operation must be signed."""
    from botocore.auth import SigV4Auth
    url = sqs.create_queue(QueueName="replay-target")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="must survive")
    body = json.dumps({"QueueUrl": url, "AttributeNames": ["All"]}).encode()
    request = AWSRequest(method="POST", url=daemon.url + "/", data=body)
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(request)
    headers = dict(request.headers.items())
    headers.update({"X-Amz-Target": "AmazonSQS.PurgeQueue", "Content-Type": "application/x-amz-json-1.0"})
    r = requests.post(daemon.url + "/", data=body, headers=headers, timeout=10)
    assert r.status_code == 403 and b"must be a signed header" in r.content, r.content
    presigned = AWSRequest(method="GET", url=f"{daemon.url}/?Action=GetQueueUrl&QueueName=replay-target&Version=2012-11-05")
    SigV4QueryAuth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION, expires=300).add_auth(presigned)
    assert requests.get(presigned.url, timeout=10).status_code == 200
    r = requests.get(presigned.url, headers={"X-Amz-Target": "AmazonSQS.ListQueues"}, timeout=10)
    assert r.status_code == 403, r.content
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
        "ApproximateNumberOfMessages"] == "1"


def test_a_plus_and_its_escape_never_share_a_signature(daemon, sqs):
    """The query reader takes '+' as a space; a URL signed for '%2B' (a plus) replayed with '+'
    would otherwise send another message under the same signature."""
    url = sqs.create_queue(QueueName="replay-plus")["QueueUrl"]
    signed = AWSRequest(method="GET", url=f"{url}?Action=SendMessage&MessageBody=1%2B1%3D2&Version=2012-11-05")
    SigV4QueryAuth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION, expires=300).add_auth(signed)
    assert requests.get(signed.url, timeout=10).status_code == 200
    replayed = signed.url.replace("MessageBody=1%2B1%3D2", "MessageBody=1+1%3D2")
    assert replayed != signed.url
    assert requests.get(replayed, timeout=10).status_code == 403
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert bodies == ["1+1=2"]


def test_a_date_header_stands_in_for_x_amz_date(daemon):
    """Without X-Amz-Date the Date header dates the signature (AWS's common parameters): botocore
    signs with an HTTP-format Date when a request carries one, and an ISO 8601 basic one works
    too; a request with neither is refused as incomplete."""
    from botocore.auth import SigV4Auth
    req = AWSRequest(method="POST", url=daemon.url + "/", data=b"{}", headers={**LIST_QUEUES, "Date": "placeholder"})
    SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "sqs", REGION).add_auth(req)
    prepared = req.prepare()
    headers = dict(prepared.headers.items())
    assert "X-Amz-Date" not in headers and headers["Date"].endswith(" -0000"), headers
    assert requests.post(prepared.url, headers=headers, data=prepared.body, timeout=30).status_code == 200
    stale = dict(headers, Date="Sun, 30 Aug 2015 12:36:00 GMT")
    response = requests.post(prepared.url, headers=stale, data=prepared.body, timeout=30)
    assert response.status_code == 403 and _code(response) == "SignatureDoesNotMatch", "the Date is what was signed"
    bare = {k: v for k, v in headers.items() if k != "Date"}
    response = requests.post(prepared.url, headers=bare, data=prepared.body, timeout=30)
    assert response.status_code == 400 and _code(response) == "IncompleteSignature"


def test_paths_are_normalized_before_the_signature_is_checked(daemon):
    """SigV4 normalizes paths (dot segments, repeated slashes) for every service but S3, and
    botocore signs them so: such requests failed with SignatureDoesNotMatch."""
    from conftest import signed_request
    for path in ("//", "/./", "/x/../", "//?"):
        url = daemon.url + path.rstrip("?") + "?Action=ListQueues&Version=2012-11-05"
        response = signed_request("GET", url)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
