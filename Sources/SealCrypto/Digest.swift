import COpenSSL

/// One-shot message digests computed by OpenSSL's libcrypto.
public enum Digest {
    // Fetched once: OpenSSL 3 otherwise looks the algorithm up again on every call.
    nonisolated(unsafe) private static let md5Algorithm = EVP_MD_fetch(nil, "MD5", nil)
    nonisolated(unsafe) private static let sha256Algorithm = EVP_MD_fetch(nil, "SHA256", nil)

    /// MD5 of `bytes` (used only for SQS wire checksums, never for security).
    public static func md5<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        compute(bytes, algorithm: md5Algorithm, length: 16)
    }

    /// SHA-256 of `bytes`.
    public static func sha256<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        compute(bytes, algorithm: sha256Algorithm, length: 32)
    }

    private static func compute<Bytes: ContiguousBytes>(
        _ bytes: Bytes, algorithm: OpaquePointer?, length: Int
    ) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        var written: UInt32 = 0
        let status = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &written, algorithm, nil)
            }
        }
        precondition(status == 1 && Int(written) == length, "EVP_Digest failed")
        return output
    }
}
