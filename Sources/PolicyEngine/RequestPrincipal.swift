/// The caller, as `Principal`/`NotPrincipal` matching sees it.
public struct RequestPrincipal: Sendable, Hashable {
    /// Which `Principal` map key can name this caller.
    public enum Kind: String, Sendable, Hashable {
        /// An IAM user, role, assumed-role session, federated user or account root (`"AWS"`).
        case aws
        /// An AWS service such as `sqs.amazonaws.com` (`"Service"`).
        case service
        /// A web-identity or SAML federated caller (`"Federated"`).
        case federated
        /// An S3 canonical user id (`"CanonicalUser"`).
        case canonicalUser
    }

    /// The caller's ARN (`arn:aws:iam::000000000000:user/producer`,
    /// `arn:aws:sts::000000000000:assumed-role/r/s`), or its name for the other kinds
    /// (`sqs.amazonaws.com`, a provider, a canonical id).
    public var arn: String
    /// The caller's 12-digit account.
    public var accountId: String
    /// How policies name the caller.
    public var kind: Kind
    /// For an assumed-role session, its role's IAM ARN with the role's path
    /// (`arn:aws:iam::000000000000:role/ops/reader`), when known: a `Principal` naming the role
    /// by another path names another role.
    public var roleArn: String?

    /// A caller from its ARN (or name), account and kind, and for a session its role's ARN.
    public init(arn: String, accountId: String, kind: Kind = .aws, roleArn: String? = nil) {
        self.arn = arn
        self.accountId = accountId
        self.kind = kind
        self.roleArn = roleArn
    }
}
