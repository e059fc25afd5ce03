/// Where the key service keeps keys, aliases and grants: a port the Storage module implements.
///
/// Key material arrives here only wrapped by the root key.
public protocol KeyStore: Sendable {
    /// Every key, alias and grant, at start.
    func loadKeyring() async throws -> Keyring
    /// Creates or replaces a key's record (metadata, policy, tags, wrapped versions), unless the
    /// stored record has a higher revision.
    func saveKey(_ key: ManagedKey) async throws
    /// Removes a key and every trace of its material (older copies included), its aliases and
    /// its grants.
    func destroyKey(_ keyId: String) async throws
    /// Erases the older copies of records the store may still keep (a write-ahead log), once
    /// records holding material wrapped under a retired root key have all been replaced.
    func eraseReplacedCopies()
    /// Creates or replaces an alias.
    func saveAlias(_ alias: KeyAlias) async throws
    /// Removes an alias.
    func deleteAlias(_ name: String) async throws
    /// Creates a grant.
    func saveGrant(_ grant: KeyGrant) async throws
    /// Removes a grant.
    func deleteGrant(_ grantId: String) async throws
}

/// Everything the key service keeps.
public struct Keyring: Sendable {
    /// Keys by id.
    public var keys: [String: ManagedKey]
    /// Aliases by name (changed through `setAlias`, `removeAlias` and `removeAliases(of:)`).
    public private(set) var aliases: [String: KeyAlias] = [:]
    /// Alias names by the key they point at, so a key's aliases cost their own number to find.
    private var aliasNamesByKey: [String: Set<String>] = [:]
    /// Grants by id.
    public var grants: [String: KeyGrant]

    /// A keyring holding the given records.
    public init(keys: [String: ManagedKey] = [:], aliases: [String: KeyAlias] = [:], grants: [String: KeyGrant] = [:]) {
        self.keys = keys
        self.grants = grants
        for alias in aliases.values { setAlias(alias) }
    }

    /// Adds `alias`, or points the alias of its name at its target.
    public mutating func setAlias(_ alias: KeyAlias) {
        removeAlias(named: alias.name)
        aliases[alias.name] = alias
        aliasNamesByKey[alias.targetKeyId, default: []].insert(alias.name)
    }

    /// Removes the alias `name`, if there is one.
    public mutating func removeAlias(named name: String) {
        guard let alias = aliases.removeValue(forKey: name) else { return }
        aliasNamesByKey[alias.targetKeyId]?.remove(name)
        if aliasNamesByKey[alias.targetKeyId]?.isEmpty == true { aliasNamesByKey[alias.targetKeyId] = nil }
    }

    /// Removes every alias pointing at `keyId`.
    public mutating func removeAliases(of keyId: String) {
        for name in aliasNamesByKey.removeValue(forKey: keyId) ?? [] { aliases[name] = nil }
    }

    /// The aliases pointing at `keyId`, by name.
    public func aliases(of keyId: String) -> [KeyAlias] {
        (aliasNamesByKey[keyId] ?? []).sorted().compactMap { aliases[$0] }
    }
}
