import COpenSSL

/// AES-256-GCM with 12-byte nonces and 16-byte tags through OpenSSL's EVP interface.
struct OpenSSLAESGCM: AEADCipher {
    // Fetched once: OpenSSL 3 otherwise looks the algorithm up again on every initialisation.
    nonisolated(unsafe) private static let algorithm: OpaquePointer = {
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else { fatalError("OpenSSL has no AES-256-GCM") }
        return cipher
    }()
    private static let tagLength = 16
    /// The most bytes fed to one `EVP_CipherUpdate`, whose lengths are C `int`s.
    private static let maximumChunk = 1 << 30

    func encrypt(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) {
        let context = Self.context(key: key, nonce: nonce, encrypting: true)
        defer { EVP_CIPHER_CTX_free(context) }
        let tag = output.baseAddress! + plaintext.count
        let sealed =
            Self.update(context, with: associatedData, output: nil)
            && Self.update(context, with: plaintext, output: output.bytePointer)
            && Self.finish(context)
            && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), tag) == 1
        precondition(sealed, "AES-256-GCM encryption failed")
    }

    func decrypt(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, sealed: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        let context = Self.context(key: key, nonce: nonce, encrypting: false)
        defer { EVP_CIPHER_CTX_free(context) }
        let ciphertext = UnsafeRawBufferPointer(rebasing: sealed[..<output.count])
        let tag = UnsafeMutableRawPointer(mutating: sealed.baseAddress! + output.count)
        let decrypted =
            Self.update(context, with: associatedData, output: nil)
            && Self.update(context, with: ciphertext, output: output.bytePointer)
            && EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), tag) == 1
        precondition(decrypted, "AES-256-GCM decryption failed")
        // The final step compares the tag; until it passes, `output` holds unauthenticated plaintext.
        guard Self.finish(context) else {
            if let start = output.baseAddress { OPENSSL_cleanse(start, output.count) }
            return false
        }
        return true
    }

    /// A cipher context keyed with `key` and `nonce` (whose 12 bytes are GCM's default IV length).
    private static func context(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, encrypting: Bool) -> OpaquePointer {
        guard let context = EVP_CIPHER_CTX_new(),
            EVP_CipherInit_ex2(context, algorithm, key.bytePointer, nonce.bytePointer, encrypting ? 1 : 0, nil) == 1
        else { fatalError("AES-256-GCM setup failed") }
        return context
    }

    /// Feeds `input` through the cipher into `output`, or into the authenticated data when
    /// `output` is nil, in pieces whose lengths fit OpenSSL's `int`.
    private static func update(
        _ context: OpaquePointer, with input: UnsafeRawBufferPointer, output: UnsafeMutablePointer<UInt8>?
    ) -> Bool {
        var offset = 0
        while offset < input.count {
            let length = min(input.count - offset, maximumChunk)
            var written: Int32 = 0
            guard EVP_CipherUpdate(context, output.map { $0 + offset }, &written, input.bytePointer! + offset, Int32(length)) == 1
            else { return false }
            offset += length
        }
        return true
    }

    /// Completes the operation; when decrypting, this is where the tag is checked.
    private static func finish(_ context: OpaquePointer) -> Bool {
        // GCM's final step writes no bytes, but OpenSSL still wants room for them.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { scratch in
            var written: Int32 = 0
            return EVP_CipherFinal_ex(context, scratch.baseAddress, &written) == 1
        }
    }
}
