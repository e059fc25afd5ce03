import CSodium

/// Ed25519 signatures (RFC 8032), computed by libsodium.
public enum Ed25519 {
    /// The length in bytes of the secret seed a key pair derives from.
    public static let seedLength = 32
    /// The length in bytes of a public key.
    public static let publicKeyLength = 32
    /// The length in bytes of a signature.
    public static let signatureLength = 64

    /// The secret half of a key pair, in guarded memory, with its public key.
    public struct SigningKey: Sendable, CustomStringConvertible {
        // libsodium's expanded secret key: the seed followed by the public key.
        private let secretKey: SecretBytes

        /// The public key that verifies this key's signatures.
        public let publicKey: [UInt8]

        /// The key pair RFC 8032 derives from `seed`.
        ///
        /// - Precondition: `seed` is `seedLength` bytes.
        public init(seed: some ContiguousBytes) {
            var publicKey = [UInt8](repeating: 0, count: Ed25519.publicKeyLength)
            secretKey = seed.withUnsafeBytes { seed in
                precondition(seed.count == Ed25519.seedLength, "Ed25519 seeds are 32 bytes")
                return SecretBytes(count: crypto_sign_secretkeybytes()) { secretKey in
                    let status = crypto_sign_seed_keypair(&publicKey, secretKey.bytePointer!, seed.bytePointer!)
                    precondition(status == 0, "Ed25519 key derivation cannot fail")
                }
            }
            self.publicKey = publicKey
        }

        /// A new key pair from a random seed.
        public init() {
            self.init(seed: SecretBytes(randomCount: Ed25519.seedLength))
        }

        /// The seed this key derives from: what to store (sealed) to restore it with `init(seed:)`.
        public var seed: SecretBytes {
            secretKey.withUnsafeBytes { SecretBytes(copying: $0.prefix(Ed25519.seedLength)) }
        }

        /// The `signatureLength`-byte signature of `message`.
        public func signature(for message: some ContiguousBytes) -> [UInt8] {
            var signature = [UInt8](repeating: 0, count: Ed25519.signatureLength)
            message.withUnsafeBytes { message in
                secretKey.withUnsafeBytes { secretKey in
                    let status = crypto_sign_detached(
                        &signature, nil, message.bytePointer, UInt64(message.count), secretKey.bytePointer!)
                    precondition(status == 0, "Ed25519 signing cannot fail")
                }
            }
            return signature
        }

        /// The public key only, never the secret.
        public var description: String { "Ed25519.SigningKey(publicKey: \(Hex.encode(publicKey)))" }
    }

    /// Whether `signature` is `publicKey`'s signature of `message`; false as well when either has
    /// the wrong length.
    public static func isValidSignature(
        _ signature: some ContiguousBytes, for message: some ContiguousBytes, publicKey: some ContiguousBytes
    ) -> Bool {
        Sodium.ensureInitialized()
        return signature.withUnsafeBytes { signature in
            message.withUnsafeBytes { message in
                publicKey.withUnsafeBytes { publicKey in
                    signature.count == signatureLength && publicKey.count == publicKeyLength
                        && crypto_sign_verify_detached(
                            signature.bytePointer!, message.bytePointer, UInt64(message.count), publicKey.bytePointer!) == 0
                }
            }
        }
    }
}
