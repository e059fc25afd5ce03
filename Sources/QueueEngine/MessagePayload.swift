import Foundation

/// What server-side encryption protects of a message: its body, its message attributes, its
/// system attributes (`AWSTraceHeader`) and a FIFO deduplication id the sender chose, as one
/// byte string.
///
/// Layout: `0x01`, then the body, the canonical attribute bytes and the canonical system
/// attribute bytes (`AttributeEncoding`), each with a 4-byte big-endian length; with a
/// deduplication id, `0x02` and the same followed by the id (also length-prefixed).
public struct MessagePayload: Sendable, Equatable {
    private static let version: UInt8 = 1
    private static let versionWithDeduplicationId: UInt8 = 2

    /// The body text.
    public var body: String
    /// User message attributes.
    public var attributes: [String: MessageAttributeValue]
    /// System attributes.
    public var systemAttributes: [String: MessageAttributeValue]
    /// A FIFO deduplication id the sender chose (one the body does not give back).
    public var deduplicationId: String?

    /// A payload of these parts.
    public init(
        body: String, attributes: [String: MessageAttributeValue], systemAttributes: [String: MessageAttributeValue],
        deduplicationId: String? = nil
    ) {
        self.body = body
        self.attributes = attributes
        self.systemAttributes = systemAttributes
        self.deduplicationId = deduplicationId
    }

    /// Reads what `encoding` wrote; nil when `encoded` is not in that form.
    public init?(decoding encoded: some ContiguousBytes) {
        let parts = encoded.withUnsafeBytes { raw -> MessagePayload? in
            let all = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)[...]
            guard let version = all.first, version == Self.version || version == Self.versionWithDeduplicationId else { return nil }
            var offset = 1
            guard let body = AttributeEncoding.readField(all, &offset),
                let attributeBytes = AttributeEncoding.readField(all, &offset),
                let systemBytes = AttributeEncoding.readField(all, &offset),
                let attributes = AttributeEncoding.decode(attributeBytes),
                let systemAttributes = AttributeEncoding.decode(systemBytes)
            else { return nil }
            var deduplicationId: String?
            if version == Self.versionWithDeduplicationId {
                guard let id = AttributeEncoding.readField(all, &offset) else { return nil }
                deduplicationId = String(decoding: UnsafeBufferPointer(rebasing: id), as: UTF8.self)
            }
            guard offset == all.endIndex else { return nil }
            return MessagePayload(
                body: String(decoding: UnsafeBufferPointer(rebasing: body), as: UTF8.self), attributes: attributes,
                systemAttributes: systemAttributes, deduplicationId: deduplicationId)
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
        fileprivate var deduplicationId: String?
        /// The encoded length in bytes.
        public let count: Int

        /// Writes the encoded payload into `output`, which must be `count` bytes.
        public func write(into output: UnsafeMutableRawBufferPointer) {
            precondition(output.count == count, "a payload encoding is written into exactly its count of bytes")
            output[0] = deduplicationId == nil ? MessagePayload.version : MessagePayload.versionWithDeduplicationId
            var offset = 1
            var body = body
            body.withUTF8 { Self.writeField(UnsafeRawBufferPointer($0), into: output, at: &offset) }
            attributeBytes.withUnsafeBytes { Self.writeField($0, into: output, at: &offset) }
            systemBytes.withUnsafeBytes { Self.writeField($0, into: output, at: &offset) }
            if var deduplicationId { deduplicationId.withUTF8 { Self.writeField(UnsafeRawBufferPointer($0), into: output, at: &offset) } }
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
            body: body, attributeBytes: attributeBytes, systemBytes: systemBytes, deduplicationId: deduplicationId,
            count: 13 + body.utf8.count + attributeBytes.count + systemBytes.count + (deduplicationId.map { 4 + $0.utf8.count } ?? 0))
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
