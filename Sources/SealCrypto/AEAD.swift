/// Authenticated encryption with associated data: AES-256-GCM (OpenSSL), and XChaCha20-Poly1305
/// and ChaCha20-Poly1305 (IETF variants, libsodium).
///
/// `seal` returns `ciphertext ‖ tag`; `open` checks the tag before it returns any plaintext. The
/// caller supplies the nonce and must never use one twice under the same key. XChaCha20's 24-byte
/// nonces may simply be random; the 12-byte nonces of the other two may be random only for a bounded
/// number of messages per key (2³² for GCM, NIST SP 800-38D §8.3), so derive a key per message or
/// count nonces with them.
public struct AEAD: Sendable, CustomStringConvertible {
    /// The sealed value did not authenticate: wrong key, nonce or associated data, or altered bytes.
    public struct AuthenticationFailure: Error, Sendable, Equatable {}

    /// AES-256-GCM (NIST SP 800-38D) with 12-byte nonces, computed by OpenSSL.
    public static let aes256GCM = AEAD(name: "AES-256-GCM", nonceLength: 12, cipher: OpenSSLAESGCM())

    /// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) with 24-byte nonces, computed by libsodium.
    public static let xChaCha20Poly1305 = AEAD(
        name: "XChaCha20-Poly1305", nonceLength: 24, cipher: SodiumAEAD.xChaCha20Poly1305)

    /// ChaCha20-Poly1305 (RFC 8439) with 12-byte nonces, computed by libsodium.
    public static let chaCha20Poly1305 = AEAD(
        name: "ChaCha20-Poly1305", nonceLength: 12, cipher: SodiumAEAD.chaCha20Poly1305)

    /// The algorithm's name, spelled as its specification spells it.
    public let name: String
    /// The key length in bytes.
    public let keyLength = 32
    /// The nonce length in bytes.
    public let nonceLength: Int
    /// The length in bytes of the tag that ends every sealed value.
    public let tagLength = 16
    private let cipher: any AEADCipher

    /// The algorithm's name.
    public var description: String { name }

    private init(name: String, nonceLength: Int, cipher: any AEADCipher) {
        self.name = name
        self.nonceLength = nonceLength
        self.cipher = cipher
    }

    /// Encrypts `plaintext` under `key` and `nonce`, authenticating `associatedData` with it, and
    /// returns `ciphertext ‖ tag` (`plaintext.count + tagLength` bytes).
    ///
    /// - Precondition: `key` is `keyLength` bytes and `nonce` is `nonceLength` bytes.
    public func seal<Plaintext: ContiguousBytes, Key: ContiguousBytes, Nonce: ContiguousBytes, AssociatedData: ContiguousBytes>(
        _ plaintext: Plaintext, key: Key, nonce: Nonce, associatedData: AssociatedData
    ) -> [UInt8] {
        withInputs(plaintext, key: key, nonce: nonce, associatedData: associatedData) { plaintext, key, nonce, associatedData in
            [UInt8](unsafeUninitializedCapacity: plaintext.count + tagLength) { output, initialized in
                seal(plaintext, key: key, nonce: nonce, associatedData: associatedData, into: UnsafeMutableRawBufferPointer(output))
                initialized = output.count
            }
        }
    }

    /// Like `seal`, writing `ciphertext ‖ tag` into `output` instead of a new array. `plaintext`
    /// may be the start of `output` itself (encryption in place); otherwise they must not overlap.
    ///
    /// - Precondition: `key` is `keyLength` bytes, `nonce` is `nonceLength` bytes and `output` is
    ///   `plaintext.count + tagLength` bytes.
    public func seal(
        _ plaintext: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) {
        precondition(key.count == keyLength, "\(name) keys are \(keyLength) bytes")
        precondition(nonce.count == nonceLength, "\(name) nonces are \(nonceLength) bytes")
        precondition(output.count == plaintext.count + tagLength, "\(name) output is the plaintext and a tag")
        cipher.encrypt(key: key, nonce: nonce, plaintext: plaintext, associatedData: associatedData, into: output)
    }

    /// The plaintext of `sealed` (`ciphertext ‖ tag` from `seal`), or `AuthenticationFailure` when
    /// it was not sealed under this key, nonce and associated data; a nonce of the wrong length or a
    /// value shorter than a tag fails the same way.
    ///
    /// - Precondition: `key` is `keyLength` bytes.
    public func open<Sealed: ContiguousBytes, Key: ContiguousBytes, Nonce: ContiguousBytes, AssociatedData: ContiguousBytes>(
        _ sealed: Sealed, key: Key, nonce: Nonce, associatedData: AssociatedData
    ) throws(AuthenticationFailure) -> [UInt8] {
        try open(sealed, key: key, nonce: nonce, associatedData: associatedData) { count, decrypt in
            [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
                decrypt(UnsafeMutableRawBufferPointer(output))
                initialized = count
            }
        }
    }

    /// Like `open`, writing the plaintext into `output` (`sealed.count - tagLength` bytes) instead
    /// of a new array; false, with `output` wiped, when `sealed` does not authenticate.
    ///
    /// - Precondition: `key` is `keyLength` bytes, `nonce` is `nonceLength` bytes, `sealed` holds
    ///   at least a tag and `output` is `sealed.count - tagLength` bytes, not overlapping it.
    public func open(
        _ sealed: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        precondition(key.count == keyLength, "\(name) keys are \(keyLength) bytes")
        precondition(nonce.count == nonceLength, "\(name) nonces are \(nonceLength) bytes")
        precondition(sealed.count >= tagLength && output.count == sealed.count - tagLength, "\(name) output is the sealed value less its tag")
        return cipher.decrypt(key: key, nonce: nonce, sealed: sealed, associatedData: associatedData, into: output)
    }

    /// Like `open`, for a sealed secret (a wrapped key): the plaintext goes straight into guarded memory.
    ///
    /// - Precondition: `key` is `keyLength` bytes.
    public func openSecret<Sealed: ContiguousBytes, Key: ContiguousBytes, Nonce: ContiguousBytes, AssociatedData: ContiguousBytes>(
        _ sealed: Sealed, key: Key, nonce: Nonce, associatedData: AssociatedData
    ) throws(AuthenticationFailure) -> SecretBytes {
        try open(sealed, key: key, nonce: nonce, associatedData: associatedData) { count, decrypt in
            SecretBytes(count: count, initializingWith: decrypt)
        }
    }

    /// Decrypts into the storage `makeOutput` provides: it is given the plaintext length and a
    /// function that fills a buffer of that length.
    private func open<Output>(
        _ sealed: some ContiguousBytes, key: some ContiguousBytes, nonce: some ContiguousBytes,
        associatedData: some ContiguousBytes,
        into makeOutput: (_ count: Int, _ decrypt: (UnsafeMutableRawBufferPointer) -> Void) -> Output
    ) throws(AuthenticationFailure) -> Output {
        var authentic = false
        let output = withInputs(sealed, key: key, nonce: nonce, associatedData: associatedData) {
            sealed, key, nonce, associatedData -> Output? in
            guard nonce.count == nonceLength, sealed.count >= tagLength else { return nil }
            return makeOutput(sealed.count - tagLength) { plaintext in
                authentic = open(sealed, key: key, nonce: nonce, associatedData: associatedData, into: plaintext)
            }
        }
        guard let output, authentic else { throw AuthenticationFailure() }
        return output
    }

    /// Lends the text, key, nonce and associated data as raw buffers, once the key length is checked.
    private func withInputs<R>(
        _ text: some ContiguousBytes, key: some ContiguousBytes, nonce: some ContiguousBytes,
        associatedData: some ContiguousBytes,
        _ body: (
            _ text: UnsafeRawBufferPointer, _ key: UnsafeRawBufferPointer, _ nonce: UnsafeRawBufferPointer,
            _ associatedData: UnsafeRawBufferPointer
        ) -> R
    ) -> R {
        key.withUnsafeBytes { key in
            precondition(key.count == keyLength, "\(name) keys are \(keyLength) bytes")
            return text.withUnsafeBytes { text in
                nonce.withUnsafeBytes { nonce in
                    associatedData.withUnsafeBytes { associatedData in body(text, key, nonce, associatedData) }
                }
            }
        }
    }
}
