import SealCrypto

extension KeyService {
    /// What Encrypt and GenerateDataKey answer.
    public struct Sealed: Sendable {
        /// The key that encrypted (its ARN is what KMS reports).
        public var key: ManagedKey
        /// The ciphertext blob.
        public var ciphertextBlob: [UInt8]
        /// The version of the key's material that encrypted.
        public var keyVersion: Int
    }

    /// What Decrypt answers.
    public struct Opened: Sendable {
        /// The key that decrypted.
        public var key: ManagedKey
        /// The plaintext (the caller's own data; never logged).
        public var plaintext: [UInt8]
        /// The version of the key's material that had encrypted it.
        public var keyVersion: Int
    }

    /// Encrypt: 1 to 4,096 bytes under the key's newest version, bound to `context`.
    public func encrypt(_ identifier: String, plaintext: [UInt8], context: [String: String]) throws(KeyServiceError) -> Sealed {
        try encrypt(under: try resolve(identifier), plaintext: plaintext, context: context)
    }

    /// Encrypt under `key` itself (the queue service's own key included).
    func encrypt(under key: ManagedKey, plaintext: some ContiguousBytes, context: [String: String]) throws(KeyServiceError) -> Sealed {
        try requireUsable(key, for: .symmetricDefault)
        guard (1...4096).contains(plaintext.withUnsafeBytes(\.count)) else {
            throw KeyServiceError(
                .validation,
                "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096")
        }
        let version = key.currentVersion.number
        let material = try self.material(key, version: version)
        let nonce = SecureRandom.bytes(CiphertextBlob.nonceLength)
        var blob = CiphertextBlob(keyId: key.keyId, keyVersion: version, nonce: nonce, sealed: [])
        let associated = blob.header + EncryptionContext.canonicalBytes(context)
        blob.sealed = AEAD.aes256GCM.seal(plaintext, key: material, nonce: nonce, associatedData: associated)
        return Sealed(key: key, ciphertextBlob: blob.bytes, keyVersion: version)
    }

    /// Decrypt: finds the key and version from the blob; with `identifier`, the blob must be
    /// that key's (IncorrectKeyException otherwise). A blob naming no key the caller may use is
    /// `ciphertextKeyUnavailable`; any other change to the blob or the context is
    /// InvalidCiphertextException, with no hint.
    public func decrypt(_ ciphertext: [UInt8], identifier: String?, context: [String: String]) throws(KeyServiceError) -> Opened {
        guard let blob = CiphertextBlob(parsing: ciphertext) else { throw .invalidCiphertext }
        if let identifier {
            let named = try resolve(identifier)
            guard named.keyId == blob.keyId else {
                throw KeyServiceError(.incorrectKey, "The key ID in the request does not identify a CMK that can perform this operation.")
            }
        }
        // The queue service's own key never answers callers.
        guard let key = key(keyId: blob.keyId), !key.isOwnedByQueueService else { throw .ciphertextKeyUnavailable }
        return try decrypt(blob, under: key, context: context)
    }

    /// Decrypt of a parsed blob under `key` (the queue service's own key included).
    func decrypt(_ blob: CiphertextBlob, under key: ManagedKey, context: [String: String]) throws(KeyServiceError) -> Opened {
        try requireUsable(key, for: .symmetricDefault)
        guard key.versions.contains(where: { $0.number == blob.keyVersion }) else { throw .invalidCiphertext }
        let material = try self.material(key, version: blob.keyVersion)
        let associated = blob.header + EncryptionContext.canonicalBytes(context)
        guard let plaintext = try? AEAD.aes256GCM.open(blob.sealed, key: material, nonce: blob.nonce, associatedData: associated) else {
            throw .invalidCiphertext
        }
        return Opened(key: key, plaintext: plaintext, keyVersion: blob.keyVersion)
    }

    /// The key a ciphertext blob names, if it parses: for authorizing a Decrypt without KeyId.
    public func keyIdOfCiphertext(_ ciphertext: [UInt8]) -> String? {
        CiphertextBlob(parsing: ciphertext)?.keyId
    }

    /// GenerateDataKey: `count` random bytes, returned in the clear and sealed under the key.
    public func generateDataKey(_ identifier: String, count: Int, context: [String: String]) throws(KeyServiceError) -> (Sealed, plaintext: [UInt8]) {
        let dataKey = SecureRandom.bytes(count)
        return (try encrypt(identifier, plaintext: dataKey, context: context), dataKey)
    }

    /// GenerateDataKey under `key` itself, the plaintext made in guarded memory and never copied out.
    func generateDataKey(under key: ManagedKey, count: Int, context: [String: String]) throws(KeyServiceError) -> (Sealed, SecretBytes) {
        let plaintext = SecretBytes(randomCount: count)
        return (try encrypt(under: key, plaintext: plaintext, context: context), plaintext)
    }

    /// GenerateRandom: random bytes.
    public func generateRandom(count: Int) -> [UInt8] {
        SecureRandom.bytes(count)
    }

    /// GenerateMac: HMAC-SHA-256 of `message` under an HMAC_256 key.
    public func generateMac(_ identifier: String, message: [UInt8], algorithm: String) throws(KeyServiceError) -> (ManagedKey, [UInt8]) {
        let key = try resolve(identifier)
        try requireUsable(key, for: .hmac256)
        guard algorithm == "HMAC_SHA_256" else {
            throw KeyServiceError(.invalidKeyUsage, "\(algorithm) is not supported by \(key.arn) (HMAC_256 supports HMAC_SHA_256).")
        }
        let material = try self.material(key, version: key.currentVersion.number)
        return (key, HMAC.sha256(key: material, message: message))
    }

    /// VerifyMac: constant-time comparison; a wrong MAC is KMSInvalidMacException.
    public func verifyMac(_ identifier: String, message: [UInt8], mac: [UInt8], algorithm: String) throws(KeyServiceError) -> ManagedKey {
        let (key, expected) = try generateMac(identifier, message: message, algorithm: algorithm)
        guard HMAC.constantTimeEquals(expected, mac) else { throw KeyServiceError(.invalidMac, "") }
        return key
    }

    /// The state and usage checks of a cryptographic call.
    private func requireUsable(_ key: ManagedKey, for spec: ManagedKey.Spec) throws(KeyServiceError) {
        try key.state.check(.cryptographic, arn: key.arn)
        guard key.spec == spec else {
            let operation = spec == .symmetricDefault ? "encryption" : "MAC"
            throw KeyServiceError(.invalidKeyUsage, "\(key.arn) key usage is \(key.spec.usage), which does not allow \(operation).")
        }
    }

    /// The clear material of `version`, unwrapped into guarded memory and kept there while it
    /// is among the versions used most recently (`KeyMaterialCache`).
    func material(_ key: ManagedKey, version: Int) throws(KeyServiceError) -> SecretBytes {
        if let cached = materials.material(keyId: key.keyId, version: version) { return cached }
        guard let wrapped = key.versions.first(where: { $0.number == version }) else { throw .invalidCiphertext }
        let roots = rootKeys.withLock { [$0.current, $0.previous].compactMap { $0 } }
        guard let material = roots.lazy.compactMap({ Self.unwrap(wrapped.wrappedMaterial, under: $0, keyId: key.keyId, version: version) }).first
        else {
            logger.error("key material does not open with the root key", metadata: ["key.id": "\(key.keyId)"])
            throw KeyServiceError(.invalidState, "\(key.arn) material cannot be unwrapped with this root key.")
        }
        materials.keep(material, keyId: key.keyId, version: version)
        return material
    }
}

extension KeyService {
    /// Seals a secret of SealQ's own (the audit log's signing key, a message space's key) under
    /// the queue service's key, bound to `context`: it stays readable across root-key rotations,
    /// and never through the KMS API.
    public func sealServiceSecret(_ secret: SecretBytes, context: [String: String]) throws(KeyServiceError) -> [UInt8] {
        let key = try queueServiceKey()
        var plaintext = secret.withUnsafeBytes { Array($0) }
        defer { plaintext.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        return try encrypt(under: key, plaintext: plaintext, context: context).ciphertextBlob
    }

    /// Opens what `sealServiceSecret` sealed with the same `context`.
    public func openServiceSecret(_ sealed: [UInt8], context: [String: String]) throws(KeyServiceError) -> SecretBytes {
        guard let blob = CiphertextBlob(parsing: sealed), let key = key(keyId: blob.keyId), key.isOwnedByQueueService else {
            throw .invalidCiphertext
        }
        return SecretBytes(copying: try decrypt(blob, under: key, context: context).plaintext)
    }
}
