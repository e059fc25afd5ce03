import Foundation
import SigV4
import Testing

@Suite("SignatureVerifier: header-signed requests")
struct SignatureVerifierTests {
    private let verifier = SignatureVerifier(region: "us-east-1") { $0 == "AKIDEXAMPLE" ? "secret-one" : nil }
    private let now: Int64 = 1_440_938_160  // 2015-08-30T12:36:00Z

    private func signed(
        body: String = "{}", secret: String = "secret-one", amzDate: String = "20150830T123600Z", region: String = "us-east-1",
        service: String = "sqs"
    ) -> SignatureVerifier.Request {
        let signer = RequestSigner(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret, region: region, service: service)
        var headers = ["host": "127.0.0.1:9324", "x-amz-target": "AmazonSQS.ListQueues"]
        let added = signer.sign(
            method: "POST", path: "/", query: "", headers: headers.map { ($0.key, $0.value) }, payload: Array(body.utf8),
            amzDate: amzDate)
        for (name, value) in added { headers[name.lowercased()] = value }
        return SignatureVerifier.Request(method: "POST", path: "/", query: "", queryParameters: [:], headers: headers, body: Array(body.utf8))
    }

    @Test("A correctly signed request verifies and names its access key")
    func verifies() throws {
        #expect(try verifier.verify(signed(), service: "sqs", now: now) == "AKIDEXAMPLE")
    }

    @Test("IAM, a global service, is signed for us-east-1 as on AWS, or for the daemon's region; no other service is")
    func iamIsGlobal() throws {
        let europe = SignatureVerifier(region: "eu-west-2") { $0 == "AKIDEXAMPLE" ? "secret-one" : nil }
        #expect(try europe.verify(signed(service: "iam"), service: "iam", now: now) == "AKIDEXAMPLE")
        #expect(try europe.verify(signed(region: "eu-west-2", service: "iam"), service: "iam", now: now) == "AKIDEXAMPLE")
        #expect(throws: SignatureVerifier.Failure.self) { try europe.verify(signed(region: "eu-west-1", service: "iam"), service: "iam", now: now) }
        #expect(throws: SignatureVerifier.Failure.self) { try europe.verify(signed(), service: "sqs", now: now) }
        #expect(throws: SignatureVerifier.Failure.self) { try europe.verify(signed(service: "sts"), service: "sts", now: now) }
    }

    @Test("A changed body, header or secret fails with SignatureDoesNotMatch")
    func tampering() throws {
        var request = signed()
        request.body = Array("{\"x\":1}".utf8)
        #expect(throws: SignatureVerifier.Failure.self) { try verifier.verify(request, service: "sqs", now: now) }
        request = signed()
        request.headers["x-amz-target"] = "AmazonSQS.PurgeQueue"
        #expect {
            try verifier.verify(request, service: "sqs", now: now)
        } throws: { error in
            if case .signatureDoesNotMatch = error as? SignatureVerifier.Failure { return true }
            return false
        }
        #expect(throws: SignatureVerifier.Failure.self) { try verifier.verify(signed(secret: "other"), service: "sqs", now: now) }
    }

    @Test("Host must be signed, and the refusal says so in AWS's words")
    func hostMustBeSigned() {
        let signer = RequestSigner(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-one", region: "us-east-1", service: "sqs")
        var headers = ["x-amz-target": "AmazonSQS.ListQueues"]
        for (name, value) in signer.sign(method: "POST", path: "/", query: "", headers: headers.map { ($0.key, $0.value) }, payload: [], amzDate: "20150830T123600Z") {
            headers[name.lowercased()] = value
        }
        headers["host"] = "127.0.0.1:9324"
        let request = SignatureVerifier.Request(method: "POST", path: "/", query: "", queryParameters: [:], headers: headers, body: [])
        #expect(throws: SignatureVerifier.Failure.signatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")) {
            try verifier.verify(request, service: "sqs", now: now)
        }
    }

    @Test("A request carrying both a signed Authorization header and query-string signing parameters is refused")
    func bothSignatureForms() throws {
        var request = signed()
        request.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        request.queryParameters = ["X-Amz-Algorithm": "AWS4-HMAC-SHA256"]
        #expect {
            try verifier.verify(request, service: "sqs", now: now)
        } throws: { error in
            guard case .signatureDoesNotMatch(let reason) = error as? SignatureVerifier.Failure else { return false }
            return reason.contains("Found both")
        }
    }

    @Test("Headers that choose the action must be signed: X-Amz-Target added to a request is refused, and Content-Type when the query string has parameters")
    func operationHeadersMustBeSigned() throws {
        let signer = RequestSigner(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-one", region: "us-east-1", service: "sqs")
        var headers = ["host": "127.0.0.1:9324"]
        for (name, value) in signer.sign(method: "POST", path: "/", query: "", headers: [("host", "127.0.0.1:9324")], payload: Array("{}".utf8), amzDate: "20150830T123600Z") {
            headers[name.lowercased()] = value
        }
        let bare = SignatureVerifier.Request(method: "POST", path: "/", query: "", queryParameters: [:], headers: headers, body: Array("{}".utf8))
        #expect(try verifier.verify(bare, service: "sqs", now: now) == "AKIDEXAMPLE")
        var replayed = bare
        replayed.headers["x-amz-target"] = "AmazonSQS.PurgeQueue"
        #expect(throws: SignatureVerifier.Failure.self, "x-amz-target added after signing") { try verifier.verify(replayed, service: "sqs", now: now) }
        // As boto 2 and awscurl sign a form POST: Host and X-Amz-* only.
        var form = bare
        form.headers["content-type"] = "application/x-www-form-urlencoded; charset=UTF-8"
        #expect(try verifier.verify(form, service: "sqs", now: now) == "AKIDEXAMPLE")
        // With parameters in the query string too, leaving Content-Type out would change which parameters count.
        var withQuery = headers
        for (name, value) in signer.sign(
            method: "POST", path: "/", query: "Action=DeleteQueue", headers: [("host", "127.0.0.1:9324")], payload: Array("{}".utf8),
            amzDate: "20150830T123600Z")
        {
            withQuery[name.lowercased()] = value
        }
        let queried = SignatureVerifier.Request(
            method: "POST", path: "/", query: "Action=DeleteQueue", queryParameters: ["Action": "DeleteQueue"], headers: withQuery,
            body: Array("{}".utf8))
        #expect(try verifier.verify(queried, service: "sqs", now: now) == "AKIDEXAMPLE")
        var typed = queried
        typed.headers["content-type"] = "application/x-www-form-urlencoded"
        #expect(throws: SignatureVerifier.Failure.self, "content-type beside query parameters, unsigned") {
            try verifier.verify(typed, service: "sqs", now: now)
        }
    }

    @Test("Unknown keys, missing signatures, stale dates and foreign scopes get their own failures")
    func failures() throws {
        var unknown = signed()
        unknown.headers["authorization"] = unknown.headers["authorization"]!.replacingFirst("AKIDEXAMPLE", with: "AKIDUNKNOWN")
        #expect(throws: SignatureVerifier.Failure.invalidClientTokenId) { try verifier.verify(unknown, service: "sqs", now: now) }
        var bare = signed()
        bare.headers["authorization"] = nil
        #expect(throws: SignatureVerifier.Failure.missingAuthenticationToken) { try verifier.verify(bare, service: "sqs", now: now) }
        #expect {
            try verifier.verify(signed(), service: "sqs", now: now + 16 * 60)
        } throws: { error in
            if case .signatureDoesNotMatch(let message) = error as? SignatureVerifier.Failure { return message.hasPrefix("Signature expired: ") }
            return false
        }
        #expect(throws: SignatureVerifier.Failure.self) { try verifier.verify(signed(region: "eu-west-1"), service: "sqs", now: now) }
        #expect(throws: SignatureVerifier.Failure.self) { try verifier.verify(signed(), service: "kms", now: now) }
        var noDate = signed()
        noDate.headers["x-amz-date"] = nil
        #expect {
            try verifier.verify(noDate, service: "sqs", now: now)
        } throws: { error in
            if case .incompleteSignature = error as? SignatureVerifier.Failure { return true }
            return false
        }
    }

    @Test("AMZ dates convert to epoch seconds; malformed ones are refused")
    func amzDates() {
        #expect(AmzDate.seconds("20150830T123600Z") == now)
        #expect(AmzDate.seconds("19700101T000000Z") == 0)
        #expect(AmzDate.seconds("20240229T235959Z") == 1_709_251_199)
        for bad in ["2015-08-30T12:36:00Z", "20151330T123600Z", "20150830T123600", "", "2015083OT123600Z"] {
            #expect(AmzDate.seconds(bad) == nil, "\(bad)")
        }
        #expect(AmzDate.text(seconds: now) == "20150830T123600Z")
        #expect(AmzDate.text(seconds: 1_709_251_199) == "20240229T235959Z")
        for seconds in stride(from: Int64(0), to: 5_000_000_000, by: 7_777_777) {
            #expect(AmzDate.seconds(AmzDate.text(seconds: seconds)) == seconds)
        }
        #expect(AmzDate.iso8601(seconds: 1_709_251_199) == "2024-02-29T23:59:59Z")
        #expect(AmzDate.iso8601(seconds: 0) == "1970-01-01T00:00:00Z")
        #expect(AmzDate.iso8601(seconds: -1) == "1969-12-31T23:59:59Z")
        let clock = gmtimeText
        for seconds in stride(from: Int64(0), to: 5_000_000_000, by: 7_777_777) {
            #expect(AmzDate.iso8601(seconds: seconds) == clock(seconds))
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` by the C library, to check `AmzDate.iso8601` against.
    private var gmtimeText: (Int64) -> String {
        { seconds in
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            var buffer = [CChar](repeating: 0, count: 32)
            let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
            return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    @Test("A Date header stands in for X-Amz-Date, in ISO 8601 basic form or HTTP's")
    func dateHeaders() {
        #expect(AmzDate.fromDateHeader("Sun, 30 Aug 2015 12:36:00 GMT") == "20150830T123600Z")
        #expect(AmzDate.fromDateHeader("Sun, 30 Aug 2015 12:36:00 -0000") == "20150830T123600Z")
        #expect(AmzDate.fromDateHeader("20150830T123600Z") == "20150830T123600Z")
        for bad in ["Sun, 30 Aug 2015 12:36:00 UTC", "30 Aug 2015 12:36:00 GMT", "Sun, 30 Foo 2015 12:36:00 GMT", "Sun, 31 Feb 2015 1:36:00 GMT"] {
            #expect(AmzDate.fromDateHeader(bad) == nil, "\(bad)")
        }
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        let parts = components(separatedBy: target)
        guard parts.count > 1 else { return self }
        return parts[0] + replacement + parts.dropFirst().joined(separator: target)
    }
}

@Suite("Credential scope service")
struct ScopedServiceTests {
    @Test("The service comes from the Authorization header's Credential, or X-Amz-Credential when presigned")
    func service() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00"
        #expect(SignatureVerifier.scopedService(headers: ["authorization": header], queryParameters: [:]) == "sts")
        #expect(
            SignatureVerifier.scopedService(headers: [:], queryParameters: ["X-Amz-Credential": "AKID/20261125/us-east-1/iam/aws4_request"])
                == "iam")
        #expect(SignatureVerifier.scopedService(headers: [:], queryParameters: [:]) == nil)
        #expect(SignatureVerifier.scopedService(headers: ["authorization": "AWS4-HMAC-SHA256 Credential=AKID/x"], queryParameters: [:]) == nil)
    }
}

@Suite("Claimed access key ids")
struct ClaimedKeyIdTests {
    @Test("Only ids of the issued form (16-128 capitals and digits) pass; a secret claimed as the key id does not")
    func issuedForm() {
        #expect(SignatureVerifier.hasIssuedKeyForm("AKIAUHLO2LRFYK4N7ATH"))
        #expect(SignatureVerifier.hasIssuedKeyForm(String(repeating: "A", count: 128)))
        #expect(!SignatureVerifier.hasIssuedKeyForm(String(repeating: "A", count: 129)))
        #expect(!SignatureVerifier.hasIssuedKeyForm("AKIA1234"))
        #expect(!SignatureVerifier.hasIssuedKeyForm("f0aZVZzZcSyFizAChyZi0jG5IYkZ+Z9Y3S9DZ0Nm"))
        #expect(!SignatureVerifier.hasIssuedKeyForm("wJalrXUtnFEMIK7MDENGbPxRfiCY"))
        #expect(!SignatureVerifier.hasIssuedKeyForm("AKIAUHLO2LRFYK4N7AT_"))
    }

    @Test("The claimed key id comes only from a Credential of five parts: a secret with '/' in its place gives none")
    func fiveParts() {
        func claimed(_ credential: String) -> String? {
            let header = "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host, Signature=00"
            return SignatureVerifier.claimedAccessKeyId(headers: ["authorization": header], queryParameters: [:])
        }
        #expect(claimed("AKIAUHLO2LRFYK4N7ATH/20261127/us-east-1/sqs/aws4_request") == "AKIAUHLO2LRFYK4N7ATH")
        #expect(claimed("ABCDEFGHIJKLMNOPQRST/xyz+abc/20261127/us-east-1/sqs/aws4_request") == nil)
        #expect(SignatureVerifier.claimedAccessKeyId(headers: [:], queryParameters: ["X-Amz-Credential": "AKIAUHLO2LRFYK4N7ATH/20261127/us-east-1/sqs/aws4_request"]) == "AKIAUHLO2LRFYK4N7ATH")
    }
}
