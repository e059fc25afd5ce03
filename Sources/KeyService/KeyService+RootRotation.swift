import SealCrypto

extension KeyService {
    /// Re-wraps every version of every key under `newRoot` and makes it the root key, while
    /// the service keeps serving: material already in memory is untouched, and until every
    /// record is re-wrapped the old root key still unwraps what has not been. Returns how many
    /// versions were re-wrapped.
    public func rotateRoot(to newRoot: SecretBytes) async throws -> Int {
        let oldRoot = rootKeys.withLock { roots -> SecretBytes in
            let old = roots.current
            roots = (newRoot, old)
            return old
        }
        var rewrapped = 0
        for keyId in keyring.withLock({ Array($0.keys.keys) }) {
            var count = 0
            try await update(keyId) { key throws(KeyServiceError) in
                for index in key.versions.indices {
                    let version = key.versions[index]
                    if Self.unwrap(version.wrappedMaterial, under: newRoot, keyId: key.keyId, version: version.number) != nil { continue }
                    guard let material = Self.unwrap(version.wrappedMaterial, under: oldRoot, keyId: key.keyId, version: version.number) else {
                        throw KeyServiceError(.invalidState, "\(key.arn) version \(version.number) opens under neither root key")
                    }
                    key.versions[index].wrappedMaterial = Self.wrap(material, under: newRoot, keyId: key.keyId, version: version.number)
                    count += 1
                }
            }
            rewrapped += count
        }
        rootKeys.withLock { $0.previous = nil }
        // The records wrapped under the old root key are replaced; their older copies go too.
        store.eraseReplacedCopies()
        logger.notice("root key rotated", metadata: ["versions.rewrapped": "\(rewrapped)"])
        return rewrapped
    }
}

extension KeyService {
    /// Runs `body` with the current root key (for sealing and opening the daemon's own root-key
    /// files, such as a rotation request sealed under it).
    public func withCurrentRootKey<Result>(_ body: (SecretBytes) throws -> Result) rethrows -> Result {
        try body(rootKeys.withLock { $0.current })
    }
}
