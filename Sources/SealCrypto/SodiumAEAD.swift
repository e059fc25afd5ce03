import CSodium

/// The IETF ChaCha20-Poly1305 constructions in libsodium, in combined mode (`ciphertext ‖ tag`).
enum SodiumAEAD: AEADCipher {
    /// XChaCha20-Poly1305 with 24-byte nonces (draft-irtf-cfrg-xchacha).
    case xChaCha20Poly1305
    /// ChaCha20-Poly1305 with 12-byte nonces (RFC 8439).
    case chaCha20Poly1305

    func encrypt(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) {
        Sodium.ensureInitialized()
        let encrypt =
            switch self {
            case .xChaCha20Poly1305: crypto_aead_xchacha20poly1305_ietf_encrypt
            case .chaCha20Poly1305: crypto_aead_chacha20poly1305_ietf_encrypt
            }
        let status = encrypt(
            output.bytePointer!, nil, plaintext.bytePointer, UInt64(plaintext.count),
            associatedData.bytePointer, UInt64(associatedData.count), nil, nonce.bytePointer!, key.bytePointer!)
        precondition(status == 0, "ChaCha20-Poly1305 encryption cannot fail")
    }

    func decrypt(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, sealed: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        Sodium.ensureInitialized()
        let decrypt =
            switch self {
            case .xChaCha20Poly1305: crypto_aead_xchacha20poly1305_ietf_decrypt
            case .chaCha20Poly1305: crypto_aead_chacha20poly1305_ietf_decrypt
            }
        // libsodium checks the tag before decrypting anything, and zeroes `output` when it fails.
        return decrypt(
            output.bytePointer, nil, nil, sealed.bytePointer!, UInt64(sealed.count),
            associatedData.bytePointer, UInt64(associatedData.count), nonce.bytePointer!, key.bytePointer!) == 0
    }
}
