/// The one JSON lexer and recursive-descent reader behind `JSONParser`, generic over what it
/// builds, so the request path and the positioned policy path share every rule.
struct JSONReader<Builder: JSONTreeBuilder> {
    private typealias Failure = JSONParser.Failure

    private let bytes: UnsafeBufferPointer<UInt8>
    private let builder: Builder
    private let loneSurrogates: JSONParser.LoneSurrogates
    private var position = 0
    private var depth = 0
    private static var maximumDepth: Int { 64 }

    /// Reads one whole document from `bytes`; anything but whitespace after it is an error.
    static func document(
        _ bytes: UnsafeBufferPointer<UInt8>, builder: Builder, loneSurrogates: JSONParser.LoneSurrogates = .refused
    ) throws(JSONParser.Failure) -> Builder.Node {
        var reader = JSONReader(bytes: bytes, builder: builder, loneSurrogates: loneSurrogates)
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.failure("unexpected data after the document") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, builder: Builder, loneSurrogates: JSONParser.LoneSurrogates) {
        self.bytes = bytes
        self.builder = builder
        self.loneSurrogates = loneSurrogates
    }

    /// A failure at the current position; its line and column are worked out only now, so the
    /// happy path never counts lines.
    private func failure(_ reason: String) -> Failure {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(position, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Failure(reason: reason, location: JSONLocation(line: line, column: column, offset: position))
    }

    private mutating func value() throws(Failure) -> Builder.Node {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end of input, expected a value") }
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""):
            let text = try string()
            return builder.string(text, start: start, end: position)
        case UInt8(ascii: "t"):
            try literal("true")
            return builder.bool(true, start: start, end: position)
        case UInt8(ascii: "f"):
            try literal("false")
            return builder.bool(false, start: start, end: position)
        case UInt8(ascii: "n"):
            try literal("null")
            return builder.null(start: start, end: position)
        default:
            let (number, literal) = try number()
            return builder.number(number, literal: literal, start: start, end: position)
        }
    }

    private mutating func object() throws(Failure) -> Builder.Node {
        let start = position
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nesting too deep") }
        defer { depth -= 1 }
        position += 1
        var members = builder.beginObject()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return builder.endObject(members, start: start, end: position)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let keyStart = position
            let key = try string()
            let keyEnd = position
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':'") }
            position += 1
            builder.addMember(key, keyStart: keyStart, keyEnd: keyEnd, value: try value(), to: &members)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return builder.endObject(members, start: start, end: position)
            default: throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func array() throws(Failure) -> Builder.Node {
        let start = position
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nesting too deep") }
        defer { depth -= 1 }
        position += 1
        var items = builder.beginArray()
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return builder.endArray(items, start: start, end: position)
        }
        while true {
            builder.addElement(try value(), to: &items)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return builder.endArray(items, start: start, end: position)
            default: throw failure("expected ',' or ']'")
            }
        }
    }

    private mutating func string() throws(Failure) -> String {
        position += 1
        let start = position
        // Fast path: no escapes. Whole words first, while none of their eight bytes needs a look.
        while position + 8 <= bytes.count,
            !Self.needsLook(UnsafeRawPointer(bytes.baseAddress! + position).loadUnaligned(as: UInt64.self))
        {
            position += 8
        }
        while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\") {
            guard bytes[position] >= 0x20 else { throw failure("control character in string") }
            position += 1
        }
        guard position < bytes.count else { throw failure("unterminated string") }
        if bytes[position] == UInt8(ascii: "\"") {
            let text = try text(bytes[start..<position], at: start)
            position += 1
            return text
        }
        var buffer = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try text(buffer[...], at: start)
            case UInt8(ascii: "\\"):
                position += 1
                try escape(into: &buffer)
            case 0..<0x20: throw failure("control character in string")
            default:
                position += 1
                buffer.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    /// Whether any byte of `word` is a quote, a backslash or a control character (below 0x20):
    /// the bit tricks for "has a zero byte" and "has a byte less than n", exact for the whole word.
    private static func needsLook(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highBits != 0 }
        let hasControl = (word &- ones &* 0x20) & ~word & highBits != 0
        return hasControl || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    private mutating func escape(into buffer: inout [UInt8]) throws(Failure) {
        guard position < bytes.count else { throw failure("unterminated string") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(byte)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            position += 1
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                let start = position
                var low: UInt32?
                if peek() == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") {
                    position += 2
                    low = try hex4()
                }
                if let low, (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    // The escape after it (if any) is read on its own.
                    position = start
                    scalar = try loneSurrogate()
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = try loneSurrogate()
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
            buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
            return
        default: throw failure("invalid escape")
        }
        position += 1
    }

    /// The scalar a lone surrogate is read as, unless the document is refused for it.
    private func loneSurrogate() throws(Failure) -> UInt32 {
        switch loneSurrogates {
        case .refused: throw failure("unpaired surrogate in \\u escape")
        case .noncharacter: 0xFFFE
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            position += 1
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as RFC 8259 writes numbers.
    private mutating func number() throws(Failure) -> (Double, String) {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else {
            guard digits() > 0 else { throw failure(position == start ? "expected a value" : "invalid number") }
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw failure("invalid number") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("invalid number") }
        }
        let literal = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(literal), value.isFinite else {
            position = start
            throw failure("number out of range")
        }
        return (value, literal)
    }

    private mutating func digits() -> Int {
        let start = position
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position - start
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("expected a value") }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] { throw failure("expected a value") }
        position += count
    }

    private mutating func skipWhitespace() {
        while position < bytes.count,
            bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09
        {
            position += 1
        }
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    /// The bytes as text; on invalid UTF-8 the failure points at the string's first byte.
    private mutating func text<Bytes: Collection<UInt8>>(_ slice: Bytes, at start: Int) throws(Failure) -> String {
        guard let text = String(validating: slice, as: UTF8.self) else {
            position = start
            throw failure("invalid UTF-8 in string")
        }
        return text
    }
}
