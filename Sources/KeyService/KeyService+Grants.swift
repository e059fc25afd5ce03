import SealCrypto

extension KeyService {
    /// The operations a grant may give.
    public static let grantableOperations: Set<String> = [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
        "CreateGrant", "RetireGrant", "DescribeKey", "GenerateMac", "VerifyMac",
    ]

    /// The operations a grant on a key of `spec` may give: those the key can perform (KMS
    /// refuses a grant for others with a ValidationException).
    static func grantableOperations(for spec: ManagedKey.Spec) -> Set<String> {
        let everyKey: Set<String> = ["CreateGrant", "RetireGrant", "DescribeKey"]
        guard spec == .symmetricDefault else { return everyKey.union(["GenerateMac", "VerifyMac"]) }
        return everyKey.union(["Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo"])
    }

    /// CreateGrant; repeating a named grant with the same parameters returns the first one.
    /// `answering` learns the grant before it is stored (so the call's audit record, written in
    /// the same transaction, can name it).
    public func createGrant(
        _ identifier: String, grantee: String, retiring: String?, operations: [String], name: String?,
        contextSubset: [String: String]?, contextEquals: [String: String]?, issuingAccount: String,
        answering: (KeyGrant) -> Void = { _ in }
    ) async throws -> KeyGrant {
        let key = try checkGrantable(identifier, operations: operations, contextSubset: contextSubset, contextEquals: contextEquals)
        let grant = KeyGrant(
            grantId: Hex.encode(SecureRandom.bytes(32)), tokenSecret: Hex.encode(SecureRandom.bytes(48)), keyId: key.keyId,
            name: name, granteePrincipal: grantee, retiringPrincipal: retiring, issuingAccount: issuingAccount,
            operations: operations.sorted(), contextSubset: contextSubset, contextEquals: contextEquals, createdAt: now())
        // Under the key's lock: retries of one named grant made at once find each other's grant
        // ("if the grant already exists, the original GrantId is returned").
        return try await keyChanges.run(key.keyId) {
            if let name, let existing = grants(of: key.keyId).first(where: { $0.name == name }) {
                var comparable = grant
                comparable.grantId = existing.grantId
                comparable.tokenSecret = existing.tokenSecret
                comparable.createdAt = existing.createdAt
                if comparable == existing {
                    answering(existing)
                    return existing
                }
            }
            guard grants(of: key.keyId).count < 50_000 else {
                throw KeyServiceError(.limitExceeded, "\(key.arn) has reached its grant limit.")
            }
            answering(grant)
            try await store.saveGrant(grant)
            keyring.withLock { $0.grants[grant.grantId] = grant }
            keyringChanged()
            return grant
        }
    }

    /// The live grant that issued `token` (a token is a credential: compared in constant time);
    /// nil for a token this service never issued, or one of a grant since retired or revoked.
    public func grant(issuing token: String) -> KeyGrant? {
        guard let grantId = KeyGrant.grantId(ofToken: token)
            ?? grantsBySecretDigest.withLock({ $0[KeyGrant.digest(ofSecret: token)] })
        else { return nil }
        return keyring.withLock { $0.grants[grantId] }.flatMap { $0.issued(token) ? $0 : nil }
    }

    /// The grants of `keyId`, oldest first.
    public func grants(of keyId: String) -> [KeyGrant] {
        keyring.withLock { Array($0.grants.values) }.filter { $0.keyId == keyId }
            .sorted { ($0.createdAt, $0.grantId) < ($1.createdAt, $1.grantId) }
    }

    /// ListGrants of a key, optionally one grant or one grantee.
    public func listGrants(
        _ identifier: String, grantId: String?, grantee: String?, limit: Int?, marker: String?
    ) throws(KeyServiceError) -> ([KeyGrant], String?) {
        let key = try resolve(identifier, aliases: false)
        let all = grants(of: key.keyId).filter { (grantId == nil || $0.grantId == grantId) && (grantee == nil || $0.granteePrincipal == grantee) }
        return try Self.page(
            all, limit: limit, defaultLimit: 50, marker: marker, scope: "grants \(key.keyId) \(grantId ?? "") \(grantee ?? "")",
            position: \.listPosition)
    }

    /// ListRetirableGrants of a retiring principal.
    public func listRetirableGrants(_ retiringPrincipal: String, limit: Int?, marker: String?) throws(KeyServiceError) -> ([KeyGrant], String?) {
        let all = keyring.withLock { Array($0.grants.values) }.filter { $0.retiringPrincipal == retiringPrincipal }
            .sorted { ($0.createdAt, $0.grantId) < ($1.createdAt, $1.grantId) }
        return try Self.page(all, limit: limit, defaultLimit: 50, marker: marker, scope: "retirable \(retiringPrincipal)", position: \.listPosition)
    }

    /// RevokeGrant (the key's administrators).
    public func revokeGrant(_ identifier: String, grantId: String) async throws {
        try await removeGrant(try revocableGrant(identifier, grantId: grantId))
    }

    /// What CreateGrant checks before it creates anything: the key, its state, the operations
    /// and the constraint (also what a DryRun checks).
    @discardableResult
    public func checkGrantable(
        _ identifier: String, operations: [String], contextSubset: [String: String]?, contextEquals: [String: String]?
    ) throws(KeyServiceError) -> ManagedKey {
        let key = try resolve(identifier, aliases: false)
        // A grant is for using the key, which a disabled key cannot be (KMS's key-state table).
        try key.state.check(.cryptographic, arn: key.arn)
        guard !operations.isEmpty, operations.allSatisfy(Self.grantableOperations.contains) else {
            throw KeyServiceError(.validation, "Operations must be one or more of \(Self.grantableOperations.sorted().joined(separator: ", ")).")
        }
        // KMS answers a grant of nothing but CreateGrant with "Grants must not contain only the
        // CreateGrant operation."
        guard operations.contains(where: { $0 != "CreateGrant" }) else {
            throw KeyServiceError(.validation, "Grants must not contain only the CreateGrant operation.")
        }
        let usable = Self.grantableOperations(for: key.spec)
        if let unusable = operations.first(where: { !usable.contains($0) }) {
            throw KeyServiceError(
                .validation, "\(unusable) is not a valid operation for \(key.arn), a \(key.spec.rawValue) key: use \(usable.sorted().joined(separator: ", ")).")
        }
        guard contextSubset == nil || contextEquals == nil else {
            throw KeyServiceError(.validation, "A grant constraint can have EncryptionContextSubset or EncryptionContextEquals, not both.")
        }
        if let constraint = contextSubset ?? contextEquals {
            // CreateGrant: "You cannot use an encryption context grant constraint for cryptographic
            // operations with asymmetric KMS keys or HMAC KMS keys."
            guard key.spec == .symmetricDefault else {
                throw KeyServiceError(
                    .validation, "Encryption context grant constraints are for symmetric encryption keys; \(key.arn) is a \(key.spec.rawValue) key.")
            }
            // "Each constraint value can include up to 8 encryption context pairs. The encryption
            // context value in each constraint cannot exceed 384 characters."
            guard constraint.count <= 8, constraint.values.allSatisfy({ $0.count <= 384 }) else {
                throw KeyServiceError(.validation, "A grant constraint holds at most 8 encryption context pairs, each value at most 384 characters.")
            }
            // Constraint keys match in any case, so two that differ only in case could never both match.
            guard KeyGrant.foldingKeys(constraint) != nil else {
                throw KeyServiceError(.validation, "A grant constraint's encryption context keys must differ by more than case.")
            }
        }
        return key
    }

    /// The grant RevokeGrant would remove (also what a DryRun checks).
    @discardableResult
    public func revocableGrant(_ identifier: String, grantId: String) throws(KeyServiceError) -> KeyGrant {
        let key = try resolve(identifier, aliases: false)
        guard let grant = grants(of: key.keyId).first(where: { $0.grantId == grantId }) else {
            throw KeyServiceError(.notFound, "Grant ID \(grantId) not found")
        }
        return grant
    }

    /// RetireGrant by token, or by key and grant id; `callerArn` must be the retiring principal,
    /// the grantee of a grant that allows RetireGrant, or the issuing account's root, unless
    /// `policy` says the caller acts for the account that created the grant (KMS's backup: that
    /// account may retire its grants, through principals it lets do so); nobody whose IAM
    /// policies deny it.
    public func retireGrant(
        token: String?, identifier: String?, grantId: String?, callerArn: String,
        policy: (KeyGrant) -> GrantRetirementPolicy = { _ in .silent }
    ) async throws {
        try await removeGrant(
            try retirableGrant(token: token, identifier: identifier, grantId: grantId, callerArn: callerArn, policy: policy))
    }

    /// The grant RetireGrant would remove for `callerArn` (also what a DryRun checks).
    @discardableResult
    public func retirableGrant(
        token: String?, identifier: String?, grantId: String?, callerArn: String,
        policy: (KeyGrant) -> GrantRetirementPolicy = { _ in .silent }
    ) throws(KeyServiceError) -> KeyGrant {
        let grant: KeyGrant
        if let token {
            guard let found = self.grant(issuing: token) else { throw KeyServiceError(.invalidGrantToken, "Grant token is invalid") }
            grant = found
        } else if let identifier, let grantId {
            let key = try resolve(identifier, aliases: false)
            guard let found = grants(of: key.keyId).first(where: { $0.grantId == grantId }) else {
                throw KeyServiceError(.invalidGrantId, "Grant ID \(grantId) is invalid")
            }
            grant = found
        } else {
            throw KeyServiceError(.validation, "Specify a GrantToken, or both KeyId and GrantId.")
        }
        let said = policy(grant)
        let mayRetire = grant.retiringPrincipal == callerArn
            || (grant.granteePrincipal == callerArn && grant.operations.contains("RetireGrant"))
            || callerArn == "arn:aws:iam::\(grant.issuingAccount):root"
            || said == .allowsForAccount
        guard mayRetire, said != .denies else {
            throw KeyServiceError(.accessDenied, "\(callerArn) is not authorized to retire grant \(grant.grantId).")
        }
        return grant
    }

    /// Removes `grant`, then moves its key to a new revision, so data keys cached under what
    /// the grant allowed are dropped at once (as a new key policy drops them).
    private func removeGrant(_ grant: KeyGrant) async throws {
        try await store.deleteGrant(grant.grantId)
        _ = keyring.withLock { $0.grants.removeValue(forKey: grant.grantId) }
        keyringChanged()
        _ = try await update(grant.keyId) { _ in }
    }
}

extension KeyGrant {
    /// Where the grant sorts in a listing (by creation time, then id), as text that sorts the same.
    fileprivate var listPosition: String {
        let time = String(createdAt)
        return String(repeating: "0", count: max(0, 20 - time.count)) + time + " " + grantId
    }
}
