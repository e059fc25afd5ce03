import Foundation
import Testing

@testable import QueueEngine
@testable import SQSWire

@Suite("WireError mapping and error encoding")
struct WireErrorTests {
    /// AWS-FACTS.md "Error shapes, legacy codes, statuses", plus the server fault.
    static let table: [SQSError.Code: (jsonShape: String, legacy: String, status: Int)] = [
        .queueDoesNotExist: ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400),
        .queueNameExists: ("QueueNameExists", "QueueAlreadyExists", 400),
        .queueDeletedRecently: ("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", 400),
        .purgeQueueInProgress: ("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403),
        .overLimit: ("OverLimit", "OverLimit", 403),
        .messageNotInflight: ("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", 400),
        .receiptHandleIsInvalid: ("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 400),
        .invalidIdFormat: ("InvalidIdFormat", "InvalidIdFormat", 400),
        .invalidMessageContents: ("InvalidMessageContents", "InvalidMessageContents", 400),
        .invalidAttributeName: ("InvalidAttributeName", "InvalidAttributeName", 400),
        .invalidAttributeValue: ("InvalidAttributeValue", "InvalidAttributeValue", 400),
        .batchEntryIdsNotDistinct: ("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400),
        .tooManyEntriesInBatchRequest: ("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400),
        .emptyBatchRequest: ("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400),
        .invalidBatchEntryId: ("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400),
        .batchRequestTooLong: ("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400),
        .unsupportedOperation: ("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400),
        .resourceNotFound: ("ResourceNotFoundException", "ResourceNotFoundException", 404),
        .invalidParameterValue: ("InvalidParameterValueException", "InvalidParameterValue", 400),
        .missingParameter: ("MissingRequiredParameterException", "MissingParameter", 400),
        .accessDenied: ("AccessDeniedException", "AccessDenied", 403),
        .kmsAccessDenied: ("KmsAccessDenied", "KMS.AccessDeniedException", 400),
        .kmsDisabled: ("KmsDisabled", "KMS.DisabledException", 400),
        .kmsInvalidKeyUsage: ("KmsInvalidKeyUsage", "KMS.InvalidKeyUsageException", 400),
        .kmsInvalidState: ("KmsInvalidState", "KMS.InvalidStateException", 400),
        .kmsNotFound: ("KmsNotFound", "KMS.NotFoundException", 400),
        .kmsThrottled: ("KmsThrottled", "KMS.ThrottlingException", 400),
        .invalidSecurity: ("InvalidSecurity", "InvalidSecurity", 400),
        .internalError: ("InternalError", "InternalError", 500),
        .serviceUnavailable: ("ServiceUnavailable", "ServiceUnavailable", 503),
    ]

    @Test("Every SQSError.Code maps to its JSON shape, legacy code and status", arguments: SQSError.Code.allCases)
    func mapping(code: SQSError.Code) throws {
        let expected = try #require(Self.table[code], "no expectation for \(code) — add it to the table")
        let wire = WireError(SQSError(code, "text"))
        // ServiceUnavailable is no SQS shape: it is the service framework's, as for the daemon's other 503s.
        #expect(
            wire.jsonType == (code == .serviceUnavailable ? WireError.serviceUnavailable.jsonType : "com.amazonaws.sqs#\(expected.jsonShape)"))
        #expect(wire.queryCode == expected.legacy)
        #expect(wire.status == expected.status)
        #expect(wire.senderFault == !(code == .internalError || code == .serviceUnavailable))
        #expect(wire.message == "text")
        #expect(WireError.queryCodeAndStatus(code) == (expected.legacy, expected.status))
    }

    @Test("Authentication errors: codes and statuses as every AWS service answers them")
    func authenticationErrors() {
        #expect(WireError.missingAuthenticationToken.queryCode == "MissingAuthenticationToken")
        #expect(WireError.missingAuthenticationToken.status == 403)
        #expect(WireError.invalidClientTokenId.queryCode == "InvalidClientTokenId")
        #expect(WireError.invalidClientTokenId.status == 403)
        #expect(WireError.signatureDoesNotMatch("x").queryCode == "SignatureDoesNotMatch")
        #expect(WireError.signatureDoesNotMatch("x").status == 403)
        #expect(WireError.requestExpired("old").queryCode == "RequestExpired")
        #expect(WireError.requestExpired("old").status == 403)
        #expect(WireError.incompleteSignature("bad").queryCode == "IncompleteSignature")
        #expect(WireError.incompleteSignature("bad").status == 400)
        #expect(WireError.accessDenied.queryCode == "AccessDenied")
        #expect(WireError.accessDenied.status == 403)
        #expect(WireError.internalFailure.status == 500)
        #expect(!WireError.internalFailure.senderFault)
    }

    @Test("JSON errors: __type and message in the body, x-amzn-query-error with ;Sender")
    func jsonError() throws {
        let response = responseEncoder.encode(WireError(SQSError.queueDoesNotExist), protocol: .json, requestId: "req-9")
        #expect(response.status == 400)
        #expect(header("x-amzn-query-error", in: response) == "AWS.SimpleQueueService.NonExistentQueue;Sender")
        #expect(header("x-amzn-RequestId", in: response) == "req-9")
        #expect(header("Content-Type", in: response) == "application/x-amz-json-1.0")
        let object = try jsonObject(response)
        #expect(object["__type"] as? String == "com.amazonaws.sqs#QueueDoesNotExist")
        #expect(object["message"] as? String == "The specified queue does not exist.")
    }

    @Test("Server faults are marked ;Receiver")
    func receiverFault() {
        let response = responseEncoder.encode(.internalFailure, protocol: .json, requestId: "r")
        #expect(response.status == 500)
        #expect(header("x-amzn-query-error", in: response) == "InternalFailure;Receiver")
        let xml = text(responseEncoder.encode(.internalFailure, protocol: .query, requestId: "r"))
        #expect(xml.contains("<Type>Receiver</Type>"))
    }

    @Test("XML errors: ErrorResponse with Type, Code, Message, Detail and RequestId")
    func xmlError() {
        let error = WireError(SQSError(.purgeQueueInProgress, "Only one <PurgeQueue> & friends"))
        let response = responseEncoder.encode(error, protocol: .query, requestId: "req-9")
        #expect(response.status == 403)
        #expect(header("Content-Type", in: response) == "text/xml")
        #expect(text(response)
            == "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"\(xmlNamespace)\"><Error><Type>Sender</Type>"
            + "<Code>AWS.SimpleQueueService.PurgeQueueInProgress</Code><Message>Only one &lt;PurgeQueue&gt; &amp; friends</Message>"
            + "<Detail/></Error><RequestId>req-9</RequestId></ErrorResponse>")
        #expect(xmlTexts("Message", in: response.body) == (true, ["Only one <PurgeQueue> & friends"]))
    }

    @Test("Decoder errors carry their protocol names")
    func decoderErrors() {
        #expect(WireError.invalidAction("X").queryCode == "InvalidAction")
        #expect(WireError.missingAction.queryCode == "MissingAction")
        #expect(WireError.serialization("x").jsonType.hasSuffix("#SerializationException"))
        #expect(WireError.malformedQueryString.queryCode == "MalformedQueryString")
    }
}
