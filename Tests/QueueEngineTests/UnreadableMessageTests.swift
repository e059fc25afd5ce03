import Foundation
import KeyService
import Synchronization
import Testing

@testable import QueueEngine

/// The real sealer, except that the messages named here fail to open with the error given: a
/// key deleted for good (`KmsNotFound`), or one disabled for now.
final class BreakableSealer: PayloadSealer {
    private let base: EnvelopeSealer
    /// The failure each message id opens with.
    private let failures = Mutex<[String: SQSError]>([:])

    init(_ base: EnvelopeSealer) {
        self.base = base
    }

    /// Makes message `messageId` fail to open with `error`.
    func fail(_ messageId: String, with error: SQSError) {
        failures.withLock { $0[messageId] = error }
    }

    /// Makes message `messageId` open again.
    func mend(_ messageId: String) {
        failures.withLock { $0[messageId] = nil }
    }

    func makeSpaceKey(queueArn: String) throws(SQSError) -> [UInt8] {
        try base.makeSpaceKey(queueArn: queueArn)
    }

    func seal(_ payloads: [MessagePayload], protection: SealingProtection, _ contexts: [SealingContext]) throws(SQSError) -> [Data] {
        try base.seal(payloads, protection: protection, contexts)
    }

    func open(_ sealed: Data, _ context: SealingContext) throws(SQSError) -> MessagePayload {
        if let failure = failures.withLock({ $0[context.messageId] }) { throw failure }
        return try base.open(sealed, context)
    }

    func deduplicationKey(of deduplicationId: String, _ context: SealingContext) throws(SQSError) -> String {
        try base.deduplicationKey(of: deduplicationId, context)
    }

    func forget(queueArn: String) {
        base.forget(queueArn: queueArn)
    }

    func forgetIdleKeys() {
        base.forgetIdleKeys()
    }
}

@Suite("Unreadable messages: a message whose key was deleted holds back only itself")
struct UnreadableMessageTests {
    let deleted = SQSError(.kmsNotFound, "Key 'arn:aws:kms:us-east-1:000000000000:key/gone' does not exist")
    let disabled = SQSError(.kmsDisabled, "arn:aws:kms:us-east-1:000000000000:key/off is disabled.")

    /// A harness whose sealer can be told to fail.
    func harness() async throws -> (Harness, BreakableSealer) {
        var breakable: BreakableSealer?
        let h = try await Harness(sealer: { base in
            let sealer = BreakableSealer(base)
            breakable = sealer
            return sealer
        })
        return (h, try #require(breakable))
    }

    /// A harness with "q.fifo" holding group "dead" (`head` "u", which cannot be opened, then
    /// "after") and "a" in group "g1".
    func fifoWithDeadGroup() async throws -> (Harness, BreakableSealer, head: String) {
        let (h, sealer) = try await harness()
        try await h.createQueue("q.fifo", ["FifoQueue": "true"])
        let head = try await send(h, "u", group: "dead")
        sealer.fail(head, with: deleted)
        _ = try await send(h, "after", group: "dead")
        _ = try await send(h, "a", group: "g1")
        return (h, sealer, head)
    }

    /// Sends `body` to the standard queue "q"; returns its message id.
    func send(_ h: Harness, _ body: String) async throws -> String {
        try await h.send(body).messageId
    }

    /// Sends `body` to "q.fifo" in `group`; returns its message id.
    func send(_ h: Harness, _ body: String, group: String) async throws -> String {
        try await h.engine.sendMessage(
            queue: "q.fifo", OutgoingMessage(body: body, groupId: group, deduplicationId: body), caller: testCaller
        ).messageId
    }

    /// A receive of up to ten messages from "q.fifo" with `attempt` as its ReceiveRequestAttemptId.
    func receive(_ h: Harness, attempt: String) async throws -> [ReceivedMessage] {
        try await h.engine.receiveMessages(
            queue: "q.fifo", ReceiveRequest(maxNumberOfMessages: 10, waitTimeSeconds: 0, receiveRequestAttemptId: attempt),
            caller: testCaller)
    }

    @Test("A receive returns what it can open; a message whose key was deleted stays in flight with the receive counted")
    func deletedKeyHoldsBackOnlyItself() async throws {
        let (h, sealer) = try await harness()
        try await h.createQueue()
        let unreadable = [try await send(h, "u1"), try await send(h, "u2")]
        for id in unreadable { sealer.fail(id, with: deleted) }
        _ = try await send(h, "r1")
        _ = try await send(h, "r2")

        let first = try await h.receive(visibility: 30)
        #expect(first.map(\.body) == ["r1", "r2"])
        #expect(try await h.counts() == [0, 4, 0], "the unreadable messages are in flight too")
        for message in first { try await h.engine.deleteMessage(queue: "q", receiptHandle: message.receiptHandle) }

        h.clock.advance(seconds: 31)
        await expectSQSError(.kmsNotFound, "nothing could be opened: the key's error") { _ = try await h.receive(visibility: 30) }
        #expect(try await h.counts() == [0, 2, 0])

        sealer.mend(unreadable[0])
        h.clock.advance(seconds: 31)
        let mended = try await h.receive(visibility: 30, system: ["ApproximateReceiveCount"])
        #expect(mended.map(\.body) == ["u1"])
        #expect(mended.first?.attributes["ApproximateReceiveCount"] == "3", "each undeliverable receive counted")
    }

    @Test("A message whose stored bytes fail their integrity check (tampered) holds back only itself too")
    func corruptedHoldsBackOnlyItself() async throws {
        let (h, sealer) = try await harness()
        try await h.createQueue()
        sealer.fail(try await send(h, "tampered"), with: SQSError(.internalError, "A stored message failed its integrity check and cannot be read."))
        _ = try await send(h, "r")
        #expect(try await h.receive(visibility: 30).map(\.body) == ["r"])
        #expect(try await h.counts() == [0, 2, 0])
        h.clock.advance(seconds: 31)
        await expectSQSError(.internalError, "nothing else to open: the integrity error") { _ = try await h.receive(max: 1) }
    }

    @Test("An unreadable message past maxReceiveCount, which cannot move to its DLQ, stays in flight rather than failing every receive")
    func unmovableStaysInFlight() async throws {
        let (h, sealer) = try await harness()
        try await h.createQueue("dlq")
        try await h.createQueue(
            "q", ["RedrivePolicy": #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":1}"#])
        sealer.fail(try await send(h, "dead"), with: deleted)
        await expectSQSError(.kmsNotFound, "first receive: held in flight") { _ = try await h.receive(visibility: 30) }
        h.clock.advance(seconds: 31)
        await expectSQSError(.kmsNotFound, "past maxReceiveCount: it cannot move") { _ = try await h.receive(visibility: 30) }
        #expect(try await h.receive(visibility: 30).isEmpty, "in flight again, so the next receive does not fail")
        #expect(try await h.counts() == [0, 1, 0])
        #expect(try await h.counts("dlq") == [0, 0, 0])
    }

    @Test("With MaxNumberOfMessages 1, the receive that claims an unreadable message fails and the next one gets past it")
    func singleReceivesGetPast() async throws {
        let (h, sealer) = try await harness()
        try await h.createQueue()
        sealer.fail(try await send(h, "u"), with: deleted)
        _ = try await send(h, "r")
        await expectSQSError(.kmsNotFound) { _ = try await h.receive(max: 1) }
        #expect(try await h.receive(max: 1).map(\.body) == ["r"])
    }

    @Test("A message whose key is only disabled holds back only itself: the rest is delivered, it stays visible and uncounted")
    func temporaryFailureHoldsBackOnlyItself() async throws {
        let (h, sealer) = try await harness()
        try await h.createQueue()
        let off = try await send(h, "d")
        sealer.fail(off, with: disabled)
        await expectSQSError(.kmsDisabled, "nothing else to deliver: its error is the answer") { _ = try await h.receive() }
        #expect(try await h.counts() == [1, 0, 0], "the failed receive changed nothing")
        sealer.fail(try await send(h, "u"), with: deleted)
        _ = try await send(h, "r")
        #expect(try await h.receive(max: 1).map(\.body) == ["r"], "a single receive looks past it")
        #expect(try await h.counts() == [1, 2, 0], "d visible again; u (key deleted) and r in flight")

        sealer.mend(off)
        let received = try await h.receive(system: ["ApproximateReceiveCount"])
        #expect(received.map(\.body) == ["d"])
        #expect(received.map { $0.attributes["ApproximateReceiveCount"] } == ["1"], "the failed receives were not counted")
    }

    @Test("With a zero visibility timeout a message whose key is disabled is not claimed over and over: its receive stays uncounted")
    func zeroVisibilityDoesNotRecount() async throws {
        let (h, sealer) = try await harness()
        try await h.createQueue()
        let off = try await send(h, "d")
        sealer.fail(off, with: disabled)
        await expectSQSError(.kmsDisabled) { _ = try await h.receive(max: 1, visibility: 0) }
        _ = try await send(h, "r")
        #expect(try await h.receive(max: 10, visibility: 0).map(\.body) == ["r"])
        sealer.mend(off)
        let received = try await h.receive(system: ["ApproximateReceiveCount"])
        #expect(received.first { $0.body == "d" }?.attributes["ApproximateReceiveCount"] == "1")
    }

    @Test("FIFO: a group whose head's key is disabled waits, in order; the other groups are served, also one at a time")
    func fifoDisabledGroupWaits() async throws {
        let (h, sealer) = try await harness()
        try await h.createQueue("q.fifo", ["FifoQueue": "true"])
        let head = try await send(h, "h1", group: "off")
        sealer.fail(head, with: disabled)
        _ = try await send(h, "h2", group: "off")
        _ = try await send(h, "a", group: "g1")
        #expect(try await h.receive(from: "q.fifo", max: 1).map(\.body) == ["a"])
        await expectSQSError(.kmsDisabled) { _ = try await h.receive(from: "q.fifo") }
        #expect(try await h.counts("q.fifo") == [2, 1, 0], "h1 and h2 visible, uncounted; a in flight")
        sealer.mend(head)
        #expect(try await h.receive(from: "q.fifo").map(\.body) == ["h1", "h2"])
    }

    @Test("FIFO: a group whose head cannot be opened stays blocked, in order; the other groups are served")
    func fifoDeadGroupBlocksOnlyItself() async throws {
        let (h, sealer, head) = try await fifoWithDeadGroup()
        _ = try await send(h, "b", group: "g2")

        let first = try await h.receive(from: "q.fifo", visibility: 30)
        #expect(first.map(\.body) == ["a", "b"], "the dead group's next message is not delivered before its head")
        #expect(try await h.counts("q.fifo") == [1, 3, 0], "the message behind the head was given back")
        #expect(try await h.receive(from: "q.fifo").isEmpty, "the dead group is held while its head is in flight")
        for message in first { try await h.engine.deleteMessage(queue: "q.fifo", receiptHandle: message.receiptHandle) }

        h.clock.advance(seconds: 31)
        await expectSQSError(.kmsNotFound) { _ = try await h.receive(from: "q.fifo", visibility: 30) }

        sealer.mend(head)
        h.clock.advance(seconds: 31)
        #expect(try await h.receive(from: "q.fifo").map(\.body) == ["u", "after"])
    }

    @Test("FIFO: retrying a failed receive with its attempt id does not hand out what another receive got since")
    func failedAttemptReplaysNothing() async throws {
        let (h, sealer) = try await harness()
        try await h.createQueue("q.fifo", ["FifoQueue": "true"])
        var ids: [String] = []
        for body in ["m0", "m1", "m2"] { ids.append(try await send(h, body, group: "g")) }
        for id in ids { sealer.fail(id, with: disabled) }
        await expectSQSError(.kmsDisabled) { _ = try await receive(h, attempt: "A1") }

        for id in ids { sealer.mend(id) }
        let second = try await receive(h, attempt: "B1")
        #expect(second.map(\.body) == ["m0", "m1", "m2"])
        #expect(try await receive(h, attempt: "A1").isEmpty, "A1 received nothing; B's messages are in flight")
        for message in second { try await h.engine.deleteMessage(queue: "q.fifo", receiptHandle: message.receiptHandle) }
    }

    @Test("FIFO: a retry of an attempt whose message was deleted is refused, never handing out one it gave back that another receive got since")
    func attemptForgetsHeldBackMessages() async throws {
        let (h, sealer, head) = try await fifoWithDeadGroup()
        let first = try await receive(h, attempt: "A1")
        #expect(first.map(\.body) == ["a"], "'after' was claimed behind the unreadable head and given back")
        try await h.engine.deleteMessage(queue: "q.fifo", receiptHandle: first[0].receiptHandle)

        sealer.mend(head)
        h.clock.advance(seconds: 31)
        #expect(try await receive(h, attempt: "B1").map(\.body) == ["u", "after"])
        await expectSQSError(.invalidParameterValue) { _ = try await receive(h, attempt: "A1") }  // 'a' was deleted; 'after' is B's
    }
}
