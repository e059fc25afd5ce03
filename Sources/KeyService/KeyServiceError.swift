/// A key-service failure, named after the AWS KMS exception the wire answers with.
public struct KeyServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The AWS KMS error each failure maps to.
    public enum Code: String, Sendable {
        case notFound = "NotFoundException"
        case disabled = "DisabledException"
        case invalidState = "KMSInvalidStateException"
        case invalidCiphertext = "InvalidCiphertextException"
        case incorrectKey = "IncorrectKeyException"
        case invalidKeyUsage = "InvalidKeyUsageException"
        case alreadyExists = "AlreadyExistsException"
        case invalidAliasName = "InvalidAliasNameException"
        case invalidArn = "InvalidArnException"
        case malformedPolicyDocument = "MalformedPolicyDocumentException"
        case invalidGrantToken = "InvalidGrantTokenException"
        case invalidGrantId = "InvalidGrantIdException"
        case invalidMarker = "InvalidMarkerException"
        case limitExceeded = "LimitExceededException"
        case tag = "TagException"
        case unsupportedOperation = "UnsupportedOperationException"
        case invalidMac = "KMSInvalidMacException"
        case validation = "ValidationException"
        case accessDenied = "AccessDeniedException"
    }

    /// Which exception.
    public var code: Code
    /// The message, never holding key material or plaintext.
    public var message: String

    /// A failure with `code` and `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `Code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    static func notFound(_ keyId: String) -> KeyServiceError {
        KeyServiceError(.notFound, "Key '\(keyId)' does not exist")
    }

    static func aliasNotFound(_ aliasArn: String) -> KeyServiceError {
        KeyServiceError(.notFound, "Alias \(aliasArn) is not found.")
    }

    static func disabled(_ arn: String) -> KeyServiceError {
        KeyServiceError(.disabled, "\(arn) is disabled.")
    }

    static func pendingDeletion(_ arn: String) -> KeyServiceError {
        KeyServiceError(.invalidState, "\(arn) is pending deletion.")
    }

    static let invalidCiphertext = KeyServiceError(.invalidCiphertext, "")

    /// A ciphertext naming a key that does not exist (deleted, or never made here) or that the
    /// caller may not know of: KMS's AccessDeniedException, worded so that it confirms nothing.
    public static let ciphertextKeyUnavailable = KeyServiceError(
        .accessDenied,
        "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.")
}
