extension KeyService {
    /// KMS's quota of aliases per key ("Aliases per KMS key: 50").
    static let aliasesPerKey = 50

    /// CreateAlias: `alias/NAME` (1–256 of `A–Z a–z 0–9 / _ -`), not under `alias/aws/`.
    public func createAlias(_ name: String, target identifier: String) async throws {
        try Self.checkAliasName(name)
        let key = try resolve(identifier, aliases: false)
        try key.state.check(.management, arn: key.arn)
        // Changes to one alias run one at a time, so of concurrent creations exactly one succeeds;
        // and aliases of one key are added one at a time, so its quota holds.
        try await aliasChanges.run(name) {
            guard alias(named: name) == nil else {
                throw KeyServiceError(.alreadyExists, "An alias with the name \(aliasArn(name)) already exists")
            }
            try await keyChanges.run(key.keyId) {
                try requireAliasRoom(key)
                try await saveAlias(KeyAlias(name: name, targetKeyId: key.keyId, createdAt: now(), updatedAt: now()))
            }
        }
    }

    /// UpdateAlias: points an existing alias at another key of the same spec.
    public func updateAlias(_ name: String, target identifier: String) async throws {
        try Self.checkAliasName(name)
        let key = try resolve(identifier, aliases: false)
        try key.state.check(.management, arn: key.arn)
        try await aliasChanges.run(name) {
            guard var alias = alias(named: name) else { throw KeyServiceError.aliasNotFound(aliasArn(name)) }
            if let current = self.key(keyId: alias.targetKeyId), current.spec != key.spec {
                throw KeyServiceError(.validation, "\(key.arn) is not the same key spec as the alias's current key.")
            }
            try await keyChanges.run(key.keyId) {
                if alias.targetKeyId != key.keyId { try requireAliasRoom(key) }
                alias.targetKeyId = key.keyId
                alias.updatedAt = now()
                try await saveAlias(alias)
            }
        }
    }

    /// Refuses a new alias for `key` once it has as many as KMS allows (LimitExceededException).
    private func requireAliasRoom(_ key: ManagedKey) throws(KeyServiceError) {
        let count = keyring.withLock { ring in ring.aliases(of: key.keyId).count }
        guard count < Self.aliasesPerKey else {
            throw KeyServiceError(.limitExceeded, "\(key.arn) already has \(Self.aliasesPerKey) aliases, the most a KMS key may have.")
        }
    }

    /// DeleteAlias.
    public func deleteAlias(_ name: String) async throws {
        try Self.checkAliasName(name)
        try await aliasChanges.run(name) {
            guard alias(named: name) != nil else { throw KeyServiceError.aliasNotFound(aliasArn(name)) }
            try await store.deleteAlias(name)
            keyring.withLock { $0.removeAlias(named: name) }
            keyringChanged()
        }
    }

    /// ListAliases, optionally only those of one key, by name.
    public func listAliases(keyIdentifier: String?, limit: Int?, marker: String?) throws(KeyServiceError) -> ([KeyAlias], String?) {
        let target = try keyIdentifier.map { identifier throws(KeyServiceError) in try resolve(identifier, aliases: false).keyId }
        let all = keyring.withLock { ring in target.map { ring.aliases(of: $0) } ?? ring.aliases.values.sorted { $0.name < $1.name } }
        return try Self.page(all, limit: limit, defaultLimit: 50, marker: marker, scope: "aliases \(target ?? "")", position: \.name)
    }

    /// The aliases pointing at `keyId`.
    public func aliases(of keyId: String) -> [KeyAlias] {
        keyring.withLock { $0.aliases(of: keyId) }
    }

    /// Throws unless `name` is a valid alias name that callers may create or change.
    public static func checkAliasName(_ name: String) throws(KeyServiceError) {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/_-".unicodeScalars.contains(scalar))
        }
        guard name.hasPrefix("alias/"), (7...256).contains(name.utf8.count), allowed else {
            throw KeyServiceError(.validation, "Alias must start with the prefix \"alias/\" and hold only A-Z a-z 0-9 / _ -.")
        }
        guard !name.hasPrefix(KeyAlias.awsPrefix) else {
            throw KeyServiceError(.invalidAliasName, "Alias \(name) must not begin with alias/aws/, which is reserved for AWS managed keys.")
        }
    }
}
