import Foundation
import GRDB
import SealCrypto
import Testing

@testable import QueueEngine
@testable import Storage

@Suite("Server-side encryption in the engine: what the store holds, and what comes back")
struct EncryptionTests {
    let secret = "the card number is 4111 1111 1111 1111"

    func storedContent(_ h: Harness, queue name: String) async throws -> [NewMessage] {
        let queue = try h.engine.getQueue(name: name)
        let claim = ClaimRequest(space: queue.messageSpace, now: h.clock.nowMilliseconds() + 1, sentAfter: 0, limit: 10, visibleUntil: 0)
        return try await h.store.claim(claim).messages.map(\.content)
    }

    @Test("A payload encodes body, attributes and system attributes and decodes to the same; anything else does not decode")
    func payloadRoundTrip() {
        let payload = MessagePayload(
            body: "héllo", attributes: ["n": .init(dataType: "Number.cents", stringValue: "12"), "b": .init(dataType: "Binary", binaryValue: [0, 255])],
            systemAttributes: ["AWSTraceHeader": .init(dataType: "String", stringValue: "Root=1-abc")])
        #expect(MessagePayload(decoding: payload.bytes) == payload)
        #expect(payload.encoding.count == payload.bytes.count && MessagePayload(decoding: Data(payload.bytes)) == payload)
        let bare = MessagePayload(body: "x", attributes: [:], systemAttributes: [:])
        #expect(bare.bytes == [1, 0, 0, 0, 1, 0x78, 0, 0, 0, 0, 0, 0, 0, 0], "version, then three length-prefixed fields")
        #expect(MessagePayload(decoding: Array(payload.bytes.dropLast())) == nil)
        #expect(MessagePayload(decoding: payload.bytes + [0]) == nil)
        #expect(MessagePayload(decoding: [3] + payload.bytes.dropFirst()) == nil)
        #expect(MessagePayload(decoding: [2] + payload.bytes.dropFirst()) == nil, "version 2 ends with an id")
    }

    @Test("A payload with a deduplication id is version 2, the id last; without one it stays version 1")
    func payloadWithDeduplicationId() {
        let payload = MessagePayload(body: "x", attributes: [:], systemAttributes: [:], deduplicationId: "ID")
        #expect(payload.bytes == [2, 0, 0, 0, 1, 0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x49, 0x44])
        #expect(payload.encoding.count == payload.bytes.count && MessagePayload(decoding: payload.bytes) == payload)
        #expect(MessagePayload(decoding: [1] + payload.bytes.dropFirst()) == nil, "version 1 has no id")
    }

    @Test("With SSE on (the default) the store holds only a sealed payload; with SSE off, the message as sent")
    func storedForm() async throws {
        let h = try await Harness()
        try await h.createQueue("sealed")
        try await h.createQueue("clear", ["SqsManagedSseEnabled": "false"])
        for name in ["sealed", "clear"] {
            try await h.send(secret, to: name, attributes: ["card": .init(dataType: "String", stringValue: secret)])
        }
        let sealed = try #require(try await storedContent(h, queue: "sealed").first)
        #expect(sealed.body.isEmpty && sealed.attributes.isEmpty)
        let payload = try #require(sealed.sealedPayload)
        #expect(payload.firstRange(of: Array(secret.utf8)) == nil)
        let clear = try #require(try await storedContent(h, queue: "clear").first)
        #expect(clear.body == secret && clear.sealedPayload == nil)
    }

    @Test("Receives open sealed messages: body, attributes and the trace header come back whole")
    func receiveOpens() async throws {
        let h = try await Harness()
        try await h.createQueue()
        _ = try await h.engine.sendMessage(
            queue: "q",
            OutgoingMessage(
                body: secret, attributes: ["card": .init(dataType: "String", stringValue: secret)],
                systemAttributes: ["AWSTraceHeader": .init(dataType: "String", stringValue: "Root=1-5759e988-bd862e3fe1be46a994272793")]),
            caller: testCaller)
        let received = try await h.receive(system: ["All"], attributes: ["All"])
        #expect(received.map(\.body) == [secret])
        #expect(received.first?.messageAttributes["card"]?.stringValue == secret)
        #expect(received.first?.attributes["AWSTraceHeader"] == "Root=1-5759e988-bd862e3fe1be46a994272793")
    }

    @Test("A dead-letter move re-encrypts for the dead-letter queue: the message opens there, under its ARN and space")
    func deadLetterReencrypts() async throws {
        let h = try await Harness()
        try await h.createQueue("dlq", ["SqsManagedSseEnabled": "false"])
        try await h.createQueue("src", ["RedrivePolicy": #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"1"}"#])
        try await h.send(secret, to: "src")
        #expect(try await h.receive(from: "src", visibility: 0).count == 1)
        #expect(try await h.receive(from: "src").isEmpty)
        let moved = try #require(try await storedContent(h, queue: "dlq").first)
        #expect(moved.body == secret && moved.sealedPayload == nil, "the dead-letter queue has SSE off: stored as its settings say")
    }

    @Test("Purge gives the queue a new space key; a payload bound to the old space does not open in the new one")
    func purgeChangesTheSpaceKey() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await h.send(secret)
        let before = try h.engine.getQueue(name: "q")
        let sealed = try #require(try await storedContent(h, queue: "q").first)
        h.clock.advance(seconds: 61)
        try await h.engine.purgeQueue(name: "q")
        let after = try h.engine.getQueue(name: "q")
        #expect(after.spaceKey != nil && after.spaceKey != before.spaceKey)
        #expect(throws: SQSError.self) { _ = try h.engine.opened(sealed, in: after, caller: testCaller) }
        #expect(try h.engine.opened(sealed, in: before, caller: testCaller).body == secret)
    }
}

@Suite("Deduplication on an encrypted FIFO queue")
struct SealedDeduplicationTests {
    @Test("Ids are AWS's (SHA-256 of the body, matched by an explicit id), yet the store holds neither the hash nor the id: only a hash keyed by the space")
    func keyedByTheSpace() async throws {
        let h = try await Harness()
        try await h.createQueue("f.fifo", ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
        let body = #"{"employee":"alice","salary":123456}"#
        let sha256 = Hex.encode(Digest.sha256(Array(body.utf8)))
        func send(_ body: String, id: String? = nil) async throws -> SentMessage {
            try await h.engine.sendMessage(queue: "f.fifo", OutgoingMessage(body: body, groupId: "g", deduplicationId: id), caller: testCaller)
        }
        let first = try await send(body)
        #expect(try await send(body).messageId == first.messageId, "the same body within the window is a duplicate")
        #expect(try await send("another body", id: sha256).messageId == first.messageId, "so is an explicit id equal to the body's SHA-256")

        let stored = try #require(try await EncryptionTests().storedContent(h, queue: "f.fifo").first)
        #expect(stored.deduplicationId == "", "the stored id is derived again from the opened body")
        // A sender's own id that is its body's SHA-256 is not stored either, yet shows as given.
        let own = "a body with its own hash"
        let ownHash = Hex.encode(Digest.sha256(Array(own.utf8)))
        _ = try await h.engine.sendMessage(
            queue: "f.fifo", OutgoingMessage(body: own, groupId: "h", deduplicationId: ownHash), caller: testCaller)
        let ids = try await h.store.database.read { db in try String.fetchAll(db, sql: "SELECT deduplication_id FROM messages") }
        #expect(ids == ["", ""], "neither hash is stored")
        let windows = try await h.store.database.read { db in
            try String.fetchAll(db, sql: "SELECT deduplication_id FROM deduplication ORDER BY seq")
        }
        #expect(windows.count == 2 && windows.allSatisfy { $0.count == 64 && $0 != sha256 && $0 != ownHash }, "the window keeps keyed hashes")

        h.clock.advance(seconds: 31)
        let received = try await h.receive(from: "f.fifo", system: ["MessageDeduplicationId"])
        #expect(received.map(\.body) == [body, own])
        #expect(received.map { $0.attributes["MessageDeduplicationId"] } == [sha256, ownHash], "receivers see AWS's ids")

        h.clock.advance(seconds: 61)
        try await h.engine.purgeQueue(name: "f.fifo")
        #expect(try await send(body).messageId != first.messageId, "a purge forgets what was sent")
        let space = try h.engine.getQueue(name: "f.fifo").messageSpace
        let after = try await h.store.database.read { db in
            try String.fetchAll(db, sql: "SELECT deduplication_id FROM deduplication WHERE space = ?", arguments: [space])
        }
        #expect(after.count == 1 && !windows.contains(after[0]), "the new space keys ids afresh")
    }
}

@Suite("Anonymous callers and encrypted queues")
struct AnonymousEncryptionTests {
    @Test("An unsigned send or receive on a queue with SSE on is InvalidSecurity; with SSE off it runs")
    func anonymousRefusedOnEncryptedQueues() async throws {
        let h = try await Harness()
        try await h.createQueue("sse")
        try await h.createQueue("plain", ["SqsManagedSseEnabled": "false"])
        let anonymous = Caller(senderId: "127.0.0.1")
        await expectSQSError(.invalidSecurity) {
            _ = try await h.engine.sendMessage(queue: "sse", OutgoingMessage(body: "x"), caller: anonymous)
        }
        await expectSQSError(.invalidSecurity) {
            _ = try await h.engine.sendMessageBatch(
                queue: "sse", [BatchEntry(id: "a", payload: OutgoingMessage(body: "x"))], caller: anonymous)
        }
        await expectSQSError(.invalidSecurity) {
            _ = try await h.engine.receiveMessages(queue: "sse", ReceiveRequest(maxNumberOfMessages: 1, waitTimeSeconds: 0), caller: anonymous)
        }
        #expect(try await h.counts("sse") == [0, 0, 0])
        _ = try await h.engine.sendMessage(queue: "plain", OutgoingMessage(body: "open"), caller: anonymous)
        let received = try await h.engine.receiveMessages(
            queue: "plain", ReceiveRequest(maxNumberOfMessages: 1, waitTimeSeconds: 0), caller: anonymous)
        #expect(received.map(\.body) == ["open"])
    }
}
