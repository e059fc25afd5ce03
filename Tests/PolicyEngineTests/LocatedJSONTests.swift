import Testing
import WireJSON

/// The positioned parse and the failures of `JSONParser`.
@Suite struct LocatedJSONTests {
    let text = "{\n  \"b\": [1, true, null],\n  \"a\": \"x\",\n  \"b\": {\"é\": \"ü\"}\n}"

    @Test func topLevelStringReadsOneMemberOfAValidDocumentOnly() throws {
        let record = Array(#"{"eventID":"e-1","nested":{"eventID":"inner"},"list":[{"eventID":"x"}],"n":1.5}"#.utf8)
        #expect(try JSONParser.topLevelString("eventID", in: record) == "e-1")
        #expect(try JSONParser.topLevelString("missing", in: record) == nil)
        #expect(try JSONParser.topLevelString("n", in: record) == nil, "not a string")
        #expect(try JSONParser.topLevelString("eventID", in: Array(#"{"eventID":"a","eventID":2}"#.utf8)) == nil, "the last duplicate counts")
        #expect(try JSONParser.topLevelString("eventID", in: Array(#"["eventID"]"#.utf8)) == nil)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.topLevelString("eventID", in: Array(#"{"eventID":"e-1""#.utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.topLevelString("eventID", in: Array(#"{"eventID":"e-1"} x"#.utf8)) }
    }

    @Test func membersKeepDocumentOrderAndDuplicates() throws {
        let document = try JSONParser.parseLocated(Array(text.utf8))
        guard case .object(let members) = document.value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(members[0].keyStart == JSONLocation(line: 2, column: 3, offset: 4))
        #expect(members[0].keyEnd == JSONLocation(line: 2, column: 6, offset: 7))
        #expect(members[1].value.start == JSONLocation(line: 3, column: 8, offset: 33))
        #expect(members[1].value.end == JSONLocation(line: 3, column: 11, offset: 36))
    }

    @Test func everyValueHasItsStartAndEnd() throws {
        let document = try JSONParser.parseLocated(Array(text.utf8))
        #expect(document.start == JSONLocation(line: 1, column: 1, offset: 0))
        #expect(document.end.line == 5 && document.end.column == 2)
        guard case .object(let members) = document.value, case .array(let items) = members[0].value.value else {
            Issue.record("unexpected shape")
            return
        }
        #expect(items.map(\.start.column) == [9, 12, 18])
        #expect(items.map(\.end.column) == [10, 16, 22])
        #expect(items.map(\.typeName) == ["number", "boolean", "null"])
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let document = try JSONParser.parseLocated(Array(text.utf8))
        guard case .object(let members) = document.value, case .object(let inner) = members[2].value.value else {
            Issue.record("unexpected shape")
            return
        }
        #expect(inner[0].keyStart.column == 9)
        #expect(inner[0].value.start.column == 14, "é is one column though two bytes")
        #expect(inner[0].value.end.column == 17)
    }

    @Test func numbersKeepTheirLiteralText() throws {
        let document = try JSONParser.parseLocated(Array("[1.50, -0, 1e3]".utf8))
        guard case .array(let items) = document.value else {
            Issue.record("not an array")
            return
        }
        let literals = items.compactMap { item -> String? in
            if case .number(_, let literal) = item.value { literal } else { nil }
        }
        #expect(literals == ["1.50", "-0", "1e3"])
    }

    @Test func plainParseStillBuildsJSONValues() throws {
        let value = try JSONParser.parse(Array(#"{"QueueUrl": "u", "n": 2, "l": [true]}"#.utf8))
        #expect(value["QueueUrl"]?.string == "u")
        #expect(value["l"]?.array?.count == 1)
    }

    static let failures: [(String, String, Int, Int, String)] = [
        ("{\"a\" 1}", "missing colon", 1, 6, "expected ':'"),
        ("{\"a\": 1 \"b\": 2}", "missing comma in object", 1, 9, "expected ',' or '}'"),
        ("[1 2]", "missing comma in array", 1, 4, "expected ',' or ']'"),
        ("{\n  1: 2}", "non-string key", 2, 3, "expected a string key"),
        ("[1,\n  ]", "value missing after comma", 2, 3, "expected a value"),
        ("[\"abc", "unterminated string", 1, 6, "unterminated string"),
        ("\"a\u{01}\"", "control character", 1, 3, "control character in string"),
        ("\"\\x\"", "bad escape", 1, 3, "invalid escape"),
        ("\"\\ud800\"", "lone surrogate", 1, 8, "unpaired surrogate"),
        ("[01]", "leading zero", 1, 3, "expected ',' or ']'"),
        ("[1.]", "digits after the point", 1, 4, "invalid number"),
        ("1e999", "number out of range", 1, 1, "number out of range"),
        ("tru", "truncated literal", 1, 1, "expected a value"),
        ("{} x", "trailing data", 1, 4, "unexpected data after the document"),
        ("", "empty document", 1, 1, "unexpected end of input"),
        (String(repeating: "[", count: 65), "nesting too deep", 1, 65, "nesting too deep"),
    ]

    @Test(arguments: failures)
    func failureSaysWhereAndWhy(_ testCase: (String, String, Int, Int, String)) {
        let (text, name, line, column, reason) = testCase
        do {
            _ = try JSONParser.parseLocated(Array(text.utf8))
            Issue.record("\(name): parsed")
        } catch {
            #expect(error.location.line == line && error.location.column == column, "\(name): \(error)")
            #expect(error.reason.hasPrefix(reason), "\(name): \(error)")
            #expect(error.description == "line \(error.location.line), column \(error.location.column): \(error.reason)")
        }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func invalidUTF8IsRefusedAtTheString() {
        do {
            _ = try JSONParser.parse([UInt8(ascii: "["), UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\""), UInt8(ascii: "]")])
            Issue.record("parsed invalid UTF-8")
        } catch {
            #expect(error.reason == "invalid UTF-8 in string" && error.location.offset == 2)
        }
    }
}
