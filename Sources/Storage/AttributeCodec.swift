import QueueEngine

/// The on-disk form of message attributes: a version byte, then SQS's canonical attribute
/// bytes (`AttributeEncoding`).
enum AttributeCodec {
    private static let version: UInt8 = 1

    /// Encodes attributes; nil for none.
    static func encode(_ attributes: [String: MessageAttributeValue]) -> [UInt8]? {
        guard !attributes.isEmpty else { return nil }
        return [version] + AttributeEncoding.canonicalBytes(attributes)
    }

    /// Decodes what `encode` wrote; throws `StorageError.corrupt` on anything else.
    static func decode(_ bytes: [UInt8]?) throws -> [String: MessageAttributeValue] {
        guard let bytes, !bytes.isEmpty else { return [:] }
        guard bytes[0] == version else { throw StorageError.corrupt("unknown attribute encoding \(bytes[0])") }
        guard let attributes = AttributeEncoding.decode(bytes[1...]) else { throw StorageError.corrupt("truncated attribute") }
        return attributes
    }
}
