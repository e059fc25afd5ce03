import CSodium

/// Cryptographically secure random bytes from libsodium.
public enum SecureRandom {
    private static let initialized: Bool = sodium_init() >= 0

    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(initialized, "libsodium failed to initialize")
        var output = [UInt8](repeating: 0, count: count)
        output.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return output
    }
}
