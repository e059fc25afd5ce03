import Testing

@testable import SealCrypto

@Suite("Hex")
struct HexTests {
    @Test("Encodes every byte value as two lowercase digits, most significant nibble first")
    func encodesAllByteValues() {
        let encoded = Hex.encode(Array(UInt8.min...UInt8.max))
        #expect(encoded.count == 512)
        #expect(encoded.hasPrefix("000102030405060708090a0b0c0d0e0f10"))
        #expect(encoded.hasSuffix("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"))
        #expect(encoded == encoded.lowercased())
        let chars = Array(encoded)
        for byte in 0...255 {
            #expect(String(chars[byte * 2..<byte * 2 + 2]) == String(format2: byte))
        }
    }

    @Test("Encodes empty input as empty text; output length is twice the input")
    func emptyAndSequences() {
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0xDE, 0xAD, 0xBE, 0xEF]) == "deadbeef")
        #expect(Hex.encode([UInt8](repeating: 0xAB, count: 3)) == "ababab")
        #expect(Hex.encode(Array("Az".utf8)) == "417a")
        #expect(Hex.encode([0x00]) == "00")
        #expect(Hex.encode([0xFF, 0x00, 0x0F, 0xF0]) == "ff000ff0")
    }
}

extension String {
    /// Two-digit lowercase hex, computed independently of `Hex`.
    fileprivate init(format2 value: Int) {
        let digits = Array("0123456789abcdef")
        self = String([digits[value / 16], digits[value % 16]])
    }
}

@Suite("Hex.append")
struct HexAppendTests {
    @Test("Appends the same lowercase digits encode gives, after what is there")
    func appends() {
        var output = Array("x=".utf8)
        Hex.append([0x00, 0x0F, 0xA5, 0xFF], to: &output)
        #expect(String(decoding: output, as: UTF8.self) == "x=" + Hex.encode([0x00, 0x0F, 0xA5, 0xFF]))
        #expect(String(decoding: output, as: UTF8.self) == "x=000fa5ff")
    }
}
