import QueueEngine

/// An error as it goes on the wire: the names each protocol uses, and the HTTP status.
public struct WireError: Error, Sendable, Equatable {
    /// The full JSON `__type` (`com.amazonaws.sqs#QueueDoesNotExist`).
    public var jsonType: String
    /// The Query-protocol and `x-amzn-query-error` code (`AWS.SimpleQueueService.NonExistentQueue`).
    public var queryCode: String
    /// The HTTP status.
    public var status: Int
    /// True when the caller is at fault (`Sender`), false for server faults (`Receiver`).
    public var senderFault: Bool
    /// The message shown to the caller.
    public var message: String

    /// Creates a wire error.
    public init(jsonType: String, queryCode: String, status: Int, senderFault: Bool = true, message: String) {
        self.jsonType = jsonType
        self.queryCode = queryCode
        self.status = status
        self.senderFault = senderFault
        self.message = message
    }

    private static func service(_ shape: String, _ code: String, _ status: Int, _ message: String) -> WireError {
        WireError(jsonType: "com.amazon.coral.service#\(shape)", queryCode: code, status: status, message: message)
    }

    /// The request carried no credentials at all.
    public static let missingAuthenticationToken = service(
        "MissingAuthenticationTokenException", "MissingAuthenticationToken", 403,
        "Request is missing Authentication Token")
    /// The access key id is unknown.
    public static let invalidClientTokenId = service(
        "UnrecognizedClientException", "InvalidClientTokenId", 403,
        "The security token included in the request is invalid.")
    /// The signature, or its scope, does not match.
    public static func signatureDoesNotMatch(_ reason: String) -> WireError {
        service("InvalidSignatureException", "SignatureDoesNotMatch", 403, reason)
    }
    /// The Authorization header is malformed.
    public static func incompleteSignature(_ reason: String) -> WireError {
        service("IncompleteSignatureException", "IncompleteSignature", 400, reason)
    }
    /// The request is too old or too far in the future.
    public static func requestExpired(_ reason: String) -> WireError {
        service("InvalidSignatureException", "RequestExpired", 403, reason)
    }
    /// The caller may not perform the action.
    public static let accessDenied = WireError(
        jsonType: "com.amazonaws.sqs#AccessDeniedException", queryCode: "AccessDenied", status: 403,
        message: "Access to the resource is denied.")
    /// An action name no SQS version has.
    public static func invalidAction(_ action: String) -> WireError {
        service("UnknownOperationException", "InvalidAction", 400, "The action \(action) is not valid for this web service.")
    }
    /// A Query request without `Action`.
    public static let missingAction = service("MissingAction", "MissingAction", 400, "The request must contain the parameter Action.")
    /// A JSON body that does not parse or has a member of the wrong type.
    public static func serialization(_ reason: String) -> WireError {
        service("SerializationException", "SerializationException", 400, reason)
    }
    /// A form body or query string that does not parse.
    public static let malformedQueryString = service(
        "MalformedQueryString", "MalformedQueryString", 404, "The query string contains a syntax error.")
    /// A body larger than the service accepts, refused before it is read.
    public static func requestTooLarge(limit: Int) -> WireError {
        WireError(
            jsonType: "com.amazonaws.sqs#InvalidParameterValueException", queryCode: "InvalidParameterValue", status: 413,
            message: "Request body is larger than the allowed maximum of \(limit) bytes.")
    }
    /// A body that ended early (the client stopped sending) or whose chunked framing is broken.
    public static let incompleteBody = service(
        "IncompleteBody", "IncompleteBody", 400,
        "The request body ended before the length its Content-Length announced, or its chunked framing is malformed.")
    /// The daemon holds as many request bodies as it may at once; SDKs retry this with backoff.
    public static let serviceUnavailable = WireError(
        jsonType: "com.amazon.coral.service#ServiceUnavailableException", queryCode: "ServiceUnavailable", status: 503,
        senderFault: false, message: "The service is holding as many request bodies as it can. Please try again.")
    /// An unexpected server fault; the text never carries internals.
    public static let internalFailure = WireError(
        jsonType: "com.amazon.coral.service#InternalFailure", queryCode: "InternalFailure", status: 500, senderFault: false,
        message: "We encountered an internal error. Please try again.")
}

extension WireError {
    /// The wire form of an engine error: the one place SQS error codes and statuses are decided.
    public init(_ error: SQSError) {
        let (queryCode, status) = Self.queryCodeAndStatus(error.code)
        // ServiceUnavailable is not an SQS shape: it goes out as the service framework's, as the
        // daemon's other 503s do.
        let jsonType = error.code == .serviceUnavailable ? Self.serviceUnavailable.jsonType : "com.amazonaws.sqs#\(error.code.rawValue)"
        self.init(jsonType: jsonType, queryCode: queryCode, status: status, senderFault: !error.isServerFault, message: error.message)
    }

    /// The legacy (Query) code and HTTP status of an engine error code.
    public static func queryCodeAndStatus(_ code: SQSError.Code) -> (String, Int) {
        let legacy = "AWS.SimpleQueueService."
        switch code {
        case .queueDoesNotExist: return (legacy + "NonExistentQueue", 400)
        case .queueNameExists: return ("QueueAlreadyExists", 400)
        case .queueDeletedRecently: return (legacy + "QueueDeletedRecently", 400)
        case .purgeQueueInProgress: return (legacy + "PurgeQueueInProgress", 403)
        case .overLimit: return ("OverLimit", 403)
        case .messageNotInflight: return (legacy + "MessageNotInflight", 400)
        case .receiptHandleIsInvalid: return ("ReceiptHandleIsInvalid", 400)
        case .invalidIdFormat, .invalidMessageContents, .invalidAttributeName, .invalidAttributeValue:
            return (code.rawValue, 400)
        case .batchEntryIdsNotDistinct, .tooManyEntriesInBatchRequest, .emptyBatchRequest, .invalidBatchEntryId,
            .batchRequestTooLong, .unsupportedOperation:
            return (legacy + code.rawValue, 400)
        case .resourceNotFound: return ("ResourceNotFoundException", 404)
        case .invalidParameterValue: return ("InvalidParameterValue", 400)
        case .missingParameter: return ("MissingParameter", 400)
        case .accessDenied: return ("AccessDenied", 403)
        case .kmsAccessDenied: return ("KMS.AccessDeniedException", 400)
        case .kmsDisabled: return ("KMS.DisabledException", 400)
        case .kmsInvalidKeyUsage: return ("KMS.InvalidKeyUsageException", 400)
        case .kmsInvalidState: return ("KMS.InvalidStateException", 400)
        case .kmsNotFound: return ("KMS.NotFoundException", 400)
        case .kmsThrottled: return ("KMS.ThrottlingException", 400)
        case .invalidSecurity: return ("InvalidSecurity", 400)
        case .internalError: return ("InternalError", 500)
        case .serviceUnavailable: return ("ServiceUnavailable", 503)
        }
    }
}
