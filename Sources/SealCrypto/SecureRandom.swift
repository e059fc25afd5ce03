import CSodium

/// Cryptographically secure random bytes from libsodium.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        Sodium.ensureInitialized()
        var output = [UInt8](repeating: 0, count: count)
        output.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return output
    }
}
