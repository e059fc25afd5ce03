/// A failure of an SQS operation, named by the error shape of the SQS API model.
///
/// The wire modules map each `Code` to its JSON `__type`, Query code and HTTP status in one place.
public struct SQSError: Error, Sendable, Equatable {
    /// The error shapes the engine can raise.
    public enum Code: String, Sendable, CaseIterable {
        case queueDoesNotExist = "QueueDoesNotExist"
        case queueNameExists = "QueueNameExists"
        case queueDeletedRecently = "QueueDeletedRecently"
        case purgeQueueInProgress = "PurgeQueueInProgress"
        case overLimit = "OverLimit"
        case messageNotInflight = "MessageNotInflight"
        case receiptHandleIsInvalid = "ReceiptHandleIsInvalid"
        case invalidIdFormat = "InvalidIdFormat"
        case invalidMessageContents = "InvalidMessageContents"
        case invalidAttributeName = "InvalidAttributeName"
        case invalidAttributeValue = "InvalidAttributeValue"
        case batchEntryIdsNotDistinct = "BatchEntryIdsNotDistinct"
        case tooManyEntriesInBatchRequest = "TooManyEntriesInBatchRequest"
        case emptyBatchRequest = "EmptyBatchRequest"
        case invalidBatchEntryId = "InvalidBatchEntryId"
        case batchRequestTooLong = "BatchRequestTooLong"
        case unsupportedOperation = "UnsupportedOperation"
        case resourceNotFound = "ResourceNotFoundException"
        case invalidParameterValue = "InvalidParameterValueException"
        case missingParameter = "MissingRequiredParameterException"
        case accessDenied = "AccessDeniedException"
        case kmsAccessDenied = "KmsAccessDenied"
        case kmsDisabled = "KmsDisabled"
        case kmsInvalidKeyUsage = "KmsInvalidKeyUsage"
        case kmsInvalidState = "KmsInvalidState"
        case kmsNotFound = "KmsNotFound"
        case kmsThrottled = "KmsThrottled"
        case invalidSecurity = "InvalidSecurity"
        case internalError = "InternalError"
        case serviceUnavailable = "ServiceUnavailable"
    }

    /// Which error.
    public var code: Code
    /// The human-readable message, in AWS's wording where AWS documents one.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether the server is at fault (`Receiver` in the wire's terms), not the caller.
    public var isServerFault: Bool {
        code == .internalError || code == .serviceUnavailable
    }

    /// `ServiceUnavailable` for a send while the disk holding the data is nearly full: the
    /// server's fault and passing, so SDKs retry it with backoff.
    public static let lowOnDisk = SQSError(
        .serviceUnavailable,
        "The service cannot store new messages while the disk holding its data is nearly full. Please try again later.")

    /// Whether a message whose opening failed with this error can never be opened again: its
    /// key was deleted, or its stored bytes fail their integrity check (a key disabled, pending
    /// deletion or refused may change back).
    public var meansUnreadableForGood: Bool {
        code == .kmsNotFound || code == .internalError
    }

    /// `QueueDoesNotExist` with AWS's message.
    public static let queueDoesNotExist = SQSError(.queueDoesNotExist, "The specified queue does not exist.")

    /// `InvalidSecurity` for an unsigned send or receive on an encrypted queue: AWS's SSE guide,
    /// "With SSE enabled, anonymous SendMessage and ReceiveMessage requests to the encrypted
    /// queue will be rejected."
    public static let anonymousOnEncryptedQueue = SQSError(
        .invalidSecurity,
        "The request was not made over HTTPS or did not use SigV4 for signing: anonymous requests to a queue with server-side encryption are refused.")

    /// `InvalidParameterValue` in AWS's "Value … for parameter … is invalid" form.
    public static func invalidParameter(_ name: String, value: String, reason: String) -> SQSError {
        SQSError(.invalidParameterValue, "Value \(value) for parameter \(name) is invalid. Reason: \(reason)")
    }

    /// `UnsupportedOperation` for message attribute list values, which the API reserves for
    /// future use, with AWS's message.
    public static func listValuesUnsupported(in operation: String) -> SQSError {
        SQSError(.unsupportedOperation, "Message attribute list values in \(operation) operation are not supported.")
    }

    /// `MissingParameter` for a required parameter that was not given.
    public static func missingParameter(_ name: String) -> SQSError {
        SQSError(.missingParameter, "The request must contain the parameter \(name).")
    }
}
