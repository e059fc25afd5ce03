import Testing

@testable import SigV4

@Suite("AuthorizationHeader parsing")
struct AuthorizationHeaderTests {
    static let signature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    static let valid =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        + "SignedHeaders=host;x-amz-date, Signature=\(signature)"

    private func reason(_ header: String) -> String? {
        do {
            _ = try AuthorizationHeader(parsing: header)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("A well-formed header yields key id, scope, signed headers and signature")
    func parsesValidHeader() throws {
        let header = try AuthorizationHeader(parsing: Self.valid)
        #expect(header.accessKeyId == "AKIDEXAMPLE")
        #expect(header.scope == CredentialScope(date: "20150830", region: "us-east-1", service: "service"))
        #expect(header.scope.path == "20150830/us-east-1/service/aws4_request")
        #expect(header.signedHeaders == ["host", "x-amz-date"])
        #expect(header.signature == Self.signature)
    }

    @Test("Elements may come in any order, without spaces after commas, with leading blanks")
    func toleratesOrderAndSpacing() throws {
        let header = try AuthorizationHeader(
            parsing: "  AWS4-HMAC-SHA256 Signature=abc,SignedHeaders=Host;X-Amz-Date,Credential=K/20240101/eu-west-1/sqs/aws4_request")
        #expect(header.accessKeyId == "K")
        #expect(header.scope == CredentialScope(date: "20240101", region: "eu-west-1", service: "sqs"))
        #expect(header.signedHeaders == ["host", "x-amz-date"], "signed header names are lowercased")
        #expect(header.signature == "abc")
    }

    @Test(
        "Each missing element is named in the error",
        arguments: [
            ("SignedHeaders=host, Signature=abc", "'Credential'"),
            ("Credential=K/20150830/us-east-1/sqs/aws4_request, Signature=abc", "'SignedHeaders'"),
            ("Credential=K/20150830/us-east-1/sqs/aws4_request, SignedHeaders=host", "'Signature'"),
        ])
    func missingElement(elements: String, named: String) {
        let reason = reason("AWS4-HMAC-SHA256 " + elements)
        #expect(reason != nil)
        #expect(reason?.contains(named) == true, "\(reason ?? "")")
    }

    @Test("All three missing are all named")
    func allMissing() {
        let reason = reason("AWS4-HMAC-SHA256 Foo=bar") ?? ""
        #expect(reason.contains("'Credential'") && reason.contains("'SignedHeaders'") && reason.contains("'Signature'"))
    }

    @Test("A repeated element is rejected and named")
    func repeatedElement() {
        let reason = reason(Self.valid + ", Signature=\(Self.signature)")
        #expect(reason?.contains("repeats") == true)
        #expect(reason?.contains("Signature") == true)
    }

    @Test(
        "A malformed credential scope is rejected",
        arguments: [
            "K/20150830/us-east-1/service",  // four parts
            "K/20150830/us-east-1/service/aws4_request/extra",  // six parts
            "K/20150830/us-east-1/service/aws5_request",  // wrong terminator
            "/20150830/us-east-1/service/aws4_request",  // empty access key id
            "K",
        ])
    func malformedCredential(credential: String) {
        let reason = reason("AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host, Signature=abc")
        #expect(reason?.contains("Credential should be scoped") == true, "\(credential): \(reason ?? "parsed")")
    }

    @Test("Other algorithms and a missing algorithm are rejected")
    func wrongAlgorithm() {
        #expect(reason("AWS4-HMAC-SHA512" + Self.valid.dropFirst("AWS4-HMAC-SHA256".count)) != nil)
        #expect(reason("Credential=K/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=abc") != nil)
        #expect(reason("AWS AKIDEXAMPLE:signature") != nil)
        #expect(reason("") != nil)
    }

    @Test("An element without '=' is malformed")
    func elementWithoutEquals() {
        #expect(reason(Self.valid + ", garbage")?.contains("malformed") == true)
    }

    @Test("Empty SignedHeaders or Signature values are rejected")
    func emptyValues() {
        #expect(reason("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s/aws4_request, SignedHeaders=, Signature=abc") != nil)
        #expect(reason("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s/aws4_request, SignedHeaders=host, Signature=") != nil)
    }
}
