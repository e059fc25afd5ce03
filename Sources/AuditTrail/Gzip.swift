/// The gzip container (RFC 1952) around deflate's fixed-code blocks (`Deflate`): any gunzip
/// reads it, and no compression library is needed. For audit export and archive files.
public enum Gzip {
    /// The most a file may hold once inflated, 1 GiB (a span between two checkpoints holds
    /// what about a second of traffic brought: 7 MB of JSON at 6,000 sends a second): with the
    /// size its trailer claims, which bounds the work first, a damaged or hostile file cannot
    /// run the reader out of memory.
    public static let maximumBytes = 1 << 30

    /// A gzip file holding `data`, compressed.
    public static func wrap(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
        output += Deflate.deflate(data)
        appendLittleEndian(crc32(data), to: &output)
        appendLittleEndian(UInt32(truncatingIfNeeded: data.count), to: &output)
        return output
    }

    /// The data of a file `wrap` made, or of one with stored blocks (as SealQ wrote them
    /// before); nil for anything else (another compression, a damaged or truncated file, more
    /// than `maximumBytes`).
    public static func unwrap(_ file: [UInt8]) -> [UInt8]? {
        guard file.count >= 18, file[0] == 0x1F, file[1] == 0x8B, file[2] == 8, file[3] == 0 else { return nil }
        // The size the trailer claims bounds the work: a file that inflates past it is refused there.
        let claimed = file.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        guard claimed <= maximumBytes, let (data, consumed) = Deflate.inflate(file[10...], limit: claimed) else { return nil }
        let offset = 10 + consumed
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
