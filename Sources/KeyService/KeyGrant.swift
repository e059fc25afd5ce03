import SealCrypto

/// A grant: permission for a grantee principal to use a key for some operations, possibly
/// only under an encryption context.
public struct KeyGrant: Sendable, Codable, Equatable {
    /// 64 hex characters.
    public var grantId: String
    /// The grant's token secret, 96 lowercase hex characters (stored as `grantToken`): each
    /// CreateGrant answer carries a token of its own derived from it (see `issueToken`), and
    /// grants made before that were answered with the secret itself, which stays a valid token.
    public var tokenSecret: String
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
        grantId: String, tokenSecret: String, keyId: String, name: String?, granteePrincipal: String, retiringPrincipal: String?,
        issuingAccount: String, operations: [String], contextSubset: [String: String]?, contextEquals: [String: String]?,
        createdAt: Int64
    ) {
        self.grantId = grantId
        self.tokenSecret = tokenSecret
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
    private enum CodingKeys: String, CodingKey {
        case grantId, tokenSecret = "grantToken", keyId, name, granteePrincipal, retiringPrincipal, issuingAccount, operations
        case contextSubset, contextEquals, createdAt
    }

    private static let tokenLabel = Array("sealq grant token v1".utf8)

    /// A new grant token for this grant, different on every call (KMS: "the returned grant token
    /// is unique with every CreateGrant request"), all of them usable alike: the grant id, a
    /// random nonce and an HMAC-SHA-256 of both under the grant's token secret, 160 hex characters.
    public func issueToken() -> String {
        let nonce = SecureRandom.bytes(16)
        return grantId + Hex.encode(nonce) + Hex.encode(tokenTag(nonce: nonce))
    }

    /// Whether `token` is one this grant issued: a token from `issueToken`, or the secret itself
    /// (what CreateGrant answered before tokens were derived). Compared in constant time.
    func issued(_ token: String) -> Bool {
        if token.utf8.count == 96 { return HMAC.constantTimeEquals(Array(tokenSecret.utf8), Array(token.utf8)) }
        guard Self.grantId(ofToken: token) == grantId, let nonce = Hex.decode(String(token.dropFirst(64).prefix(32))),
            let tag = Hex.decode(String(token.suffix(64)))
        else { return false }
        return HMAC.constantTimeEquals(tokenTag(nonce: nonce), tag)
    }

    /// The grant id a token from `issueToken` names: nil for any other text, a token in capitals included.
    static func grantId(ofToken token: String) -> String? {
        guard token.utf8.count == 160, token.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return String(token.prefix(64))
    }

    /// How `grantsBySecretDigest` files a token secret.
    static func digest(ofSecret secret: String) -> String {
        Hex.encode(Digest.sha256(Array(secret.utf8)))
    }

    private func tokenTag(nonce: [UInt8]) -> [UInt8] {
        HMACSHA256Key(key: Array(tokenSecret.utf8)).authenticationCode(Self.tokenLabel + Array(grantId.utf8) + nonce)
    }
}
