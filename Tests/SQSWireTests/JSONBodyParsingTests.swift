import Testing

@testable import QueueEngine
@testable import SQSWire

/// The strict JSON parser behind `decodeJSON`, observed through decoded requests.
@Suite("JSON request bodies: escapes, UTF-8, strictness")
struct JSONBodyParsingTests {
    private func body(of json: String) throws -> String? {
        guard case .sendMessage(_, let message) = try decodeJSON("SendMessage", json) else { return nil }
        return message.body
    }

    private func sendJSON(_ bodyLiteral: String) -> String {
        #"{"QueueUrl":"\#(queueURL)","MessageBody":\#(bodyLiteral)}"#
    }

    @Test("Escapes decode: \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u, including surrogate pairs")
    func escapes() throws {
        #expect(try body(of: sendJSON(#""q\"b\\s\/b\bf\fn\nr\rt\t""#)) == "q\"b\\s/b\u{8}f\u{C}n\nr\rt\t")
        #expect(try body(of: sendJSON(#""\u00e9\u00C9\u1234""#)) == "éÉ\u{1234}")
        #expect(try body(of: sendJSON(#""\ud83d\ude00""#)) == "😀")
        #expect(try body(of: sendJSON("\"raw ü ሴ 😀\"")) == "raw ü ሴ 😀")
    }

    @Test("Whitespace around tokens is allowed; an empty body is {}")
    func whitespace() throws {
        #expect(try body(of: " \n\t{ \"QueueUrl\" : \"\(queueURL)\" ,\r\n \"MessageBody\" : \"b\" } \n") == "b")
        guard case .listQueues(nil, nil, nil) = try decodeJSON("ListQueues", "") else { Issue.record(); return }
    }

    @Test("A lone surrogate escape reads as U+FFFE, which the body's own character rules refuse")
    func loneSurrogates() throws {
        #expect(try body(of: sendJSON(#""\ud83d""#)) == "\u{FFFE}")
        #expect(try body(of: sendJSON(#""a\ude00b""#)) == "a\u{FFFE}b")
        #expect(try body(of: sendJSON(#""\ud83dx""#)) == "\u{FFFE}x")
        // A high surrogate followed by an escape that is not a low one: each is read on its own.
        #expect(try body(of: sendJSON(#""\ud83d\u00e9""#)) == "\u{FFFE}é")
        #expect(try body(of: sendJSON(#""\ud83d\ud83d\ude00""#)) == "\u{FFFE}😀")
        #expect(throws: SQSError.self) { try MessageValidation.checkBody("\u{FFFE}") }
    }

    @Test(
        "Invalid strings are SerializationException",
        arguments: [
            #""\ud83d\u12""#,
            #""\u12""#,
            #""\uZZZZ""#,
            #""\x""#,
            "\"raw\ttab\"",  // control characters must be escaped
            "\"raw\nnewline\"",
            "\"unterminated",
        ])
    func invalidStrings(literal: String) {
        expectWireError("SerializationException", "\(literal)") { _ = try decodeJSON("SendMessage", sendJSON(literal)) }
    }

    @Test("Invalid UTF-8 in the body is SerializationException")
    func invalidUTF8() {
        var bytes = Array(sendJSON("\"ok\"").utf8)
        let index = bytes.lastIndex(of: UInt8(ascii: "k"))!
        bytes[index] = 0xFF
        do {
            _ = try wireDecoder.decodeJSON(action: "SendMessage", body: bytes)
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.queryCode == "SerializationException")
        }
    }

    @Test("Nesting beyond the bound is refused rather than recursing without limit")
    func deepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        expectWireError("SerializationException") { _ = try decodeJSON("ListQueues", #"{"x":\#(deep)}"#) }
        let shallow = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        guard case .listQueues = try? decodeJSON("ListQueues", #"{"x":\#(shallow)}"#) else {
            Issue.record("10 levels of nesting are fine"); return
        }
    }

    @Test("Integers: whole numbers in any JSON spelling are accepted")
    func integerSpellings() throws {
        for (literal, expected) in [("5", 5), ("-0", 0), ("5.0", 5), ("5e0", 5), ("1E1", 10)] {
            guard case .listQueues(_, let max, _) = try decodeJSON("ListQueues", #"{"MaxResults":\#(literal)}"#) else {
                Issue.record(); continue
            }
            #expect(max == expected, "\(literal)")
        }
    }

    @Test("Numbers that RFC 8259 does not allow are SerializationException", arguments: ["+5", "05", ".5", "5.", "1e", "--1", "1e+", "0x10", "Infinity", "NaN"])
    func nonJSONNumbers(literal: String) {
        expectWireError("SerializationException", "\(literal)") { _ = try decodeJSON("ListQueues", #"{"MaxResults":\#(literal)}"#) }
    }

    @Test("Bad literals and structure are SerializationException", arguments: ["{\"a\":tru}", "{\"a\":nulll}", "{\"a\" 1}", "{a:1}", "{\"a\":1,}", "[1,]", "{\"a\":1}}"])
    func badStructure(json: String) {
        expectWireError("SerializationException", "\(json)") { _ = try decodeJSON("ListQueues", json) }
    }
}
