import NIOCore

/// A parsed JSON document: enough of JSON to read SQS answers without Foundation.
enum JSONValue: Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    /// A number, kept as its text (the benchmark never computes with one).
    case number(String)
    case bool(Bool)
    case null

    /// Thrown for text that is not one complete JSON value.
    struct SyntaxError: Error, CustomStringConvertible {
        /// Byte offset of the problem.
        let offset: Int
        var description: String { "invalid JSON at byte \(offset)" }
    }

    /// Parses the readable bytes of `buffer`.
    init(parsing buffer: ByteBuffer) throws {
        self = try buffer.withUnsafeReadableBytes { bytes in
            var parser = JSONParser(bytes: bytes)
            return try parser.parseDocument()
        }
    }

    /// The member `key` of an object; nil for anything else.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    /// The text of a string value.
    var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The elements of an array value.
    var array: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }
}

/// A recursive-descent JSON parser over raw UTF-8 bytes.
private struct JSONParser {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw JSONValue.SyntaxError(offset: index) }
        return value
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < 64 else { throw JSONValue.SyntaxError(offset: index) }
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw JSONValue.SyntaxError(offset: index) }
            let key = try parseString()
            skipWhitespace()
            try consume(UInt8(ascii: ":"))
            members[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { index += 1; continue }
            try consume(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { index += 1; continue }
            try consume(UInt8(ascii: "]"))
            return .array(elements)
        }
    }

    /// Parses a string literal; the common case without escapes is a single copy.
    private mutating func parseString() throws -> String {
        index += 1
        let start = index
        skipPlainStringBytes()
        if peek() == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
        }
        var utf8 = Array(bytes[start..<index])
        while peek() == UInt8(ascii: "\\") {
            index += 1
            try appendEscape(to: &utf8)
            let plainStart = index
            skipPlainStringBytes()
            utf8.append(contentsOf: bytes[plainStart..<index])
        }
        try consume(UInt8(ascii: "\""))
        return String(decoding: utf8, as: UTF8.self)
    }

    private mutating func skipPlainStringBytes() {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            index += 1
        }
    }

    private mutating func appendEscape(to utf8: inout [UInt8]) throws {
        let escape = peek()
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var code = try parseHex4()
            if (0xD800..<0xDC00).contains(code), peek() == UInt8(ascii: "\\") {
                index += 1
                try consume(UInt8(ascii: "u"))
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw JSONValue.SyntaxError(offset: index) }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            utf8.append(contentsOf: String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
        default: throw JSONValue.SyntaxError(offset: index - 1)
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
            let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw JSONValue.SyntaxError(offset: index) }
        index += 4
        return code
    }

    private mutating func parseNumber() throws -> String {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        guard index > start else { throw JSONValue.SyntaxError(offset: index) }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func expect(_ literal: StaticString) throws {
        let text = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard index + text.count <= bytes.count, bytes[index..<index + text.count].elementsEqual(text) else {
            throw JSONValue.SyntaxError(offset: index)
        }
        index += text.count
    }

    private mutating func consume(_ byte: UInt8) throws {
        guard peek() == byte else { throw JSONValue.SyntaxError(offset: index) }
        index += 1
    }

    private func peek() -> UInt8 {
        index < bytes.count ? bytes[index] : 0
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            true
        default: false
        }
    }
}
