/// SQS's canonical byte form of message attributes, as its MD5OfMessageAttributes digests
/// them: sorted by the names' UTF-8 bytes, each attribute as length-prefixed name and data
/// type, a transport byte (1 string, 2 binary), then the length-prefixed value; every length
/// a 4-byte big-endian count. The store keeps attributes in this same form.
public enum AttributeEncoding {
    /// The canonical bytes of `attributes` (empty for none).
    public static func canonicalBytes(_ attributes: [String: MessageAttributeValue]) -> [UInt8] {
        var bytes: [UInt8] = []
        for name in attributes.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let value = attributes[name]!
            appendField(name.utf8, to: &bytes)
            appendField(value.dataType.utf8, to: &bytes)
            if let binary = value.binaryValue {
                bytes.append(2)
                appendField(binary, to: &bytes)
            } else {
                bytes.append(1)
                appendField((value.stringValue ?? "").utf8, to: &bytes)
            }
        }
        return bytes
    }

    /// Reads what `canonicalBytes` wrote; nil when the bytes are not in that form.
    public static func decode<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> [String: MessageAttributeValue]?
    where Bytes.Index == Int, Bytes.SubSequence == Bytes {
        var offset = bytes.startIndex
        var result: [String: MessageAttributeValue] = [:]
        while offset < bytes.endIndex {
            guard let name = readField(bytes, &offset), let type = readField(bytes, &offset), offset < bytes.endIndex else {
                return nil
            }
            let transport = bytes[offset]
            offset += 1
            guard let value = readField(bytes, &offset), transport == 1 || transport == 2 else { return nil }
            result[String(decoding: name, as: UTF8.self)] = transport == 2
                ? MessageAttributeValue(dataType: String(decoding: type, as: UTF8.self), binaryValue: Array(value))
                : MessageAttributeValue(dataType: String(decoding: type, as: UTF8.self), stringValue: String(decoding: value, as: UTF8.self))
        }
        return result
    }

    /// A length-prefixed field at `offset`, advancing past it; nil when truncated.
    static func readField<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ offset: inout Int) -> Bytes?
    where Bytes.Index == Int, Bytes.SubSequence == Bytes {
        guard bytes.endIndex - offset >= 4 else { return nil }
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        offset += 4
        guard bytes.endIndex - offset >= length else { return nil }
        defer { offset += length }
        return bytes[offset..<offset + length]
    }

    static func appendField(_ field: some Collection<UInt8>, to bytes: inout [UInt8]) {
        let length = UInt32(field.count)
        bytes.append(UInt8(length >> 24))
        bytes.append(UInt8(length >> 16 & 0xFF))
        bytes.append(UInt8(length >> 8 & 0xFF))
        bytes.append(UInt8(length & 0xFF))
        bytes.append(contentsOf: field)
    }
}
