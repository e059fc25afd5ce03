import Testing
import WireJSON

@Suite("JSON strings: the word-at-a-time scan stops at every byte that needs a look")
struct JSONStringTests {
    func parsed(_ text: [UInt8]) throws -> String? {
        try JSONParser.parse(Array("\"".utf8) + text + Array("\"".utf8)).string
    }

    @Test("A quote, an escape or a control character is found at every offset of the first words")
    func everyOffset() throws {
        for length in 0..<26 {
            let plain = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            #expect(try parsed(plain) == String(decoding: plain, as: UTF8.self))
            for offset in 0..<length {
                var escaped = plain
                escaped.replaceSubrange(offset..<offset + 1, with: Array("\\n".utf8))
                var expected = plain
                expected[offset] = 0x0A
                #expect(try parsed(escaped) == String(decoding: expected, as: UTF8.self), "escape at \(offset) of \(length)")

                var quoted = plain
                quoted[offset] = UInt8(ascii: "\"")
                #expect(throws: JSONParser.Failure.self, "a quote at \(offset) of \(length) ends the string early") {
                    _ = try parsed(quoted)
                }
                for control: UInt8 in [0x00, 0x09, 0x1F] {
                    var bad = plain
                    bad[offset] = control
                    #expect(throws: JSONParser.Failure.self, "control \(control) at \(offset) of \(length)") { _ = try parsed(bad) }
                }
            }
        }
    }

    @Test("Bytes at and above 0x80, and the bytes next to the special ones, are not mistaken for them")
    func neighbours() throws {
        let text = "é€😀 !#[]~\u{7F} \u{21}\u{23}\u{5B}\u{5D} ünïcödé over several words"
        #expect(try parsed(Array(text.utf8)) == text)
        let document = try JSONParser.parse(Array(#"{"Body":"0123456789abcdef\"quoted\" \\ end","n":1}"#.utf8))
        #expect(document["Body"]?.string == #"0123456789abcdef"quoted" \ end"#)
        #expect(throws: JSONParser.Failure.self, "unterminated after whole words") {
            _ = try JSONParser.parse(Array("\"0123456789abcdef0123".utf8))
        }
    }

    @Test("A lone surrogate escape is refused by default, and read as U+FFFE when asked")
    func loneSurrogates() throws {
        for text in [#""\ud83d""#, #""\ude00""#, #""\ud83d\u0041""#] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { _ = try JSONParser.parse(Array(text.utf8)) }
        }
        #expect(try JSONParser.parse(Array(#""\ud83d\u0041""#.utf8), loneSurrogates: .noncharacter).string == "\u{FFFE}A")
        #expect(try JSONParser.parse(Array(#""\ud83d\ude00""#.utf8), loneSurrogates: .noncharacter).string == "😀")
    }
}
