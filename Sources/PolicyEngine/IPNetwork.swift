/// An IPv4 or IPv6 address block (`203.0.113.0/24`, `2001:db8::/32`, or one address) for
/// `IpAddress`/`NotIpAddress`. Addresses are held as 128 bits; IPv4 in the low 32.
struct IPNetwork: Sendable, Hashable {
    let isIPv4: Bool
    let high: UInt64
    let low: UInt64
    let prefixLength: Int

    /// Reads `address[/prefix]`; nil when malformed or the prefix is out of range.
    init?(cidr text: String) {
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPNetwork.address(pieces[0]) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var prefix = maximum
        if pieces.count == 2 {
            guard !pieces[1].isEmpty, pieces[1].utf8.count <= 3, pieces[1].allSatisfy(\.isASCIIDigit),
                let length = Int(pieces[1]), length <= maximum
            else { return nil }
            prefix = length
        }
        self.init(isIPv4: address.isIPv4, high: address.high, low: address.low, prefixLength: prefix)
    }

    private init(isIPv4: Bool, high: UInt64, low: UInt64, prefixLength: Int) {
        self.isIPv4 = isIPv4
        self.prefixLength = prefixLength
        let bits = isIPv4 ? prefixLength + 96 : prefixLength
        self.high = high & Self.mask(bits)
        self.low = low & Self.mask(bits - 64)
    }

    /// Whether the address `text` lies in this block; an IPv4-mapped IPv6 address counts as IPv4.
    func contains(_ text: String) -> Bool {
        guard let address = IPNetwork.address(Substring(text)), address.isIPv4 == isIPv4 else { return false }
        let bits = isIPv4 ? prefixLength + 96 : prefixLength
        return address.high & Self.mask(bits) == high && address.low & Self.mask(bits - 64) == low
    }

    /// The top `bits` of a 64-bit word set (clamped to 0...64).
    private static func mask(_ bits: Int) -> UInt64 {
        if bits <= 0 { return 0 }
        if bits >= 64 { return .max }
        return ~(UInt64.max >> UInt64(bits))
    }

    private static func address(_ text: Substring) -> (isIPv4: Bool, high: UInt64, low: UInt64)? {
        if !text.contains(":") {
            guard let v4 = ipv4(text) else { return nil }
            return (true, 0, 0xFFFF_0000_0000 | UInt64(v4))
        }
        guard let words = ipv6(text) else { return nil }
        let high = words[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = words[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        // ::ffff:a.b.c.d is an IPv4 address in IPv6 clothing.
        if high == 0, low >> 32 == 0xFFFF { return (true, 0, low) }
        return (false, high, low)
    }

    private static func ipv4(_ text: Substring) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard (1...3).contains(octet.utf8.count), octet.allSatisfy(\.isASCIIDigit), let number = UInt32(octet),
                number <= 255
            else { return nil }
            value = value << 8 | number
        }
        return value
    }

    /// The eight 16-bit words of an IPv6 address, with `::` and a trailing dotted IPv4 part.
    private static func ipv6(_ text: Substring) -> [UInt16]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        guard let head = words(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = words(halves[1]), head.count + tail.count <= 7 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    private static func words(_ text: Substring) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        var result: [UInt16] = []
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, group.contains(".") {
                guard let v4 = ipv4(group) else { return nil }
                result += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
            } else {
                guard (1...4).contains(group.utf8.count), let word = UInt16(group, radix: 16) else { return nil }
                result.append(word)
            }
        }
        return result
    }
}

extension Character {
    /// Whether this is one of `0`–`9`.
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension Substring {
    /// The pieces between occurrences of `separator` (empty pieces kept).
    fileprivate func components(separatedBy separator: String) -> [Substring] {
        var pieces: [Substring] = []
        var rest = self
        while let range = rest.firstRange(of: separator) {
            pieces.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        pieces.append(rest)
        return pieces
    }
}
