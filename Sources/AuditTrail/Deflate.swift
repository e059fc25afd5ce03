/// Deflate (RFC 1951) with the fixed Huffman codes: LZ77 matches over a 32 KiB window, written
/// as one fixed-code block. No compression library is needed, and the repetitive JSON of audit
/// records shrinks several times over. `inflate` reads what `deflate` writes and stored blocks
/// (what SealQ wrote before), nothing else.
enum Deflate {
    /// `data` compressed as one final block with the fixed codes.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.write(1, count: 1)  // BFINAL
        writer.write(1, count: 2)  // BTYPE 01: fixed Huffman codes
        var matcher = Matcher(data)
        var position = 0
        while position < data.count {
            if let (length, distance) = matcher.longestMatch(at: position) {
                writeLength(length, to: &writer)
                writeDistance(distance, to: &writer)
                for skipped in position..<(position + length) { matcher.insert(skipped) }
                position += length
            } else {
                writeLiteral(Int(data[position]), to: &writer)
                matcher.insert(position)
                position += 1
            }
        }
        writeLiteral(256, to: &writer)  // end of block
        return writer.finish()
    }

    /// The data of a deflate stream made of fixed-code and stored blocks, and the number of
    /// bytes it took; nil for anything else (dynamic codes, damage, or output past `limit`).
    static func inflate(_ stream: ArraySlice<UInt8>, limit: Int) -> (data: [UInt8], consumed: Int)? {
        var reader = BitReader(stream)
        var output: [UInt8] = []
        while true {
            guard let final = reader.read(1), let type = reader.read(2) else { return nil }
            switch type {
            case 0:
                reader.alignToByte()
                guard let count = reader.read(16), let complement = reader.read(16), count == ~complement & 0xFFFF,
                    output.count + count <= limit, let bytes = reader.readBytes(count)
                else { return nil }
                output += bytes
            case 1:
                guard inflateFixedBlock(&reader, into: &output, limit: limit) else { return nil }
            default:
                return nil
            }
            if final == 1 { return (output, reader.consumedBytes) }
        }
    }

    // MARK: Fixed codes (RFC 1951 §3.2.6)

    private static let lengthBases: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    private static let lengthExtraBits: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBases: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
        8193, 12289, 16385, 24577,
    ]
    private static let distanceExtraBits: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// A literal/length symbol (0–287) in its fixed code, most significant bit first.
    private static func writeLiteral(_ symbol: Int, to writer: inout BitWriter) {
        switch symbol {
        case 0...143: writer.writeCode(0x30 + symbol, count: 8)
        case 144...255: writer.writeCode(0x190 + symbol - 144, count: 9)
        case 256...279: writer.writeCode(symbol - 256, count: 7)
        default: writer.writeCode(0xC0 + symbol - 280, count: 8)
        }
    }

    private static func writeLength(_ length: Int, to writer: inout BitWriter) {
        let index = lengthBases.lastIndex { $0 <= length }!
        writeLiteral(257 + index, to: &writer)
        writer.write(length - lengthBases[index], count: lengthExtraBits[index])
    }

    private static func writeDistance(_ distance: Int, to writer: inout BitWriter) {
        let index = distanceBases.lastIndex { $0 <= distance }!
        writer.writeCode(index, count: 5)
        writer.write(distance - distanceBases[index], count: distanceExtraBits[index])
    }

    private static func inflateFixedBlock(_ reader: inout BitReader, into output: inout [UInt8], limit: Int) -> Bool {
        while true {
            guard let symbol = readLiteral(&reader) else { return false }
            if symbol < 256 {
                guard output.count < limit else { return false }
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return true
            } else {
                let index = symbol - 257
                guard index < lengthBases.count, let extra = reader.read(lengthExtraBits[index]),
                    let distanceIndex = reader.readCode(5), distanceIndex < distanceBases.count,
                    let distanceExtra = reader.read(distanceExtraBits[distanceIndex])
                else { return false }
                let length = lengthBases[index] + extra
                let distance = distanceBases[distanceIndex] + distanceExtra
                guard distance <= output.count, output.count + length <= limit else { return false }
                let start = output.count - distance
                for offset in 0..<length { output.append(output[start + offset]) }
            }
        }
    }

    /// Reads one fixed-code literal/length symbol: 7, 8 or 9 bits, most significant first.
    private static func readLiteral(_ reader: inout BitReader) -> Int? {
        guard var code = reader.readCode(7) else { return nil }
        if code <= 0b0010111 { return 256 + code }
        guard let eighth = reader.read(1) else { return nil }
        code = code << 1 | eighth
        if (0x30...0xBF).contains(code) { return code - 0x30 }
        if (0xC0...0xC7).contains(code) { return 280 + code - 0xC0 }
        guard let ninth = reader.read(1) else { return nil }
        code = code << 1 | ninth
        return (0x190...0x1FF).contains(code) ? 144 + code - 0x190 : nil
    }

    // MARK: Matching

    /// Finds earlier occurrences through hash chains over three-byte prefixes.
    private struct Matcher {
        static let window = 32_768
        static let maximumLength = 258
        /// Candidates looked at per position: enough for the repetition in audit JSON.
        static let chainLimit = 48
        let data: [UInt8]
        var heads = [Int](repeating: -1, count: 1 << 15)
        var previous = [Int](repeating: -1, count: window)

        init(_ data: [UInt8]) { self.data = data }

        private func hash(_ position: Int) -> Int {
            (Int(data[position]) << 10 ^ Int(data[position + 1]) << 5 ^ Int(data[position + 2])) & 0x7FFF
        }

        mutating func insert(_ position: Int) {
            guard position + 2 < data.count else { return }
            let bucket = hash(position)
            previous[position % Self.window] = heads[bucket]
            heads[bucket] = position
        }

        /// The longest earlier match of at least three bytes at `position`, if any.
        func longestMatch(at position: Int) -> (length: Int, distance: Int)? {
            guard position + 2 < data.count else { return nil }
            let limit = min(Self.maximumLength, data.count - position)
            var candidate = heads[hash(position)]
            var best: (length: Int, distance: Int)?
            var steps = 0
            while candidate >= 0, position - candidate <= Self.window, steps < Self.chainLimit {
                var length = 0
                while length < limit, data[candidate + length] == data[position + length] { length += 1 }
                if length >= 3, length > (best?.length ?? 0) {
                    best = (length, position - candidate)
                    if length == limit { break }
                }
                let next = previous[candidate % Self.window]
                guard next < candidate else { break }  // a slot reused by a newer position ends the chain
                candidate = next
                steps += 1
            }
            return best
        }
    }

    // MARK: Bits

    /// Packs bits least significant first, as deflate's stream does.
    private struct BitWriter {
        var bytes: [UInt8] = []
        var buffer: UInt64 = 0
        var count = 0

        /// `value`'s low `count` bits, least significant first (extra bits, headers).
        mutating func write(_ value: Int, count bits: Int) {
            buffer |= UInt64(value) << UInt64(count)
            count += bits
            while count >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count -= 8
            }
        }

        /// A Huffman code of `count` bits, most significant first.
        mutating func writeCode(_ code: Int, count bits: Int) {
            var reversed = 0
            for bit in 0..<bits { reversed |= (code >> bit & 1) << (bits - 1 - bit) }
            write(reversed, count: bits)
        }

        mutating func finish() -> [UInt8] {
            if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
            return bytes
        }
    }

    /// Reads bits least significant first.
    private struct BitReader {
        let bytes: ArraySlice<UInt8>
        var index: Int
        var bit = 0

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.index = bytes.startIndex
        }

        var consumedBytes: Int { index - bytes.startIndex + (bit > 0 ? 1 : 0) }

        mutating func read(_ count: Int) -> Int? {
            var value = 0
            for position in 0..<count {
                guard index < bytes.endIndex else { return nil }
                value |= Int(bytes[index] >> UInt8(bit) & 1) << position
                bit += 1
                if bit == 8 {
                    bit = 0
                    index += 1
                }
            }
            return value
        }

        /// A Huffman code of `count` bits, most significant first.
        mutating func readCode(_ count: Int) -> Int? {
            var code = 0
            for _ in 0..<count {
                guard let next = read(1) else { return nil }
                code = code << 1 | next
            }
            return code
        }

        mutating func alignToByte() {
            if bit > 0 {
                bit = 0
                index += 1
            }
        }

        mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
            guard bit == 0, bytes.endIndex - index >= count else { return nil }
            defer { index += count }
            return bytes[index..<index + count]
        }
    }
}
