import COpenSSL
import CSodium

/// HKDF with HMAC-SHA256 (RFC 5869), computed by OpenSSL's EVP_KDF. Every output is written
/// straight into guarded memory.
public enum HKDF {
    /// The length of a pseudorandom key, SHA-256's output length.
    public static let pseudorandomKeyLength = 32
    /// The most bytes one expansion can produce: 255 blocks of 32 bytes.
    public static let maximumOutputCount = 255 * 32

    // Fetched once: OpenSSL 3 otherwise looks the algorithm up again on every derivation.
    nonisolated(unsafe) private static let algorithm: OpaquePointer = {
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { fatalError("OpenSSL has no HKDF") }
        return kdf
    }()

    /// HKDF-Extract: a `pseudorandomKeyLength`-byte key concentrating the entropy of
    /// `inputKeyMaterial`; an empty `salt` stands for 32 zero bytes, as the RFC specifies.
    ///
    /// - Precondition: `inputKeyMaterial` is not empty.
    public static func extract(salt: some ContiguousBytes, inputKeyMaterial: some ContiguousBytes) -> SecretBytes {
        derive(
            mode: EVP_KDF_HKDF_MODE_EXTRACT_ONLY, key: inputKeyMaterial, salt: salt, info: [UInt8](),
            count: pseudorandomKeyLength)
    }

    /// HKDF-Expand: `count` bytes of output keying material from `pseudorandomKey`, bound to `info`.
    ///
    /// - Precondition: `pseudorandomKey` is not empty and `count` is 1...`maximumOutputCount`.
    public static func expand(pseudorandomKey: some ContiguousBytes, info: some ContiguousBytes, count: Int) -> SecretBytes {
        derive(mode: EVP_KDF_HKDF_MODE_EXPAND_ONLY, key: pseudorandomKey, salt: [UInt8](), info: info, count: count)
    }

    /// Extract then expand: `count` bytes from `inputKeyMaterial`, `salt` and `info`.
    ///
    /// - Precondition: `inputKeyMaterial` is not empty and `count` is 1...`maximumOutputCount`.
    public static func deriveKey(
        inputKeyMaterial: some ContiguousBytes, salt: some ContiguousBytes, info: some ContiguousBytes, count: Int
    ) -> SecretBytes {
        derive(mode: EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, key: inputKeyMaterial, salt: salt, info: info, count: count)
    }

    /// HKDF-Expand with a prepared pseudorandom key, into a short-lived buffer lent to `body` and
    /// wiped when it returns: for per-message keys, where a guarded allocation or OpenSSL's KDF
    /// setup would cost more than the work it protects. Equal to `expand` for the same inputs.
    ///
    /// - Precondition: `count` is 1...`maximumOutputCount`.
    public static func withExpanded<Result>(
        pseudorandomKey: HMACSHA256Key, info: some ContiguousBytes, count: Int, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        precondition((1...maximumOutputCount).contains(count), "HKDF-SHA256 produces 1 to \(maximumOutputCount) bytes")
        let blocks = (count + 31) / 32
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blocks * 32, alignment: 16)
        defer {
            sodium_memzero(buffer.baseAddress, buffer.count)
            buffer.deallocate()
        }
        info.withUnsafeBytes { info in
            for block in 0..<blocks {
                // T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i), T(0) empty.
                let output = buffer.baseAddress!.advanced(by: block * 32)
                withUnsafeBytes(of: UInt8(block + 1)) { counter in
                    let previous = UnsafeRawBufferPointer(start: block == 0 ? nil : output - 32, count: block == 0 ? 0 : 32)
                    pseudorandomKey.authenticate([previous, info, counter], into: output.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        return try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }

    private static func derive(
        mode: Int32, key: some ContiguousBytes, salt: some ContiguousBytes, info: some ContiguousBytes, count: Int
    ) -> SecretBytes {
        precondition((1...maximumOutputCount).contains(count), "HKDF-SHA256 produces 1 to \(maximumOutputCount) bytes")
        return SecretBytes(count: count) { output in derive(mode: mode, key: key, salt: salt, info: info, into: output) }
    }

    private static func derive(
        mode: Int32, key: some ContiguousBytes, salt: some ContiguousBytes, info: some ContiguousBytes,
        into output: UnsafeMutableRawBufferPointer
    ) {
        var mode = mode
        return withUnsafeMutablePointer(to: &mode) { mode in
            key.withUnsafeBytes { key in
                salt.withUnsafeBytes { salt in
                    info.withUnsafeBytes { info in
                        precondition(!key.isEmpty, "HKDF needs key material")
                        // OpenSSL keeps these pointers in the parameters, so the names are static
                        // strings; an empty salt or info is left out, which means the same.
                        var parameters = [
                            OSSL_PARAM_construct_int(cString("mode"), mode),
                            OSSL_PARAM_construct_utf8_string(cString("digest"), mutableCString("SHA256"), 0),
                            octetString(cString("key"), key),
                        ]
                        if !salt.isEmpty { parameters.append(octetString(cString("salt"), salt)) }
                        if !info.isEmpty { parameters.append(octetString(cString("info"), info)) }
                        parameters.append(OSSL_PARAM_construct_end())
                        let context = EVP_KDF_CTX_new(algorithm)
                        defer { EVP_KDF_CTX_free(context) }
                        precondition(EVP_KDF_derive(context, output.bytePointer, output.count, parameters) == 1, "HKDF failed")
                    }
                }
            }
        }
    }

    /// A parameter lending `bytes`, which OpenSSL only reads.
    private static func octetString(_ name: UnsafePointer<CChar>, _ bytes: UnsafeRawBufferPointer) -> OSSL_PARAM {
        OSSL_PARAM_construct_octet_string(name, UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }

    /// The static, NUL-terminated storage of a string literal, valid for the life of the process.
    private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// `cString` for parameters declared mutable that OpenSSL only reads.
    private static func mutableCString(_ text: StaticString) -> UnsafeMutablePointer<CChar> {
        UnsafeMutablePointer(mutating: cString(text))
    }
}
