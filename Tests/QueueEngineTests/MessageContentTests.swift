import Testing

@testable import QueueEngine

@Suite("Message content: body characters, sizes, message attributes")
struct MessageContentTests {
    private static func text(_ value: String, _ type: String = "String") -> MessageAttributeValue {
        MessageAttributeValue(dataType: type, stringValue: value)
    }

    @Test(
        "Bodies with characters outside XML 1.0 fail with InvalidMessageContents",
        arguments: ["\u{0}", "a\u{8}b", "\u{1F}", "\u{B}", "\u{FFFE}", "\u{FFFF}", "ok\u{0}"])
    func forbiddenCharacters(body: String) async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.invalidMessageContents) { try await h.send(body) }
        #expect(try await h.counts() == [0, 0, 0])
    }

    @Test(
        "Tab, newline, carriage return, BMP edges and astral characters are allowed and round-trip exactly",
        arguments: ["\t", "line1\nline2\r\nline3\r", "😀 emoji", "\u{20}", "\u{D7FF}", "\u{E000}", "\u{FFFD}", "\u{10000}", "\u{10FFFF}", "ünïcødé ሴ"])
    func allowedCharacters(body: String) async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await h.send(body)
        #expect(try await h.receive().first?.body.unicodeScalars.elementsEqual(body.unicodeScalars) == true)
    }

    @Test("An empty body is a missing MessageBody")
    func emptyBody() async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.missingParameter) { try await h.send("") }
    }

    @Test("Body plus attributes must fit MaximumMessageSize (counted in UTF-8 bytes)")
    func maximumSize() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["MaximumMessageSize": "1024"])
        try await h.send(String(repeating: "x", count: 1024))
        await expectSQSError(.invalidParameterValue) { try await h.send(String(repeating: "x", count: 1025)) }
        await expectSQSError(.invalidParameterValue, "513 two-byte characters are 1026 bytes") {
            try await h.send(String(repeating: "é", count: 513))
        }
        await expectSQSError(.invalidParameterValue, "1000 + name 4 + type 6 + value 20") {
            try await h.send(String(repeating: "x", count: 1000), attributes: ["name": Self.text(String(repeating: "v", count: 20))])
        }
        try await h.send(String(repeating: "x", count: 1000), attributes: ["name": Self.text(String(repeating: "v", count: 14))])
        #expect(try await h.counts() == [2, 0, 0])
    }

    @Test("Ten message attributes are allowed, eleven are not")
    func attributeCount() async throws {
        let h = try await Harness()
        try await h.createQueue()
        var attributes: [String: MessageAttributeValue] = [:]
        for index in 1...10 { attributes["a\(index)"] = Self.text("v") }
        try await h.send("ten", attributes: attributes)
        attributes["a11"] = Self.text("v")
        await expectSQSError(.invalidParameterValue) { try await h.send("eleven", attributes: attributes) }
    }

    @Test(
        "Illegal attribute names fail with InvalidParameterValue",
        arguments: ["", ".lead", "trail.", "dou..ble", "sp ace", "AWS.reserved", "aws.lower", "Amazon.x", "amazon.y", "ünï", "a/b",
            String(repeating: "n", count: 257)])
    func illegalAttributeNames(name: String) async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.invalidParameterValue, "\(name)") { try await h.send("x", attributes: [name: Self.text("v")]) }
    }

    @Test("Legal attribute names", arguments: ["a", "a.b-c_D9", "AWSish", "Amazonian", String(repeating: "n", count: 256)])
    func legalAttributeNames(name: String) async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await h.send("x", attributes: [name: Self.text("v")])
        #expect(try await h.receive(attributes: ["All"]).first?.messageAttributes[name] == Self.text("v"))
    }

    @Test(
        "Bad data types and mismatched value fields fail with InvalidParameterValue",
        arguments: [
            MessageAttributeValue(dataType: "", stringValue: "v"),
            MessageAttributeValue(dataType: "Str", stringValue: "v"),
            MessageAttributeValue(dataType: "string", stringValue: "v"),
            MessageAttributeValue(dataType: "Strings", stringValue: "v"),
            MessageAttributeValue(dataType: "String", stringValue: ""),
            MessageAttributeValue(dataType: "String", stringValue: nil),
            MessageAttributeValue(dataType: "String", binaryValue: [1]),
            MessageAttributeValue(dataType: "Binary", stringValue: "v"),
            MessageAttributeValue(dataType: "Binary", binaryValue: []),
            MessageAttributeValue(dataType: "String." + String(repeating: "l", count: 250), stringValue: "v"),
            MessageAttributeValue(dataType: ".String", stringValue: "v"),
            MessageAttributeValue(dataType: "..Number", stringValue: "1"),
            MessageAttributeValue(dataType: ".Binary", binaryValue: [1]),
        ])
    func badTypes(value: MessageAttributeValue) async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.invalidParameterValue, "\(value)") { try await h.send("x", attributes: ["attr": value]) }
    }

    @Test("Errors name what is wrong in AWS's words: a missing name, an empty value")
    func attributeErrorTexts() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let unnamed = await expectSQSError(.invalidParameterValue) { try await h.send("x", attributes: ["": Self.text("v")]) }
        #expect(unnamed?.message == "The request must contain non-empty message attribute name.")
        let empty = await expectSQSError(.invalidParameterValue) { try await h.send("x", attributes: ["piyo": Self.text("")]) }
        #expect(empty?.message == "Message (user) attribute 'piyo' must contain a non-empty value of type 'String'.")
        let emptyBinary = await expectSQSError(.invalidParameterValue) {
            try await h.send("x", attributes: ["b": MessageAttributeValue(dataType: "Binary.raw", binaryValue: [])])
        }
        #expect(emptyBinary?.message == "Message (user) attribute 'b' must contain a non-empty value of type 'Binary'.")
    }

    @Test("A data type is at most 256 characters, counted as characters, not UTF-8 bytes")
    func typeLengthInCharacters() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let longest = "String." + String(repeating: "é", count: 249)
        try await h.send("x", attributes: ["a": Self.text("v", longest)])
        await expectSQSError(.invalidParameterValue) { try await h.send("x", attributes: ["a": Self.text("v", longest + "é")]) }
    }

    @Test("Number values must parse as finite numbers", arguments: ["abc", "1,5", "12abc", "NaN", "inf", "-infinity", "1e999", "0x1p3z"])
    func badNumbers(value: String) async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.invalidParameterValue, "\(value)") { try await h.send("x", attributes: ["n": Self.text(value, "Number")]) }
    }

    @Test("Valid numbers and custom type labels are accepted and returned unchanged")
    func goodNumbersAndLabels() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let attributes: [String: MessageAttributeValue] = [
            "int": Self.text("12", "Number"), "neg": Self.text("-3.5", "Number"), "exp": Self.text("1e10", "Number.float"),
            "label": Self.text("ünï ሴ 😀", "String.utf8-label"),
            "bin": MessageAttributeValue(dataType: "Binary.gif", binaryValue: [0, 255, 1, 128]),
        ]
        try await h.send("x", attributes: attributes)
        #expect(try await h.receive(attributes: ["All"]).first?.messageAttributes == attributes)
    }

    @Test("System attributes: only AWSTraceHeader, as a non-empty String")
    func systemAttributes() async throws {
        let h = try await Harness()
        try await h.createQueue()
        func send(_ system: [String: MessageAttributeValue]) async throws {
            _ = try await h.engine.sendMessage(queue: "q", OutgoingMessage(body: "x", systemAttributes: system), caller: testCaller)
        }
        await expectSQSError(.invalidParameterValue) { try await send(["Other": Self.text("v")]) }
        await expectSQSError(.invalidParameterValue) { try await send(["AWSTraceHeader": Self.text("1", "Number")]) }
        await expectSQSError(.invalidParameterValue) { try await send(["AWSTraceHeader": Self.text("")]) }
        try await send(["AWSTraceHeader": Self.text("Root=1-5759e988-bd862e3fe1be46a994272793")])
        let received = try await h.receive(system: ["AWSTraceHeader"])
        #expect(received.first?.attributes == ["AWSTraceHeader": "Root=1-5759e988-bd862e3fe1be46a994272793"])
    }
}
