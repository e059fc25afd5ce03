import SealCrypto
import Testing

@testable import QueueEngine
@testable import SQSWire

/// The MD5 checksums SDKs verify. Expected values are built here byte by byte from the documented
/// layout, and a few are fixed hex computed independently with Python's hashlib:
/// python3 -c 'import hashlib,struct; f=lambda b: struct.pack(">I",len(b))+b; …'
@Suite("MessageDigests")
struct MessageDigestsTests {
    /// `len(name) name len(type) type T len(value) value`, lengths 4-byte big-endian.
    private static func entry(_ name: String, _ type: String, transport: UInt8, _ value: [UInt8]) -> [UInt8] {
        func field(_ bytes: [UInt8]) -> [UInt8] {
            let n = UInt32(bytes.count)
            return [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] + bytes
        }
        return field(Array(name.utf8)) + field(Array(type.utf8)) + [transport] + field(value)
    }

    @Test("Body digest is the hex MD5 of the UTF-8 bytes")
    func bodyDigest() {
        #expect(MessageDigests.body("hello") == "5d41402abc4b2a76b9719d911017c592")
        // python3 -c 'import hashlib; print(hashlib.md5("ünï ሴ 😀\r\n".encode()).hexdigest())'
        #expect(MessageDigests.body("ünï ሴ 😀\r\n") == "f54c6c6368406b2189e280c5b471eecc")
    }

    @Test("No attributes means no digest at all")
    func noAttributes() {
        #expect(MessageDigests.attributes([:]) == nil)
    }

    @Test("One String attribute: fixed value and hand-built layout agree")
    func oneStringAttribute() {
        let digest = MessageDigests.attributes(["attr1": MessageAttributeValue(dataType: "String", stringValue: "value1")])
        #expect(digest == "3bc3f392bdd1097ba0b434f65d468d2e")
        let layout = Self.entry("attr1", "String", transport: 1, Array("value1".utf8))
        #expect(layout.count == 4 + 5 + 4 + 6 + 1 + 4 + 6)
        #expect(digest == Hex.encode(Digest.md5(layout)))
    }

    @Test("Binary, Number with a custom label and non-ASCII String values, sorted by name")
    func mixedAttributes() {
        let attributes: [String: MessageAttributeValue] = [
            "c": MessageAttributeValue(dataType: "String.custom", stringValue: "ünï ሴ 😀"),
            "b": MessageAttributeValue(dataType: "Binary", binaryValue: [0, 1, 255]),
            "a": MessageAttributeValue(dataType: "Number.float", stringValue: "1.5"),
        ]
        let layout = Self.entry("a", "Number.float", transport: 1, Array("1.5".utf8))
            + Self.entry("b", "Binary", transport: 2, [0, 1, 255])
            + Self.entry("c", "String.custom", transport: 1, Array("ünï ሴ 😀".utf8))
        #expect(MessageDigests.attributes(attributes) == Hex.encode(Digest.md5(layout)))
        #expect(MessageDigests.attributes(attributes) == "b7942da93df397c1cf784180f1fdddf6")
    }

    @Test("Names sort by byte value: uppercase before lowercase, '-' < '.' < '_'")
    func sortOrder() {
        let attributes: [String: MessageAttributeValue] = [
            "a_b": MessageAttributeValue(dataType: "String", stringValue: "1"),
            "a.b": MessageAttributeValue(dataType: "String", stringValue: "2"),
            "a-b": MessageAttributeValue(dataType: "String", stringValue: "3"),
            "B": MessageAttributeValue(dataType: "String", stringValue: "4"),
        ]
        let layout = Self.entry("B", "String", transport: 1, Array("4".utf8))
            + Self.entry("a-b", "String", transport: 1, Array("3".utf8))
            + Self.entry("a.b", "String", transport: 1, Array("2".utf8))
            + Self.entry("a_b", "String", transport: 1, Array("1".utf8))
        #expect(MessageDigests.attributes(attributes) == Hex.encode(Digest.md5(layout)))
        #expect(MessageDigests.attributes(attributes) == "d8ce00fe6b3f9a65d8726be471c2089a")
    }

    @Test("Binary values are hashed as raw bytes with transport byte 2, not as text")
    func binaryTransport() {
        let binary = MessageDigests.attributes(["x": MessageAttributeValue(dataType: "Binary", binaryValue: Array("abc".utf8))])
        let string = MessageDigests.attributes(["x": MessageAttributeValue(dataType: "Binary", stringValue: "abc")])
        #expect(binary == Hex.encode(Digest.md5(Self.entry("x", "Binary", transport: 2, Array("abc".utf8)))))
        #expect(binary != string)
    }

    @Test("The custom type label is part of the hashed type")
    func customLabelMatters() {
        let plain = MessageDigests.attributes(["n": MessageAttributeValue(dataType: "Number", stringValue: "1")])
        let labelled = MessageDigests.attributes(["n": MessageAttributeValue(dataType: "Number.int", stringValue: "1")])
        #expect(plain != labelled)
        #expect(labelled == Hex.encode(Digest.md5(Self.entry("n", "Number.int", transport: 1, Array("1".utf8)))))
    }

    @Test("System attributes (AWSTraceHeader) use the same algorithm")
    func systemAttributes() {
        let digest = MessageDigests.attributes([
            "AWSTraceHeader": MessageAttributeValue(dataType: "String", stringValue: "Root=1-5759e988-bd862e3fe1be46a994272793")
        ])
        #expect(digest == "62a56dd927315f2b2e12832b84617ea5")
    }
}
