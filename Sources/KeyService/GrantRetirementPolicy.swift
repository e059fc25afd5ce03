/// What the caller's IAM policies say of RetireGrant (`kms:RetireGrant` on the grant's key).
public enum GrantRetirementPolicy: Sendable {
    /// Allowed, for a caller of the account that created the grant: KMS lets that account retire
    /// its grants through the principals it allows to.
    case allowsForAccount
    /// Explicitly denied: "To deny permission to retire a grant, you can use a Deny action with
    /// the kms:RetireGrant permission in your IAM policies" (AWS KMS Developer Guide), which
    /// binds the grant's retiring principal and grantee too.
    case denies
    /// Neither: only the grant itself lets the caller retire it.
    case silent
}
