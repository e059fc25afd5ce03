/// The answer of STS `GetCallerIdentity`.
public struct CallerIdentity: Sendable, Equatable {
    /// The unique id of the caller (`AIDA…` for a user).
    public var userId: String
    /// The caller's account.
    public var account: String
    /// The caller's ARN.
    public var arn: String

    /// Creates a caller identity.
    public init(userId: String, account: String, arn: String) {
        self.userId = userId
        self.account = account
        self.arn = arn
    }
}
