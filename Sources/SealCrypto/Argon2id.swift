import CSodium

/// Argon2id (RFC 9106, version 1.3) as a key derivation from a passphrase, computed by libsodium's
/// `crypto_pwhash` (one lane).
public enum Argon2id {
    /// The salt length in bytes.
    public static let saltLength = crypto_pwhash_argon2id_saltbytes()
    /// The fewest bytes one derivation produces.
    public static let minimumOutputCount = crypto_pwhash_argon2id_bytes_min()

    /// What a derivation costs: passes over memory, and how much memory.
    public struct Cost: Sendable, Hashable {
        /// libsodium's INTERACTIVE limits: 2 passes over 64 MiB, for a login-speed derivation.
        public static let interactive = Cost(
            iterations: crypto_pwhash_argon2id_opslimit_interactive(),
            memoryBytes: crypto_pwhash_argon2id_memlimit_interactive())
        /// libsodium's MODERATE limits: 3 passes over 256 MiB, about a second on a current core.
        public static let moderate = Cost(
            iterations: crypto_pwhash_argon2id_opslimit_moderate(),
            memoryBytes: crypto_pwhash_argon2id_memlimit_moderate())
        /// libsodium's SENSITIVE limits: 4 passes over 1 GiB, several seconds.
        public static let sensitive = Cost(
            iterations: crypto_pwhash_argon2id_opslimit_sensitive(),
            memoryBytes: crypto_pwhash_argon2id_memlimit_sensitive())

        /// Passes over the memory (libsodium's `opslimit`, Argon2's t).
        public let iterations: Int
        /// Memory in bytes (libsodium's `memlimit`; Argon2's m is this in KiB, rounded down).
        public let memoryBytes: Int

        /// A cost of `iterations` passes over `memoryBytes` bytes. libsodium refuses fewer than
        /// 1 pass or 8 KiB; `deriveKey` then throws.
        public init(iterations: Int, memoryBytes: Int) {
            precondition(iterations >= 0 && memoryBytes >= 0, "Argon2id costs cannot be negative")
            self.iterations = iterations
            self.memoryBytes = memoryBytes
        }
    }

    /// The derivation did not run: the cost is outside libsodium's limits or the memory could not
    /// be allocated.
    public struct DerivationFailure: Error, Sendable, Equatable {}

    /// `count` bytes derived from `passphrase` and `salt` at `cost`, in guarded memory.
    ///
    /// - Precondition: `salt` is `saltLength` bytes and `count` is at least `minimumOutputCount`.
    public static func deriveKey(
        count: Int, passphrase: some ContiguousBytes, salt: some ContiguousBytes, cost: Cost
    ) throws(DerivationFailure) -> SecretBytes {
        precondition(count >= minimumOutputCount, "Argon2id produces at least \(minimumOutputCount) bytes")
        var status: Int32 = -1
        let key = passphrase.withUnsafeBytes { passphrase in
            salt.withUnsafeBytes { salt in
                precondition(salt.count == saltLength, "Argon2id salts are \(saltLength) bytes")
                // libsodium wants a pointer even to an empty passphrase; a static empty string serves.
                let passphraseStart = passphrase.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                return SecretBytes(count: count) { output in
                    status = crypto_pwhash(
                        output.bytePointer!, UInt64(count),
                        passphraseStart.assumingMemoryBound(to: CChar.self), UInt64(passphrase.count),
                        salt.bytePointer!, UInt64(cost.iterations), cost.memoryBytes, crypto_pwhash_alg_argon2id13())
                }
            }
        }
        guard status == 0 else { throw DerivationFailure() }
        return key
    }
}
