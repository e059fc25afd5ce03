import Foundation
import Testing

@testable import QueueEngine

@Suite("Receipt handles: forged, altered and foreign handles are refused")
struct ReceiptHandleTests {
    /// A queue with one in-flight message; returns the harness and the genuine handle.
    private func inFlight() async throws -> (Harness, String) {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "30"])
        try await h.send("precious")
        let handle = try #require(try await h.receive().first).receiptHandle
        return (h, handle)
    }

    /// The message is still in flight and the genuine handle still deletes it.
    private func expectUntouched(_ h: Harness, _ handle: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await h.counts() == [0, 1, 0], sourceLocation: sourceLocation)
        try await h.engine.deleteMessage(queue: "q", receiptHandle: handle)
        #expect(try await h.counts() == [0, 0, 0], sourceLocation: sourceLocation)
    }

    @Test("Every single-byte alteration of a handle is refused and leaves the message alone")
    func alteredHandles() async throws {
        let (h, handle) = try await inFlight()
        let length = try #require(Data(base64Encoded: handle)).count
        for index in 0..<length {
            let altered = tampered(handle, at: index)
            await expectSQSError(.receiptHandleIsInvalid, "byte \(index)") {
                try await h.engine.deleteMessage(queue: "q", receiptHandle: altered)
            }
            await expectSQSError(.receiptHandleIsInvalid, "byte \(index)") {
                try await h.engine.changeVisibility(queue: "q", receiptHandle: altered, visibilityTimeout: 0)
            }
        }
        try await expectUntouched(h, handle)
    }

    @Test("A well-formed handle MACed under another key is refused")
    func forgedHandle() async throws {
        let (h, handle) = try await inFlight()
        let genuine = try #require(ReceiptHandleCodec(authenticator: TestReceiptAuthenticator(key: receiptKey)).decode(handle))
        let forger = ReceiptHandleCodec(authenticator: TestReceiptAuthenticator(key: Array("attacker-key".utf8)))
        let forged = forger.encode(genuine, salt: 7)
        await expectSQSError(.receiptHandleIsInvalid) { try await h.engine.deleteMessage(queue: "q", receiptHandle: forged) }
        await expectSQSError(.receiptHandleIsInvalid) {
            try await h.engine.changeVisibility(queue: "q", receiptHandle: forged, visibilityTimeout: 0)
        }
        let batch = try await h.engine.deleteMessageBatch(queue: "q", [BatchEntry(id: "f", payload: forged)])
        #expect(batch.successes.isEmpty)
        #expect(batch.failures.map(\.error.code) == [.receiptHandleIsInvalid])
        try await expectUntouched(h, handle)
    }

    @Test(
        "Garbage, truncated and oversized handles are refused",
        arguments: ["not-a-handle", "AAAA", "====", String(repeating: "A", count: 300), "AQ=="])
    func garbageHandles(text: String) async throws {
        let (h, handle) = try await inFlight()
        await expectSQSError(.receiptHandleIsInvalid) { try await h.engine.deleteMessage(queue: "q", receiptHandle: text) }
        try await expectUntouched(h, handle)
    }

    @Test("A truncated genuine handle is refused")
    func truncatedHandle() async throws {
        let (h, handle) = try await inFlight()
        var bytes = [UInt8](try #require(Data(base64Encoded: handle)))
        bytes.removeLast()
        await expectSQSError(.receiptHandleIsInvalid) {
            try await h.engine.deleteMessage(queue: "q", receiptHandle: Data(bytes).base64EncodedString())
        }
        try await expectUntouched(h, handle)
    }

    @Test("An empty handle is a missing parameter")
    func emptyHandle() async throws {
        let (h, _) = try await inFlight()
        await expectSQSError(.missingParameter) { try await h.engine.deleteMessage(queue: "q", receiptHandle: "") }
    }

    @Test("A genuine handle of another queue is refused there")
    func foreignQueueHandle() async throws {
        let (h, handle) = try await inFlight()
        try await h.createQueue("other")
        try await h.send("other message", to: "other")
        await expectSQSError(.receiptHandleIsInvalid) { try await h.engine.deleteMessage(queue: "other", receiptHandle: handle) }
        #expect(try await h.counts("other") == [1, 0, 0])
        try await expectUntouched(h, handle)
    }

    @Test("The codec round-trips every field and rejects a wrong version byte")
    func codecRoundTrip() throws {
        let codec = ReceiptHandleCodec(authenticator: TestReceiptAuthenticator(key: receiptKey))
        let handle = ReceiptHandle(
            queueId: 42, space: 0x0102_0304_0506_0708, receipt: MessageReceipt(sequence: Int64.max - 1, receiveCount: 65_537))
        let text = codec.encode(handle, salt: 0xDEAD_BEEF)
        #expect(codec.decode(text) == handle)
        #expect(codec.encode(handle, salt: 1) != text, "the salt makes handles of the same receive differ")
        #expect(codec.decode(codec.encode(handle, salt: 1)) == handle)
        var bytes = [UInt8](try #require(Data(base64Encoded: text)))
        #expect(bytes.count == 33 + 16, "version 1 + ids 24 + count 4 + salt 4, then a 16-byte tag")
        #expect(bytes[0] == 1)
        bytes[0] = 2
        #expect(codec.decode(Data(bytes).base64EncodedString()) == nil)
    }
}
