import CSodium

/// Authenticated encryption of small secrets with libsodium's XChaCha20-Poly1305 (IETF AEAD).
///
/// A sealed value is `nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes)`; the random 192-bit
/// nonce makes reuse under one key negligible. The associated data binds a sealed value to its
/// context (for example the access key id it belongs to), so values cannot be swapped.
public struct SecretBox: Sendable {
    /// The key length in bytes.
    public static let keyLength = 32
    private static let nonceLength = 24
    private static let tagLength = 16
    private static let initialized: Bool = sodium_init() >= 0

    private let key: [UInt8]

    /// The sealed value could not be opened: wrong key, wrong context, or altered bytes.
    public struct OpenFailure: Error, Sendable {}

    /// A box for `key`, which must be `keyLength` bytes.
    public init(key: [UInt8]) {
        precondition(key.count == Self.keyLength, "SecretBox keys are 32 bytes")
        precondition(Self.initialized, "libsodium failed to initialize")
        self.key = key
    }

    /// Encrypts `plaintext`, authenticating `context` with it.
    public func seal(_ plaintext: [UInt8], context: [UInt8]) -> [UInt8] {
        let nonce = SecureRandom.bytes(Self.nonceLength)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + Self.tagLength)
        var written: UInt64 = 0
        let status = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &ciphertext, &written, plaintext, UInt64(plaintext.count), context, UInt64(context.count), nil, nonce, key)
        precondition(status == 0, "XChaCha20-Poly1305 encryption cannot fail")
        return nonce + ciphertext.prefix(Int(written))
    }

    /// Decrypts a value from `seal`, or throws when it was not sealed by this key for `context`.
    public func open(_ sealed: [UInt8], context: [UInt8]) throws(OpenFailure) -> [UInt8] {
        guard sealed.count >= Self.nonceLength + Self.tagLength else { throw OpenFailure() }
        let nonce = Array(sealed.prefix(Self.nonceLength))
        let ciphertext = Array(sealed.dropFirst(Self.nonceLength))
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count - Self.tagLength)
        var written: UInt64 = 0
        let status = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &plaintext, &written, nil, ciphertext, UInt64(ciphertext.count), context, UInt64(context.count), nonce, key)
        guard status == 0 else { throw OpenFailure() }
        return Array(plaintext.prefix(Int(written)))
    }
}
