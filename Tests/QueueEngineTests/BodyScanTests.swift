import QueueEngine
import Testing

@Suite("Body character check: word-at-a-time scan agrees with the rule at every position")
struct BodyScanTests {
    @Test("A forbidden character is found wherever it sits in a long ASCII body", arguments: ["\u{0}", "\u{1F}", "\u{FFFE}", "\u{FFFF}"])
    func forbiddenAnywhere(character: String) {
        for position in 0..<40 {
            let body = String(repeating: "a", count: position) + character + String(repeating: "b", count: 40 - position)
            #expect(throws: SQSError.self, "at \(position)") { try MessageValidation.checkBody(body) }
        }
    }

    @Test("Tabs, newlines, U+FFFD and other EF-lead characters pass at every position", arguments: ["\t", "\n", "\r", "\u{FFFD}", "\u{F000}", "😀"])
    func allowedAnywhere(character: String) throws {
        for position in 0..<40 {
            let body = String(repeating: "a", count: position) + character + String(repeating: "b", count: 40 - position)
            try MessageValidation.checkBody(body)
        }
    }

    @Test("The error names the first refused character, and where it was, in AWS's words")
    func errorNamesCharacter() {
        #expect(throws: SQSError(.invalidMessageContents, "Invalid binary character '#x7' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].")) {
            try MessageValidation.checkBody("ok\u{7}then\u{FFFF}")
        }
        #expect(throws: SQSError(.invalidMessageContents, "Invalid binary character '#xFFFE' was found in message attribute 'note', the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].")) {
            try MessageValidation.checkAttributes(["note": MessageAttributeValue(dataType: "String", stringValue: "a\u{FFFE}")])
        }
    }
}
