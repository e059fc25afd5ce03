import Testing
import WireFormat

@testable import KMSWire

@Suite("KMS errors")
struct KMSErrorTests {
    @Test(
        "Each error has KMS's __type and HTTP status",
        arguments: [
            (KMSError.validation(["v"]), "ValidationException", 400), (.serialization("x"), "SerializationException", 400),
            (.unknownOperation("TrentService.X"), "UnknownOperationException", 400),
            (.missingAuthenticationToken, "MissingAuthenticationTokenException", 400),
            (.unrecognizedClient, "UnrecognizedClientException", 400), (.invalidSignature("x"), "InvalidSignatureException", 400),
            (.incompleteSignature("x"), "IncompleteSignatureException", 400),
            (.accessDenied("x"), "AccessDeniedException", 400), (.notFound("x"), "NotFoundException", 400),
            (.invalidCiphertext, "InvalidCiphertextException", 400), (.invalidKeyUsage("x"), "InvalidKeyUsageException", 400),
            (.malformedPolicyDocument("x"), "MalformedPolicyDocumentException", 400),
            (.invalidGrantToken("x"), "InvalidGrantTokenException", 400), (.limitExceeded("x"), "LimitExceededException", 400),
            (.unsupportedOperation("x"), "UnsupportedOperationException", 400), (.invalidMac, "KMSInvalidMacException", 400),
            (.dryRunOperation, "DryRunOperationException", 400), (.internalFailure, "KMSInternalException", 500),
        ])
    func typesAndStatuses(error: KMSError, type: String, status: Int) {
        #expect(error.type == type)
        #expect(error.status == status)
        #expect(error.senderFault == (status < 500))
    }

    @Test("Messages carry KMS's wording")
    func messages() {
        #expect(
            KMSError.accessDenied(
                principalArn: "arn:aws:iam::000000000000:user/bob", action: "kms:Encrypt", resource: keyArn,
                reason: "because no identity-based policy allows the kms:Encrypt action"
            ).message
                == "User: arn:aws:iam::000000000000:user/bob is not authorized to perform: kms:Encrypt on resource: \(keyArn) because no identity-based policy allows the kms:Encrypt action")
        #expect(KMSError.validation(["a", "b"]).message == "2 validation errors detected: a; b")
        #expect(KMSError.invalidCiphertext.message == nil)
    }

    @Test("Error bodies: exact bytes, headers and status")
    func encoding() {
        let notFound = KMSResponseEncoder.encode(KMSError.notFound("Key '\(keyArn)' does not exist"), requestId: "req-1")
        #expect(notFound.status == 400)
        #expect(text(notFound.body) == #"{"__type":"NotFoundException","message":"Key '\#(keyArn)' does not exist"}"#)
        #expect(notFound.headers.map(\.0) == ["Content-Type", "x-amzn-RequestId"])
        #expect(notFound.headers.map(\.1) == ["application/x-amz-json-1.1", "req-1"])
        #expect(text(KMSResponseEncoder.encode(KMSError.invalidCiphertext, requestId: "r").body) == #"{"__type":"InvalidCiphertextException"}"#)
        let internalError = KMSResponseEncoder.encode(KMSError.internalFailure, requestId: "r")
        #expect(internalError.status == 500)
        #expect(text(internalError.body) == ResponseFixtures.internalError)
        #expect(
            text(KMSResponseEncoder.encode(KMSError.validation(["Value at 'plaintext' failed"]), requestId: "r").body)
                == ResponseFixtures.validationError)
    }
}
