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
        var offset = 1
        var result: [String: MessageAttributeValue] = [:]
        while offset < bytes.count {
            let name = String(decoding: try readField(bytes, &offset), as: UTF8.self)
            let type = String(decoding: try readField(bytes, &offset), as: UTF8.self)
            guard offset < bytes.count else { throw StorageError.corrupt("truncated attribute") }
            let kind = bytes[offset]
            offset += 1
            let value = try readField(bytes, &offset)
            result[name] = kind == 2
                ? MessageAttributeValue(dataType: type, binaryValue: value)
                : MessageAttributeValue(dataType: type, stringValue: String(decoding: value, as: UTF8.self))
        }
        return result
    }

    private static func readField(_ bytes: [UInt8], _ offset: inout Int) throws -> [UInt8] {
        guard offset + 4 <= bytes.count else { throw StorageError.corrupt("truncated attribute length") }
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        offset += 4
        guard offset + length <= bytes.count else { throw StorageError.corrupt("truncated attribute field") }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}

/// Failures of the storage layer itself.
public enum StorageError: Error, CustomStringConvertible {
    /// Stored bytes could not be decoded.
    case corrupt(String)

    /// A description without any stored payload.
    public var description: String {
        switch self {
        case .corrupt(let what): return "corrupt stored data: \(what)"
        }
    }
}
