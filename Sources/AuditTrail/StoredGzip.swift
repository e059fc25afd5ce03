/// The gzip container (RFC 1952) with deflate's stored blocks (RFC 1951): any gunzip reads it,
/// no compression library is needed, and nothing is compressed. For audit export files.
public enum StoredGzip {
    /// A gzip file holding `data`.
    public static func wrap(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            output += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            output += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        appendLittleEndian(crc32(data), to: &output)
        appendLittleEndian(UInt32(truncatingIfNeeded: data.count), to: &output)
        return output
    }

    /// The data of a file `wrap` made; nil for anything else (another compression, a damaged
    /// or truncated file).
    public static func unwrap(_ file: [UInt8]) -> [UInt8]? {
        guard file.count >= 18, file[0] == 0x1F, file[1] == 0x8B, file[2] == 8, file[3] == 0 else { return nil }
        var offset = 10
        var data: [UInt8] = []
        while true {
            guard offset + 5 <= file.count, file[offset] & 0xFE == 0 else { return nil }
            let final = file[offset] & 1 == 1
            let count = Int(file[offset + 1]) | Int(file[offset + 2]) << 8
            let complement = Int(file[offset + 3]) | Int(file[offset + 4]) << 8
            guard count == ~complement & 0xFFFF, offset + 5 + count <= file.count else { return nil }
            data += file[(offset + 5)..<(offset + 5 + count)]
            offset += 5 + count
            if final { break }
        }
        guard offset + 8 == file.count else { return nil }
        let crc = file[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let size = file[(offset + 4)..<(offset + 8)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard crc == crc32(data), size == UInt32(truncatingIfNeeded: data.count) else { return nil }
        return data
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// CRC-32 (ISO-HDLC), as gzip uses it.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        ~data.reduce(UInt32.max) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }

    private static func appendLittleEndian(_ value: UInt32, to output: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
