import SealCrypto
import Testing

@testable import SigV4

@Suite("RequestSigner and SigningKey")
struct RequestSignerTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    @Test("SigningKey.derive matches the AWS documentation example (iam, 20120215)")
    func documentedSigningKey() {
        let key = SigningKey.derive(secretAccessKey: Self.secret, date: "20120215", region: "us-east-1", service: "iam")
        #expect(Hex.encode(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test("Every part of the scope changes the derived key")
    func scopePartsMatter() {
        let base = SigningKey.derive(secretAccessKey: Self.secret, date: "20150830", region: "us-east-1", service: "sqs")
        #expect(base != SigningKey.derive(secretAccessKey: Self.secret, date: "20150831", region: "us-east-1", service: "sqs"))
        #expect(base != SigningKey.derive(secretAccessKey: Self.secret, date: "20150830", region: "us-east-2", service: "sqs"))
        #expect(base != SigningKey.derive(secretAccessKey: Self.secret, date: "20150830", region: "us-east-1", service: "kms"))
        #expect(base != SigningKey.derive(secretAccessKey: "other", date: "20150830", region: "us-east-1", service: "sqs"))
    }

    private func signer() -> RequestSigner {
        RequestSigner(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Self.secret, region: "us-east-1", service: "service")
    }

    @Test("sign() produces the get-vanilla Authorization header and X-Amz-Date")
    func signsGetVanilla() {
        let headers = signer().sign(
            method: "GET", path: "/", query: "", headers: [("Host", "example.amazonaws.com")], payload: [],
            amzDate: "20150830T123600Z")
        let values = Dictionary(headers, uniquingKeysWith: { first, _ in first })
        #expect(values["X-Amz-Date"] == "20150830T123600Z")
        #expect(
            values["Authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test("sign() produces the post-x-www-form-urlencoded signature from the body")
    func signsFormPost() {
        let headers = signer().sign(
            method: "POST", path: "/", query: "",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com")],
            payload: Array("Param1=value1".utf8), amzDate: "20150830T123600Z")
        let authorization = headers.first { $0.0 == "Authorization" }?.1 ?? ""
        #expect(authorization.hasSuffix(
            "SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"))
    }

    @Test("The signed header parses back with AuthorizationHeader")
    func signedHeaderParses() throws {
        let headers = signer().sign(
            method: "GET", path: "/", query: "Param2=value2&Param1=value1", headers: [("Host", "example.amazonaws.com")],
            payload: [], amzDate: "20150830T123600Z")
        let parsed = try AuthorizationHeader(parsing: headers.first { $0.0 == "Authorization" }?.1 ?? "")
        #expect(parsed.accessKeyId == "AKIDEXAMPLE")
        #expect(parsed.signedHeaders == ["host", "x-amz-date"])
        #expect(parsed.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test("The cached signing key follows the date: a new day re-derives, the old day signs as before")
    func keyCacheFollowsDate() {
        let signer = signer()
        func sign(_ date: String) -> String {
            signer.sign(method: "GET", path: "/", query: "", headers: [("Host", "example.amazonaws.com")], payload: [], amzDate: date)
                .first { $0.0 == "Authorization" }?.1 ?? ""
        }
        let first = sign("20150830T123600Z")
        let nextDay = sign("20150831T123600Z")
        #expect(nextDay.contains("Credential=AKIDEXAMPLE/20150831/us-east-1/service/aws4_request"))
        let fresh = RequestSigner(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Self.secret, region: "us-east-1", service: "service")
        let expectedNextDay = fresh.sign(
            method: "GET", path: "/", query: "", headers: [("Host", "example.amazonaws.com")], payload: [],
            amzDate: "20150831T123600Z"
        ).first { $0.0 == "Authorization" }?.1
        #expect(nextDay == expectedNextDay)
        #expect(sign("20150830T123600Z") == first)
        #expect(first.hasSuffix("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))
    }
}
