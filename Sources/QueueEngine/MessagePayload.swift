import Foundation

/// What server-side encryption protects of a message: its body, its message attributes and its
/// system attributes (`AWSTraceHeader`), as one byte string.
///
/// Layout (version 1): `0x01`, then the body, the canonical attribute bytes and the canonical
/// system attribute bytes (`AttributeEncoding`), each with a 4-byte big-endian length.
public struct MessagePayload: Sendable, Equatable {
    private static let version: UInt8 = 1

    /// The body text.
    public var body: String
    /// User message attributes.
    public var attributes: [String: MessageAttributeValue]
    /// System attributes.
    public var systemAttributes: [String: MessageAttributeValue]

    /// A payload of these parts.
    public init(body: String, attributes: [String: MessageAttributeValue], systemAttributes: [String: MessageAttributeValue]) {
        self.body = body
        self.attributes = attributes
        self.systemAttributes = systemAttributes
    }

    /// Reads what `encoding` wrote; nil when `encoded` is not in that form.
    public init?(decoding encoded: some ContiguousBytes) {
        let parts = encoded.withUnsafeBytes { raw -> MessagePayload? in
            let all = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)[...]
            guard all.first == Self.version else { return nil }
            var offset = 1
            guard let body = AttributeEncoding.readField(all, &offset),
                let attributeBytes = AttributeEncoding.readField(all, &offset),
                let systemBytes = AttributeEncoding.readField(all, &offset), offset == all.endIndex,
                let attributes = AttributeEncoding.decode(attributeBytes),
                let systemAttributes = AttributeEncoding.decode(systemBytes)
            else { return nil }
            return MessagePayload(
                body: String(decoding: UnsafeBufferPointer(rebasing: body), as: UTF8.self), attributes: attributes,
                systemAttributes: systemAttributes)
        }
        guard let parts else { return nil }
        self = parts
    }

    /// The encoded payload, sized before it is written, so a sealer can put it straight into
    /// its output.
    public struct Encoding {
        fileprivate var body: String
        fileprivate let attributeBytes: [UInt8]
        fileprivate let systemBytes: [UInt8]
        /// The encoded length in bytes.
        public let count: Int

        /// Writes the encoded payload into `output`, which must be `count` bytes.
        public func write(into output: UnsafeMutableRawBufferPointer) {
            precondition(output.count == count, "a payload encoding is written into exactly its count of bytes")
            output[0] = MessagePayload.version
            var offset = 1
            var body = body
            body.withUTF8 { Self.writeField(UnsafeRawBufferPointer($0), into: output, at: &offset) }
            attributeBytes.withUnsafeBytes { Self.writeField($0, into: output, at: &offset) }
            systemBytes.withUnsafeBytes { Self.writeField($0, into: output, at: &offset) }
        }

        private static func writeField(_ field: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, at offset: inout Int) {
            withUnsafeBytes(of: UInt32(field.count).bigEndian) { length in
                UnsafeMutableRawBufferPointer(rebasing: output[offset..<offset + 4]).copyMemory(from: length)
            }
            UnsafeMutableRawBufferPointer(rebasing: output[offset + 4..<offset + 4 + field.count]).copyMemory(from: field)
            offset += 4 + field.count
        }
    }

    /// The encoding of this payload.
    public var encoding: Encoding {
        let attributeBytes = AttributeEncoding.canonicalBytes(attributes)
        let systemBytes = AttributeEncoding.canonicalBytes(systemAttributes)
        return Encoding(
            body: body, attributeBytes: attributeBytes, systemBytes: systemBytes,
            count: 13 + body.utf8.count + attributeBytes.count + systemBytes.count)
    }

    /// The encoded payload.
    public var bytes: [UInt8] {
        let encoding = encoding
        return [UInt8](unsafeUninitializedCapacity: encoding.count) { output, initialized in
            encoding.write(into: UnsafeMutableRawBufferPointer(output))
            initialized = encoding.count
        }
    }
}
