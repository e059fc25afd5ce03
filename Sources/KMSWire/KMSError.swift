/// A KMS error as it goes on the wire: the JSON `__type`, the HTTP status and the message.
///
/// KMS writes its error names without a namespace (`{"__type":"NotFoundException","message":"…"}`); botocore
/// would strip one anyway. The server picks the error and its message; the factories below carry AWS's names,
/// statuses and, where AWS words a message one fixed way, that wording. The key service's own failures
/// (`KeyServiceError`, which names the same exceptions and words their messages) become `KMSError`s in
/// `SealQServer`.
public struct KMSError: Error, Sendable, Equatable {
    /// The JSON `__type` (`NotFoundException`), also the error code SDKs report.
    public var type: String
    /// The HTTP status: 400 for everything but `KMSInternalException` (500).
    public var status: Int
    /// The message; nil writes no `message` member (as KMS does for `InvalidCiphertextException`).
    public var message: String?

    /// An error named `type` with `status` and `message`.
    public init(type: String, status: Int = 400, message: String?) {
        self.type = type
        self.status = status
        self.message = message
    }

    /// True when the caller is at fault (every status below 500).
    public var senderFault: Bool { status < 500 }

    // MARK: Request validation and framing

    /// Members that break the KMS model, one entry per violation, joined the way AWS does
    /// (`1 validation error detected: Value at 'plaintext' failed to satisfy constraint: …`).
    public static func validation(_ violations: [String]) -> KMSError {
        let count = violations.count == 1 ? "1 validation error" : "\(violations.count) validation errors"
        return KMSError(type: "ValidationException", message: "\(count) detected: " + violations.joined(separator: "; "))
    }

    /// A `ValidationException` with a service-worded message (not a model constraint).
    public static func validationMessage(_ message: String) -> KMSError {
        KMSError(type: "ValidationException", message: message)
    }

    /// A body that is not JSON, a member of the wrong JSON type, or a blob that is not base64.
    public static func serialization(_ message: String) -> KMSError {
        KMSError(type: "SerializationException", message: message)
    }

    /// An `X-Amz-Target` that names no KMS operation (or is missing).
    public static func unknownOperation(_ target: String?) -> KMSError {
        KMSError(type: "UnknownOperationException", message: target.map { "Unknown operation \($0)" } ?? "Missing X-Amz-Target")
    }

    // MARK: Authentication and authorization (SigV4 failures as KMS names them)

    /// The request carried no credentials at all.
    public static let missingAuthenticationToken = KMSError(
        type: "MissingAuthenticationTokenException", message: "Missing Authentication Token")
    /// The access key id is unknown.
    public static let unrecognizedClient = KMSError(
        type: "UnrecognizedClientException", message: "The security token included in the request is invalid.")
    /// The signature or its scope does not match, or the request time is out of range (`Signature expired: …`);
    /// `reason` is the verifier's explanation.
    public static func invalidSignature(_ reason: String) -> KMSError {
        KMSError(type: "InvalidSignatureException", message: reason)
    }
    /// The Authorization header or presigned query is malformed.
    public static func incompleteSignature(_ reason: String) -> KMSError {
        KMSError(type: "IncompleteSignatureException", message: reason)
    }
    /// The caller may not perform `action` (`kms:Encrypt`) on `resource` (a key ARN); `reason` is the tail KMS
    /// appends, such as `because no identity-based policy allows the kms:Encrypt action`.
    public static func accessDenied(principalArn: String, action: String, resource: String?, reason: String? = nil) -> KMSError {
        var message = "User: \(principalArn) is not authorized to perform: \(action)"
        if let resource { message += " on resource: \(resource)" }
        if let reason { message += " \(reason)" }
        return KMSError(type: "AccessDeniedException", message: message)
    }
    /// An `AccessDeniedException` with a message of the server's choosing.
    public static func accessDenied(_ message: String) -> KMSError {
        KMSError(type: "AccessDeniedException", message: message)
    }

    // MARK: Service errors

    /// A key, alias or grant that does not exist.
    public static func notFound(_ message: String) -> KMSError { KMSError(type: "NotFoundException", message: message) }
    /// The ciphertext (or its encryption context) does not decrypt; KMS gives no message, on purpose.
    public static let invalidCiphertext = KMSError(type: "InvalidCiphertextException", message: nil)
    /// The key's usage or spec does not allow the operation or algorithm.
    public static func invalidKeyUsage(_ message: String) -> KMSError { KMSError(type: "InvalidKeyUsageException", message: message) }
    /// A key policy that does not parse or breaks the policy grammar or lockout check.
    public static func malformedPolicyDocument(_ message: String) -> KMSError {
        KMSError(type: "MalformedPolicyDocumentException", message: message)
    }
    /// A grant token that is not valid.
    public static func invalidGrantToken(_ message: String) -> KMSError { KMSError(type: "InvalidGrantTokenException", message: message) }
    /// A quota would be exceeded.
    public static func limitExceeded(_ message: String) -> KMSError { KMSError(type: "LimitExceededException", message: message) }
    /// A feature (key spec, key usage, origin, custom key store) this key service does not offer.
    public static func unsupportedOperation(_ message: String) -> KMSError {
        KMSError(type: "UnsupportedOperationException", message: message)
    }
    /// VerifyMac: the MAC does not verify.
    public static let invalidMac = KMSError(type: "KMSInvalidMacException", message: nil)
    /// The DryRun succeeded: the call would have worked.
    public static let dryRunOperation = KMSError(
        type: "DryRunOperationException", message: "The request would have succeeded, but the DryRun option is set.")
    /// An unexpected server fault (HTTP 500); the text never carries internals.
    public static let internalFailure = KMSError(type: "KMSInternalException", status: 500, message: "An internal error occurred.")
}
