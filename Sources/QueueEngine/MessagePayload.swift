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

    /// Reads what `bytes` wrote; nil when `encoded` is not in that form.
    public init?(decoding encoded: [UInt8]) {
        guard encoded.first == Self.version else { return nil }
        var offset = 1
        let all = encoded[...]
        guard let body = AttributeEncoding.readField(all, &offset),
            let attributeBytes = AttributeEncoding.readField(all, &offset),
            let systemBytes = AttributeEncoding.readField(all, &offset), offset == encoded.count,
            let attributes = AttributeEncoding.decode(attributeBytes),
            let systemAttributes = AttributeEncoding.decode(systemBytes)
        else { return nil }
        self.init(body: String(decoding: body, as: UTF8.self), attributes: attributes, systemAttributes: systemAttributes)
    }

    /// The encoded payload.
    public var bytes: [UInt8] {
        let attributeBytes = AttributeEncoding.canonicalBytes(attributes)
        let systemBytes = AttributeEncoding.canonicalBytes(systemAttributes)
        var output = [Self.version]
        output.reserveCapacity(13 + body.utf8.count + attributeBytes.count + systemBytes.count)
        var body = body
        body.withUTF8 { AttributeEncoding.appendField($0, to: &output) }
        AttributeEncoding.appendField(attributeBytes, to: &output)
        AttributeEncoding.appendField(systemBytes, to: &output)
        return output
    }
}
