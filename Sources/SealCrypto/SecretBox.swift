/// Authenticated encryption of small secrets with XChaCha20-Poly1305 under one key.
///
/// A sealed value is `nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes)`; the random 192-bit
/// nonce makes reuse under one key negligible. The associated data binds a sealed value to its
/// context (for example the access key id it belongs to), so values cannot be swapped.
public struct SecretBox: Sendable {
    /// The key length in bytes.
    public static let keyLength = 32
    private static let aead = AEAD.xChaCha20Poly1305

    private let key: SecretBytes

    /// The sealed value could not be opened: wrong key, wrong context, or altered bytes.
    public struct OpenFailure: Error, Sendable {}

    /// A box for `key`, which must be `keyLength` bytes; the box keeps its own guarded copy.
    public init(key: [UInt8]) {
        precondition(key.count == Self.keyLength, "SecretBox keys are 32 bytes")
        self.key = SecretBytes(copying: key)
    }

    /// A box for `key` (32 bytes), shared rather than copied.
    public init(key: SecretBytes) {
        precondition(key.count == Self.keyLength, "SecretBox keys are 32 bytes")
        self.key = key
    }

    /// Encrypts `plaintext` under a fresh random nonce, authenticating `context` with it.
    public func seal(_ plaintext: some ContiguousBytes, context: [UInt8]) -> [UInt8] {
        let nonce = SecureRandom.bytes(Self.aead.nonceLength)
        return nonce + Self.aead.seal(plaintext, key: key, nonce: nonce, associatedData: context)
    }

    /// Decrypts a value from `seal`, or throws when it was not sealed by this key for `context`.
    public func open(_ sealed: [UInt8], context: [UInt8]) throws(OpenFailure) -> [UInt8] {
        let nonceLength = Self.aead.nonceLength
        guard sealed.count >= nonceLength else { throw OpenFailure() }
        do {
            return try Self.aead.open(
                sealed[nonceLength...], key: key, nonce: sealed[..<nonceLength], associatedData: context)
        } catch {
            throw OpenFailure()
        }
    }

    /// Like `open`, but the plaintext goes straight into guarded memory (for keys).
    public func openSecret(_ sealed: [UInt8], context: [UInt8]) throws(OpenFailure) -> SecretBytes {
        let nonceLength = Self.aead.nonceLength
        guard sealed.count >= nonceLength else { throw OpenFailure() }
        do {
            return try Self.aead.openSecret(
                sealed[nonceLength...], key: key, nonce: sealed[..<nonceLength], associatedData: context)
        } catch {
            throw OpenFailure()
        }
    }
}
