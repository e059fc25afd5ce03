/// A grant: permission for a grantee principal to use a key for some operations, possibly
/// only under an encryption context.
public struct KeyGrant: Sendable, Codable, Equatable {
    /// 64 hex characters.
    public var grantId: String
    /// The token callers may pass before the grant is visible (here it is visible at once):
    /// 96 lowercase hex characters.
    public var grantToken: String
    /// The key granted.
    public var keyId: String
    /// Optional name; a CreateGrant repeating name and parameters returns the same grant.
    public var name: String?
    /// Who may use the grant.
    public var granteePrincipal: String
    /// Who may retire it (besides the grantee when RetireGrant is granted, and the account).
    public var retiringPrincipal: String?
    /// The account that created it.
    public var issuingAccount: String
    /// Granted operations (`Encrypt`, `Decrypt`, …).
    public var operations: [String]
    /// The context must contain these pairs.
    public var contextSubset: [String: String]?
    /// The context must be exactly this.
    public var contextEquals: [String: String]?
    /// Creation time, seconds since the epoch.
    public var createdAt: Int64

    /// Whether the grant lets `principalArn` do `operation` under `context`.
    public func allows(_ operation: String, by principalArn: String, context: [String: String]) -> Bool {
        guard granteePrincipal == principalArn, operations.contains(operation) else { return false }
        if let contextEquals, contextEquals != context { return false }
        if let contextSubset, !contextSubset.allSatisfy({ context[$0.key] == $0.value }) { return false }
        return true
    }
}

extension KeyGrant {
    /// Whether `token` has the form of the tokens CreateGrant issues here; anything else is an
    /// InvalidGrantTokenException wherever GrantTokens are accepted.
    public static func isWellFormedToken(_ token: String) -> Bool {
        token.utf8.count == 96 && token.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
