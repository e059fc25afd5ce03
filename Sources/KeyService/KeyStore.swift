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
    /// Aliases by name.
    public var aliases: [String: KeyAlias]
    /// Grants by id.
    public var grants: [String: KeyGrant]

    /// A keyring holding the given records.
    public init(keys: [String: ManagedKey] = [:], aliases: [String: KeyAlias] = [:], grants: [String: KeyGrant] = [:]) {
        self.keys = keys
        self.aliases = aliases
        self.grants = grants
    }
}
