#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

import Synchronization

/// Random UUIDs for message ids, request ids and audit event ids, made on every request: bytes from
/// the C library's `arc4random_buf` (the kernel's CSPRNG), drawn 4 KiB at a time so an id
/// costs neither a system call nor Foundation's open of `/dev/urandom`.
public enum RandomIdentifier {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let pool = Mutex<(bytes: [UInt8], used: Int)>(([UInt8](repeating: 0, count: 4096), 4096))

    private static func next16() -> (UInt64, UInt64) {
        pool.withLock { pool in
            if pool.used + 16 > pool.bytes.count {
                pool.bytes.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
                pool.used = 0
            }
            defer {
                // Never hand the same bytes out twice.
                for index in pool.used..<pool.used + 16 { pool.bytes[index] = 0 }
                pool.used += 16
            }
            return pool.bytes.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: pool.used, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: pool.used + 8, as: UInt64.self))
            }
        }
    }

    /// A new lowercase UUID string, such as `6f1c…-…`.
    public static func uuid() -> String {
        let (high, low) = next16()
        return format(high: (high & ~0xF000) | 0x4000, low: low)
    }

    /// A new time-ordered (version 7, RFC 9562) UUID string: the first 48 bits are
    /// `milliseconds` since the Unix epoch, the other 74 free bits random. Ids made later sort
    /// later, so an index over them grows at its end instead of touching a random page per
    /// insert (the audit log's event ids).
    public static func timeOrderedUUID(milliseconds: Int64) -> String {
        let (random, low) = next16()
        return format(high: UInt64(UInt64(bitPattern: milliseconds) & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (random & 0x0FFF), low: low)
    }

    /// `high` and `low` as UUID text, with the variant bits set.
    private static func format(high: UInt64, low: UInt64) -> String {
        let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
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
