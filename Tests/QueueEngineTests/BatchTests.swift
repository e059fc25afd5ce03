import Testing

@testable import QueueEngine

@Suite("Batches: entry counts, ids, total size, per-entry failures")
struct BatchTests {
    private func entries(_ bodies: [String]) -> [BatchEntry<OutgoingMessage>] {
        bodies.enumerated().map { BatchEntry(id: "e\($0.offset)", payload: OutgoingMessage(body: $0.element)) }
    }

    private func sendBatch(_ h: Harness, _ entries: [BatchEntry<OutgoingMessage>]) async throws -> BatchOutcome<SentMessage> {
        try await h.engine.sendMessageBatch(queue: "q", entries, caller: testCaller)
    }

    @Test("An empty batch fails with EmptyBatchRequest, for every batch action")
    func emptyBatch() async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.emptyBatchRequest) { _ = try await sendBatch(h, []) }
        await expectSQSError(.emptyBatchRequest) { _ = try await h.engine.deleteMessageBatch(queue: "q", []) }
        await expectSQSError(.emptyBatchRequest) { _ = try await h.engine.changeVisibilityBatch(queue: "q", []) }
    }

    @Test("Eleven entries fail with TooManyEntriesInBatchRequest; ten are fine")
    func tooManyEntries() async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.tooManyEntriesInBatchRequest) { _ = try await sendBatch(h, entries(Array(repeating: "x", count: 11))) }
        let deletes = (0..<11).map { BatchEntry(id: "d\($0)", payload: "h") }
        await expectSQSError(.tooManyEntriesInBatchRequest) { _ = try await h.engine.deleteMessageBatch(queue: "q", deletes) }
        let changes = (0..<11).map { BatchEntry(id: "c\($0)", payload: (receiptHandle: "h", visibilityTimeout: Int?(1))) }
        await expectSQSError(.tooManyEntriesInBatchRequest) { _ = try await h.engine.changeVisibilityBatch(queue: "q", changes) }
        #expect(try await h.counts() == [0, 0, 0], "nothing of a rejected batch is stored")
        let outcome = try await sendBatch(h, entries(Array(repeating: "x", count: 10)))
        #expect(outcome.successes.count == 10)
        #expect(try await h.counts() == [10, 0, 0])
    }

    @Test("Repeated entry ids fail with BatchEntryIdsNotDistinct")
    func duplicateIds() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let duplicated = [
            BatchEntry(id: "same", payload: OutgoingMessage(body: "a")), BatchEntry(id: "same", payload: OutgoingMessage(body: "b")),
        ]
        await expectSQSError(.batchEntryIdsNotDistinct) { _ = try await sendBatch(h, duplicated) }
        await expectSQSError(.batchEntryIdsNotDistinct) {
            _ = try await h.engine.deleteMessageBatch(queue: "q", [BatchEntry(id: "x", payload: "h1"), BatchEntry(id: "x", payload: "h2")])
        }
        #expect(try await h.counts() == [0, 0, 0])
    }

    @Test("Ids outside [A-Za-z0-9_-]{1,80} fail with InvalidBatchEntryId", arguments: [
        "", "has space", "dot.id", String(repeating: "i", count: 81), "ünï", "a/b",
    ])
    func badIds(id: String) async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.invalidBatchEntryId, "\(id)") {
            _ = try await sendBatch(h, [BatchEntry(id: id, payload: OutgoingMessage(body: "x"))])
        }
        await expectSQSError(.invalidBatchEntryId, "\(id)") {
            _ = try await h.engine.deleteMessageBatch(queue: "q", [BatchEntry(id: id, payload: "h")])
        }
    }

    @Test("Legal ids up to 80 characters are accepted")
    func goodIds() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let ids = ["a", "A-b_9", String(repeating: "i", count: 80)]
        let outcome = try await sendBatch(h, ids.map { BatchEntry(id: $0, payload: OutgoingMessage(body: "x")) })
        #expect(outcome.successes.map(\.id) == ids)
    }

    @Test("A batch totalling more than 1 MiB fails with BatchRequestTooLong; exactly 1 MiB is accepted")
    func totalSize() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let half = String(repeating: "x", count: 524_288)
        await expectSQSError(.batchRequestTooLong) { _ = try await sendBatch(h, entries([half, half, "y"])) }
        #expect(try await h.counts() == [0, 0, 0])
        let outcome = try await sendBatch(h, entries([half, half]))
        #expect(outcome.successes.count == 2)
        #expect(outcome.failures.isEmpty)
    }

    @Test("Attributes count toward the batch total")
    func attributesCountTowardTotal() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let half = String(repeating: "x", count: 524_288)
        var second = OutgoingMessage(body: half)
        second.attributes = ["a": MessageAttributeValue(dataType: "String", stringValue: "v")]
        await expectSQSError(.batchRequestTooLong) {
            _ = try await sendBatch(h, [BatchEntry(id: "one", payload: OutgoingMessage(body: half)), BatchEntry(id: "two", payload: second)])
        }
    }

    @Test("Invalid entries fail alone; the valid entries are stored")
    func perEntryFailures() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let batch = [
            BatchEntry(id: "good1", payload: OutgoingMessage(body: "first")),
            BatchEntry(id: "nul", payload: OutgoingMessage(body: "bad\u{0}")),
            BatchEntry(id: "good2", payload: OutgoingMessage(body: "second")),
            BatchEntry(id: "delay", payload: OutgoingMessage(body: "x", delaySeconds: 901)),
            BatchEntry(id: "empty", payload: OutgoingMessage(body: "")),
        ]
        let outcome = try await sendBatch(h, batch)
        #expect(outcome.successes.map(\.id) == ["good1", "good2"])
        #expect(outcome.failures.map(\.id) == ["nul", "delay", "empty"])
        #expect(outcome.failures.map(\.error.code) == [.invalidMessageContents, .invalidParameterValue, .missingParameter])
        let received = try await h.receive()
        #expect(received.map(\.body) == ["first", "second"])
        #expect(Set(received.map(\.messageId)) == Set(outcome.successes.map(\.result.messageId)))
    }

    @Test("DeleteMessageBatch deletes the good handles and reports the bad ones")
    func deleteBatch() async throws {
        let h = try await Harness()
        try await h.createQueue()
        for index in 1...3 { try await h.send("m\(index)") }
        let handles = try await h.receive().map(\.receiptHandle)
        let outcome = try await h.engine.deleteMessageBatch(queue: "q", [
            BatchEntry(id: "a", payload: handles[0]), BatchEntry(id: "bad", payload: "garbage"),
            BatchEntry(id: "b", payload: handles[1]),
        ])
        #expect(outcome.successes.map(\.id) == ["a", "b"])
        #expect(outcome.failures.map(\.id) == ["bad"])
        #expect(outcome.failures.first?.error.code == .receiptHandleIsInvalid)
        #expect(try await h.counts() == [0, 1, 0], "only the third message is left")
    }

    @Test("ChangeMessageVisibilityBatch applies good entries and reports each failure")
    func changeVisibilityBatch() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "30"])
        for index in 1...3 { try await h.send("m\(index)") }
        let handles = try await h.receive().map(\.receiptHandle)
        let outcome = try await h.engine.changeVisibilityBatch(queue: "q", [
            BatchEntry(id: "zero", payload: (receiptHandle: handles[0], visibilityTimeout: 0)),
            BatchEntry(id: "range", payload: (receiptHandle: handles[1], visibilityTimeout: 50_000)),
            BatchEntry(id: "forged", payload: (receiptHandle: tampered(handles[2], at: 20), visibilityTimeout: 0)),
            BatchEntry(id: "long", payload: (receiptHandle: handles[2], visibilityTimeout: 300)),
            BatchEntry(id: "untimed", payload: (receiptHandle: handles[1], visibilityTimeout: nil)),
        ])
        #expect(outcome.successes.map(\.id) == ["zero", "long"])
        #expect(outcome.failures.map(\.id) == ["range", "forged", "untimed"])
        #expect(outcome.failures.map(\.error.code) == [.invalidParameterValue, .receiptHandleIsInvalid, .missingParameter])
        #expect(try await h.receive().map(\.body) == ["m1"])
        h.clock.advance(seconds: 31)
        #expect(try await h.receive().map(\.body).sorted() == ["m1", "m2"], "m3's visibility was extended to 300 s")
    }
}
