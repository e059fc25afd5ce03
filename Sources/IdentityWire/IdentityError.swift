/// An IAM or STS error as it goes on the wire: the Query `Code`, the HTTP status, who is at fault, and the message.
public struct IdentityError: Error, Sendable, Equatable {
    /// The Query error code (`InvalidInput`, `SignatureDoesNotMatch`).
    public var code: String
    /// The HTTP status.
    public var status: Int
    /// True when the caller is at fault (`Sender`), false for server faults (`Receiver`).
    public var senderFault: Bool
    /// The message shown to the caller.
    public var message: String

    /// Creates an error.
    public init(code: String, status: Int, senderFault: Bool = true, message: String) {
        self.code = code
        self.status = status
        self.senderFault = senderFault
        self.message = message
    }

    /// A request value that breaks the IAM model (length, enum, range, pattern, required); one entry per violation,
    /// in the `1 validation error detected: …` form AWS's request validation uses.
    public static func validation(_ violations: [String]) -> IdentityError {
        let count = violations.count == 1 ? "1 validation error" : "\(violations.count) validation errors"
        return IdentityError(
            code: "ValidationError", status: 400, message: "\(count) detected: " + violations.joined(separator: "; "))
    }

    /// IAM's `InvalidInputException`: a value the operation cannot use.
    public static func invalidInput(_ message: String) -> IdentityError {
        IdentityError(code: "InvalidInput", status: 400, message: message)
    }

    /// IAM's `NoSuchEntityException`: `PolicySourceArn` (or another named entity) does not exist.
    public static func noSuchEntity(_ message: String) -> IdentityError {
        IdentityError(code: "NoSuchEntity", status: 404, message: message)
    }

    /// IAM's `LimitExceededException`: a quota (access keys per user) would be exceeded.
    public static func limitExceeded(_ message: String) -> IdentityError {
        IdentityError(code: "LimitExceeded", status: 409, message: message)
    }

    /// IAM's `UnmodifiableEntityException`: the entity cannot be changed through the API.
    public static func unmodifiableEntity(_ message: String) -> IdentityError {
        IdentityError(code: "UnmodifiableEntity", status: 400, message: message)
    }

    /// An access key operation without `UserName`, signed by a caller that is not an IAM user
    /// (a role's session), as IAM refuses it.
    public static let userNameRequired = IdentityError(
        code: "ValidationError", status: 400, message: "Must specify userName when calling with non-User credentials")

    /// IAM's `CredentialReportNotPresentException`: no report was generated (or the daemon restarted since).
    public static let reportNotPresent = IdentityError(
        code: "ReportNotPresent", status: 410,
        message: "No credential report exists. Call GenerateCredentialReport to generate one.")

    /// IAM's `CredentialReportExpiredException`: the newest report is more than four hours old.
    public static let reportExpired = IdentityError(
        code: "ReportExpired", status: 410,
        message: "The credential report is more than four hours old. Call GenerateCredentialReport to generate a new one.")

    /// IAM's `MalformedPolicyDocumentException`: a policy document that does not parse or breaks the grammar.
    public static func malformedPolicyDocument(_ message: String) -> IdentityError {
        IdentityError(code: "MalformedPolicyDocument", status: 400, message: message)
    }

    /// An `Action` the service does not have, in the wording AWS's Query front end uses.
    public static func invalidAction(_ action: String, service: IdentityService) -> IdentityError {
        IdentityError(
            code: "InvalidAction", status: 400, message: "Could not find operation \(action) for version \(service.apiVersion)")
    }

    /// A Query request without `Action`.
    public static let missingAction = IdentityError(
        code: "MissingAction", status: 400, message: "The request must contain the parameter Action.")

    /// A form body or query string that does not parse (404, as AWS's common errors list it).
    public static let malformedQueryString = IdentityError(
        code: "MalformedQueryString", status: 404, message: "The query string contains a syntax error.")

    /// The caller may not perform `action` (`iam:SimulateCustomPolicy`), optionally on `resource`.
    public static func accessDenied(principalArn: String, action: String, resource: String? = nil) -> IdentityError {
        let target = resource.map { " on resource: \($0)" } ?? ""
        return IdentityError(
            code: "AccessDenied", status: 403, message: "User: \(principalArn) is not authorized to perform: \(action)\(target)")
    }

    /// The request carried no credentials at all.
    public static let missingAuthenticationToken = IdentityError(
        code: "MissingAuthenticationToken", status: 403, message: "Request is missing Authentication Token")

    /// The access key id is unknown.
    public static let invalidClientTokenId = IdentityError(
        code: "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid.")

    /// The signature, or its scope, does not match; `reason` is the verifier's explanation.
    public static func signatureDoesNotMatch(_ reason: String) -> IdentityError {
        IdentityError(code: "SignatureDoesNotMatch", status: 403, message: reason)
    }

    /// The Authorization header or presigned query is malformed.
    public static func incompleteSignature(_ reason: String) -> IdentityError {
        IdentityError(code: "IncompleteSignature", status: 400, message: reason)
    }

    /// The request is too old or too far in the future.
    public static func requestExpired(_ reason: String) -> IdentityError {
        IdentityError(code: "RequestExpired", status: 403, message: reason)
    }

    /// An unexpected server fault; the text never carries internals.
    public static let internalFailure = IdentityError(
        code: "InternalFailure", status: 500, senderFault: false, message: "We encountered an internal error. Please try again.")

    /// The line awscli prints for this error (`An error occurred (Code) when calling the Op operation: message`),
    /// for the CLI to show exactly what `aws iam …` would.
    public func awscliMessage(operation actionName: String) -> String {
        "An error occurred (\(code)) when calling the \(actionName) operation: \(message)"
    }
}
