import Testing

@testable import QueueEngine

@Suite("ReceiveMessage attribute selection")
struct ReceiveAttributeSelectionTests {
    static let attributes: [String: MessageAttributeValue] = [
        "color.red": MessageAttributeValue(dataType: "String", stringValue: "r"),
        "color.blue": MessageAttributeValue(dataType: "String", stringValue: "b"),
        "colorless": MessageAttributeValue(dataType: "String", stringValue: "c"),
        "size": MessageAttributeValue(dataType: "Number", stringValue: "3"),
        "blob": MessageAttributeValue(dataType: "Binary", binaryValue: [9]),
    ]

    private func receivedNames(_ requested: [String]) async throws -> [String] {
        let h = try await Harness()
        try await h.createQueue()
        try await h.send("x", attributes: Self.attributes)
        let message = try #require(try await h.receive(attributes: requested).first)
        return message.messageAttributes.keys.sorted()
    }

    @Test("All and .* return every attribute")
    func all() async throws {
        let every = Self.attributes.keys.sorted()
        #expect(try await receivedNames(["All"]) == every)
        #expect(try await receivedNames([".*"]) == every)
    }

    @Test("No names return no attributes")
    func none() async throws {
        #expect(try await receivedNames([]) == [])
    }

    @Test("prefix.* returns the attributes under the prefix only")
    func prefix() async throws {
        #expect(try await receivedNames(["color.*"]) == ["color.blue", "color.red"])
    }

    @Test("Exact names return those attributes; unknown names are ignored")
    func exactNames() async throws {
        #expect(try await receivedNames(["size", "blob", "missing"]) == ["blob", "size"])
        #expect(try await receivedNames(["size", "color.*"]) == ["color.blue", "color.red", "size"])
    }

    @Test("System attribute All returns sender, timestamps and receive count with the right values")
    func systemAll() async throws {
        let h = try await Harness(clock: ManualClock(startingAt: 1_700_000_000_500))
        try await h.createQueue("q", ["VisibilityTimeout": "10"])
        try await h.send("x")
        h.clock.advance(milliseconds: 2_000)
        let first = try #require(try await h.receive(system: ["All"]).first)
        #expect(first.attributes["SenderId"] == testCaller.senderId)
        #expect(first.attributes["SentTimestamp"] == "1700000000500")
        #expect(first.attributes["ApproximateFirstReceiveTimestamp"] == "1700000002500")
        #expect(first.attributes["ApproximateReceiveCount"] == "1")
        #expect(first.attributes["MessageGroupId"] == nil)
        h.clock.advance(seconds: 11)
        let second = try #require(try await h.receive(system: ["All"]).first)
        #expect(second.attributes["ApproximateFirstReceiveTimestamp"] == "1700000002500", "the first receive time is kept")
        #expect(second.attributes["ApproximateReceiveCount"] == "2")
    }

    @Test("Named system attributes return only those; none by default")
    func systemNamed() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await h.send("x")
        try await h.send("y")
        #expect(try await h.receive(max: 1, system: ["SentTimestamp"]).first?.attributes.keys.sorted() == ["SentTimestamp"])
        #expect(try await h.receive(max: 1).first?.attributes == [:])
    }

    @Test("Unknown system attribute names fail with InvalidAttributeName")
    func systemUnknown() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await h.send("x")
        await expectSQSError(.invalidAttributeName) { _ = try await h.receive(system: ["Bogus"]) }
        #expect(try await h.counts() == [1, 0, 0], "the failed receive claimed nothing")
    }
}
