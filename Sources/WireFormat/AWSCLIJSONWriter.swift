/// Writes an `OutputNode` exactly as awscli's default `json` output does (Python's
/// `json.dump(indent=4, ensure_ascii=False)` plus a final newline), so `sealq` can print what `aws` prints.
public enum AWSCLIJSONWriter {
    /// The whole document `node`, newline-terminated.
    public static func document(_ node: OutputNode) -> [UInt8] {
        var output: [UInt8] = []
        write(node, indent: 0, into: &output)
        output.append(UInt8(ascii: "\n"))
        return output
    }

    private static func write(_ node: OutputNode, indent: Int, into output: inout [UInt8]) {
        switch node {
        case .text(let text): writeString(text, into: &output)
        case .null: output += Array("null".utf8)
        case .boolean(let value): output += Array((value ? "true" : "false").utf8)
        case .number(let value): output += Array(String(value).utf8)
        case .structure(let members), .map(_, _, _, let members):
            container("{", "}", members, indent: indent, into: &output) { member, output in
                writeString(member.0, into: &output)
                output += Array(": ".utf8)
                write(member.1, indent: indent + 1, into: &output)
            }
        case .list(_, let items):
            container("[", "]", items, indent: indent, into: &output) { item, output in
                write(item, indent: indent + 1, into: &output)
            }
        }
    }

    /// `open`, each element on its own line one level deeper, `close` back at `indent`; `[]` or `{}` when empty.
    private static func container<Element>(
        _ open: Character, _ close: Character, _ elements: [Element], indent: Int, into output: inout [UInt8],
        writeElement: (Element, inout [UInt8]) -> Void
    ) {
        output += Array(String(open).utf8)
        for (index, element) in elements.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            newline(indent + 1, into: &output)
            writeElement(element, &output)
        }
        if !elements.isEmpty { newline(indent, into: &output) }
        output += Array(String(close).utf8)
    }

    private static func newline(_ indent: Int, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\n"))
        output += [UInt8](repeating: UInt8(ascii: " "), count: indent * 4)
    }

    /// Python's escaping with `ensure_ascii=False`: it differs from `JSONWriter.writeString` in writing
    /// backspace and form feed as `\b` and `\f`; everything from U+007F up is written as is.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): output += Array(#"\\"#.utf8)
            case 0x08: output += Array(#"\b"#.utf8)
            case 0x0C: output += Array(#"\f"#.utf8)
            case 0x0A: output += Array(#"\n"#.utf8)
            case 0x0D: output += Array(#"\r"#.utf8)
            case 0x09: output += Array(#"\t"#.utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                output += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
