/// A response tree that both serializers walk: JSON ignores the XML element names, XML uses
/// them for SQS's flattened lists and maps.
public indirect enum OutputNode: Sendable {
    /// A text value.
    case text(String)
    /// A structure whose members keep their order.
    case structure([(String, OutputNode)])
    /// A list; XML writes each item as `<itemName>` without a wrapper.
    case list(itemName: String, [OutputNode])
    /// A map; XML writes each entry as `<entryName><keyName>k</keyName><valueName>v</valueName></entryName>`.
    case map(entryName: String, keyName: String, valueName: String, [(String, OutputNode)])
    /// A boolean.
    case boolean(Bool)
    /// An integer.
    case number(Int64)
    /// JSON's `null` (an empty element in XML).
    case null
}

/// Serializes an `OutputNode` as JSON.
public enum JSONWriter {
    /// Appends `node` as JSON to `output`.
    public static func write(_ node: OutputNode, into output: inout [UInt8]) {
        switch node {
        case .text(let text): writeString(text, into: &output)
        case .boolean(let value): output += Array((value ? "true" : "false").utf8)
        case .number(let value): output += Array(String(value).utf8)
        case .null: output += Array("null".utf8)
        case .structure(let members):
            output.append(UInt8(ascii: "{"))
            for (index, (name, value)) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(name, into: &output)
                output.append(UInt8(ascii: ":"))
                write(value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .list(_, let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(item, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .map(_, _, _, let entries):
            write(.structure(entries), into: &output)
        }
    }

    /// Appends `text` as a JSON string literal to `output`: runs that need no escaping are
    /// copied whole.
    public static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(byte, to: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default: output += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        }
    }
}

/// Serializes an `OutputNode` as the Query protocol's XML.
public enum XMLWriter {
    /// Appends `node` as XML content (no enclosing element) to `output`.
    public static func write(_ node: OutputNode, into output: inout [UInt8]) {
        switch node {
        case .text(let text): escape(text, into: &output)
        case .null: break
        case .boolean(let value): output += Array((value ? "true" : "false").utf8)
        case .number(let value): output += Array(String(value).utf8)
        case .structure(let members):
            for (name, value) in members { element(name, value, into: &output) }
        case .list(let itemName, let items):
            for item in items { element(itemName, item, into: &output) }
        case .map(let entryName, let keyName, let valueName, let entries):
            for (key, value) in entries {
                element(entryName, .structure([(keyName, .text(key)), (valueName, value)]), into: &output)
            }
        }
    }

    /// Appends `value` wrapped in `<name>`; lists and maps are flattened, without the wrapper.
    public static func element(_ name: String, _ value: OutputNode, into output: inout [UInt8]) {
        if case .list = value { return write(value, into: &output) }
        if case .map = value { return write(value, into: &output) }
        output += Array("<\(name)>".utf8)
        write(value, into: &output)
        output += Array("</\(name)>".utf8)
    }

    /// Escapes text for XML content, keeping `\r` as a character reference so parsers do not drop
    /// it. Characters XML 1.0 cannot carry at all (C0 controls other than tab, line feed and
    /// carriage return; U+FFFE and U+FFFF) become U+FFFD, so an answer that echoes a client's
    /// bad input (an error message, say) is still well-formed.
    public static func escape(_ text: String, into output: inout [UInt8]) {
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        let bytes = text.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            bytes.formIndex(after: &index)
            switch byte {
            case UInt8(ascii: "&"): output += Array("&amp;".utf8)
            case UInt8(ascii: "<"): output += Array("&lt;".utf8)
            case UInt8(ascii: ">"): output += Array("&gt;".utf8)
            case UInt8(ascii: "\""): output += Array("&quot;".utf8)
            case UInt8(ascii: "'"): output += Array("&apos;".utf8)
            case 0x0D: output += Array("&#13;".utf8)
            case 0x09, 0x0A: output.append(byte)
            case 0x00..<0x20: output += replacement
            case 0xEF:
                // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
                var ahead = index
                if ahead != bytes.endIndex, bytes[ahead] == 0xBF {
                    bytes.formIndex(after: &ahead)
                    if ahead != bytes.endIndex, bytes[ahead] == 0xBE || bytes[ahead] == 0xBF {
                        output += replacement
                        index = bytes.index(after: ahead)
                        continue
                    }
                }
                output.append(byte)
            default: output.append(byte)
            }
        }
    }
}
