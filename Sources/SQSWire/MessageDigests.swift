import QueueEngine
import SealCrypto

/// The MD5 checksums SQS returns, byte-exact to AWS's algorithm (SDKs verify them).
public enum MessageDigests {
    /// Lowercase hex MD5 of the body's UTF-8 bytes.
    public static func body(_ body: String) -> String {
        Hex.encode(Digest.md5(body.utf8))
    }

    /// MD5 over attributes sorted by name: for each, length-prefixed name and type, a
    /// transport byte (1 string, 2 binary), then the length-prefixed value. Nil for none.
    public static func attributes(_ attributes: [String: MessageAttributeValue]) -> String? {
        guard !attributes.isEmpty else { return nil }
        var bytes: [UInt8] = []
        for name in attributes.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
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
        return Hex.encode(Digest.md5(bytes))
    }

    private static func appendField(_ field: [UInt8], to bytes: inout [UInt8]) {
        let length = UInt32(field.count)
        bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        bytes += field
    }
}
