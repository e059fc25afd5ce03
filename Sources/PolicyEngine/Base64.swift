/// Standard base64 (RFC 4648, `+` `/`, `=` padding) decoding for `BinaryEquals`.
enum Base64 {
    /// The bytes `text` encodes, or nil when it is not canonical padded base64.
    static func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3)
        var index = 0
        while index < bytes.count {
            var quantum: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = bytes[index + offset]
                if byte == UInt8(ascii: "=") {
                    // Padding only at the very end, at most two.
                    guard index + 4 == bytes.count, offset >= 2 else { return nil }
                    padding += 1
                    quantum <<= 6
                    continue
                }
                guard padding == 0, let value = sextet(byte) else { return nil }
                quantum = quantum << 6 | value
            }
            output.append(UInt8(quantum >> 16 & 0xFF))
            if padding < 2 { output.append(UInt8(quantum >> 8 & 0xFF)) }
            if padding < 1 { output.append(UInt8(quantum & 0xFF)) }
            index += 4
        }
        return output
    }

    private static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(byte - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
