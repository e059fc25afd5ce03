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
            appendField(Array(name.utf8), to: &bytes)
            appendField(Array(value.dataType.utf8), to: &bytes)
            if let binary = value.binaryValue {
                bytes.append(2)
                appendField(binary, to: &bytes)
            } else {
                bytes.append(1)
                appendField(Array((value.stringValue ?? "").utf8), to: &bytes)
            }
        }
        return bytes
    }

    private static func appendField(_ field: [UInt8], to bytes: inout [UInt8]) {
        let length = UInt32(field.count)
        bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        bytes += field
    }
}
