#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Random version-4 UUIDs from the C library's `arc4random_buf` (a CSPRNG seeded by the
/// kernel), without a system call or Foundation's open of `/dev/urandom` per id: message ids
/// and request ids are made on every request.
public enum RandomIdentifier {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A new lowercase UUID string, such as `6f1c…-…`.
    public static func uuid() -> String {
        var high: UInt64 = 0
        var low: UInt64 = 0
        withUnsafeMutableBytes(of: &high) { arc4random_buf($0.baseAddress!, 8) }
        withUnsafeMutableBytes(of: &low) { arc4random_buf($0.baseAddress!, 8) }
        high = (high & ~0xF000) | 0x4000
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if index == 8 || index == 12 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int((high >> UInt64(shift)) & 0xF)])
        }
        for (index, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if index == 0 || index == 4 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int((low >> UInt64(shift)) & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
