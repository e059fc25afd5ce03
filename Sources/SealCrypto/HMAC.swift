import COpenSSL

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// HMAC-SHA256 computed by OpenSSL's libcrypto (EVP_MAC).
public enum HMAC {
    /// A context with the digest already chosen; each call duplicates it, so OpenSSL does not
    /// fetch the MAC and digest algorithms again per message.
    nonisolated(unsafe) private static let template: OpaquePointer = {
        let mac = EVP_MAC_fetch(nil, "HMAC", nil)
        let context = EVP_MAC_CTX_new(mac)
        EVP_MAC_free(mac)
        let digest = strdup("SHA256")
        defer { free(digest) }
        var parameters = [OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()]
        precondition(context != nil && EVP_MAC_CTX_set_params(context, &parameters) == 1, "HMAC setup failed")
        return context!
    }()

    /// HMAC-SHA256 of `message` under `key`.
    public static func sha256<Key: ContiguousBytes, Message: ContiguousBytes>(
        key: Key, message: Message
    ) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var written = 0
        let context = EVP_MAC_CTX_dup(template)
        defer { EVP_MAC_CTX_free(context) }
        let status = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                output.withUnsafeMutableBufferPointer { out in
                    // A zero-length key still needs a valid pointer.
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { empty in
                        let keyPointer = keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(empty.baseAddress!)
                        guard EVP_MAC_init(context, keyPointer, keyBytes.count, nil) == 1,
                            EVP_MAC_update(context, messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count) == 1
                        else { return Int32(0) }
                        return EVP_MAC_final(context, out.baseAddress, &written, 32)
                    }
                }
            }
        }
        precondition(status == 1 && written == 32, "HMAC failed")
        return output
    }

    /// Compares two MACs, or any two secrets, in time that does not depend on where they differ
    /// (OpenSSL's `CRYPTO_memcmp`); byte strings of different lengths are unequal.
    public static func constantTimeEquals<Left: ContiguousBytes, Right: ContiguousBytes>(_ lhs: Left, _ rhs: Right) -> Bool {
        lhs.withUnsafeBytes { lhs in
            rhs.withUnsafeBytes { rhs in
                lhs.count == rhs.count && (lhs.isEmpty || CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, lhs.count) == 0)
            }
        }
    }
}
