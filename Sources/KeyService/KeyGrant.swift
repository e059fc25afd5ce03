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

    /// A grant as given.
    public init(
        grantId: String, grantToken: String, keyId: String, name: String?, granteePrincipal: String, retiringPrincipal: String?,
        issuingAccount: String, operations: [String], contextSubset: [String: String]?, contextEquals: [String: String]?,
        createdAt: Int64
    ) {
        self.grantId = grantId
        self.grantToken = grantToken
        self.keyId = keyId
        self.name = name
        self.granteePrincipal = granteePrincipal
        self.retiringPrincipal = retiringPrincipal
        self.issuingAccount = issuingAccount
        self.operations = operations
        self.contextSubset = contextSubset
        self.contextEquals = contextEquals
        self.createdAt = createdAt
    }

    /// The operations a grant's encryption-context constraint applies to: those that take an
    /// encryption context (not DescribeKey or RetireGrant; CreateGrant has its own rule).
    static let constrainedOperations: Set<String> = [
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    ]

    /// Whether the grant lets `principalArn` do `operation` under `context`. Not for CreateGrant,
    /// which `allowsCreating` decides.
    public func allows(_ operation: String, by principalArn: String, context: [String: String]) -> Bool {
        guard granteePrincipal == principalArn, operations.contains(operation), operation != "CreateGrant" else { return false }
        guard Self.constrainedOperations.contains(operation) else { return true }
        guard contextEquals != nil || contextSubset != nil else { return true }
        // In a grant constraint keys match whatever their case; values match exactly. A context
        // whose keys differ only in case cannot be matched so, and the constraint refuses it.
        guard let requested = Self.foldingKeys(context) else { return false }
        if let contextEquals, Self.foldingKeys(contextEquals) != requested { return false }
        if let contextSubset, !contextSubset.allSatisfy({ requested[$0.key.lowercased()] == $0.value }) { return false }
        return true
    }

    /// `context` with its keys lower-cased, as grant constraints compare them; nil when two of
    /// its keys differ only in case.
    static func foldingKeys(_ context: [String: String]) -> [String: String]? {
        var folded: [String: String] = [:]
        for (key, value) in context {
            guard folded.updateValue(value, forKey: key.lowercased()) == nil else { return nil }
        }
        return folded
    }

    /// Whether the grant lets `principalArn` create a grant of `childOperations` with the given
    /// constraint. As KMS limits a grantee's CreateGrant: the child's operations must be among
    /// this grant's, and its constraint equally strict or stricter (an equal
    /// EncryptionContextEquals; a subset, or an exact context, holding every pair of this
    /// grant's EncryptionContextSubset).
    public func allowsCreating(
        operations childOperations: [String], contextSubset childSubset: [String: String]?,
        contextEquals childEquals: [String: String]?, by principalArn: String
    ) -> Bool {
        guard granteePrincipal == principalArn, operations.contains("CreateGrant"),
            Set(childOperations).isSubset(of: Set(operations))
        else { return false }
        if let contextEquals {
            guard let childEquals, let folded = Self.foldingKeys(childEquals) else { return false }
            return folded == Self.foldingKeys(contextEquals)
        }
        if let contextSubset {
            guard let childPairs = (childEquals ?? childSubset).flatMap(Self.foldingKeys) else { return false }
            return contextSubset.allSatisfy { childPairs[$0.key.lowercased()] == $0.value }
        }
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
