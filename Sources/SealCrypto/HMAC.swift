import COpenSSL

/// HMAC-SHA256 computed by OpenSSL's libcrypto.
public enum HMAC {
    /// HMAC-SHA256 of `message` under `key`.
    public static func sha256<Key: ContiguousBytes, Message: ContiguousBytes>(
        key: Key, message: Message
    ) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var written: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                output.withUnsafeMutableBufferPointer { out in
                    COpenSSL.HMAC(
                        EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                        messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                        out.baseAddress, &written)
                }
            }
        }
        precondition(result != nil && written == 32, "HMAC failed")
        return output
    }

    /// Compares two MACs in time that does not depend on where they differ.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
