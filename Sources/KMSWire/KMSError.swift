/// A KMS error as it goes on the wire: the JSON `__type`, the HTTP status and the message.
///
/// KMS writes its error names without a namespace (`{"__type":"NotFoundException","message":"…"}`); botocore
/// would strip one anyway. The server picks the error and its message; the factories below carry AWS's names,
/// statuses and, where AWS words a message one fixed way, that wording.
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
    /// A session token that has expired.
    public static let expiredToken = KMSError(
        type: "ExpiredTokenException", message: "The security token included in the request is expired")
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
    /// `Key 'arn:…' does not exist`.
    public static func keyNotFound(_ keyArn: String) -> KMSError { notFound("Key '\(keyArn)' does not exist") }
    /// `Alias 'arn:…:alias/x' is not found.`
    public static func aliasNotFound(_ aliasArn: String) -> KMSError { notFound("Alias '\(aliasArn)' is not found.") }
    /// The key is disabled: `arn:… is disabled.`
    public static func disabled(_ keyArn: String) -> KMSError { KMSError(type: "DisabledException", message: "\(keyArn) is disabled.") }
    /// The key's state forbids the call.
    public static func invalidState(_ message: String) -> KMSError { KMSError(type: "KMSInvalidStateException", message: message) }
    /// `arn:… is pending deletion.`
    public static func pendingDeletion(_ keyArn: String) -> KMSError { invalidState("\(keyArn) is pending deletion.") }
    /// The ciphertext (or its encryption context) does not decrypt; KMS gives no message, on purpose.
    public static let invalidCiphertext = KMSError(type: "InvalidCiphertextException", message: nil)
    /// The ciphertext was made under a different key than the `KeyId` given.
    public static func incorrectKey(_ message: String = "The key ID in the request does not identify a CMK that can perform this operation.")
        -> KMSError
    { KMSError(type: "IncorrectKeyException", message: message) }
    /// The key's usage or spec does not allow the operation or algorithm.
    public static func invalidKeyUsage(_ message: String) -> KMSError { KMSError(type: "InvalidKeyUsageException", message: message) }
    /// The alias (or another resource) already exists.
    public static func alreadyExists(_ message: String) -> KMSError { KMSError(type: "AlreadyExistsException", message: message) }
    /// The alias name is reserved or malformed for the operation.
    public static func invalidAliasName(_ message: String) -> KMSError { KMSError(type: "InvalidAliasNameException", message: message) }
    /// An ARN that does not parse or names the wrong kind of resource.
    public static func invalidArn(_ message: String) -> KMSError { KMSError(type: "InvalidArnException", message: message) }
    /// A key policy that does not parse or breaks the policy grammar or lockout check.
    public static func malformedPolicyDocument(_ message: String) -> KMSError {
        KMSError(type: "MalformedPolicyDocumentException", message: message)
    }
    /// A grant token that is not valid.
    public static func invalidGrantToken(_ message: String) -> KMSError { KMSError(type: "InvalidGrantTokenException", message: message) }
    /// A grant id that is not valid for the key.
    public static func invalidGrantId(_ message: String) -> KMSError { KMSError(type: "InvalidGrantIdException", message: message) }
    /// A paging marker the service did not issue.
    public static func invalidMarker(_ message: String = "Invalid marker") -> KMSError {
        KMSError(type: "InvalidMarkerException", message: message)
    }
    /// A quota would be exceeded.
    public static func limitExceeded(_ message: String) -> KMSError { KMSError(type: "LimitExceededException", message: message) }
    /// A tag key or value that is not allowed, or too many tags.
    public static func tag(_ message: String) -> KMSError { KMSError(type: "TagException", message: message) }
    /// A feature (key spec, key usage, origin, custom key store) this key service does not offer.
    public static func unsupportedOperation(_ message: String) -> KMSError {
        KMSError(type: "UnsupportedOperationException", message: message)
    }
    /// VerifyMac: the MAC does not verify.
    public static let invalidMac = KMSError(type: "KMSInvalidMacException", message: nil)
    /// A dependency (the store) did not answer in time; the caller may retry.
    public static func dependencyTimeout(_ message: String = "Service is temporarily unavailable.") -> KMSError {
        KMSError(type: "DependencyTimeoutException", message: message)
    }
    /// The DryRun succeeded: the call would have worked.
    public static let dryRunOperation = KMSError(
        type: "DryRunOperationException", message: "The request would have succeeded, but the DryRun option is set.")
    /// An unexpected server fault (HTTP 500); the text never carries internals.
    public static let internalFailure = KMSError(type: "KMSInternalException", status: 500, message: "An internal error occurred.")
}
