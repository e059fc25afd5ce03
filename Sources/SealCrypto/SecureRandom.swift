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

    /// A random version-4 UUID in its lowercase canonical text form.
    public static func uuidString() -> String {
        var raw = bytes(16)
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        let hex = Hex.encode(raw)
        let characters = Array(hex)
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-"
            + String(characters[12..<16]) + "-" + String(characters[16..<20]) + "-"
            + String(characters[20..<32])
    }
}
