@testable import QueueEngine
import Storage
import Testing

@Suite("In-flight quota: standard short polls fail with OverLimit, FIFO receives and long polls just get nothing")
struct InFlightLimitTests {
    /// An engine over an in-memory store whose queues allow 3 messages in flight.
    private func engine(time: some TimeSource = ManualClock()) async throws -> QueueEngine {
        let store = try SQLiteMessageStore.inMemory(logger: quietLogger)
        let engine = QueueEngine(
            configuration: .init(accountId: "000000000000", region: "us-east-1", maxInFlight: 3),
            store: store, sealer: try await makeSealer(store), time: time,
            receiptAuthenticator: TestReceiptAuthenticator(key: receiptKey), logger: quietLogger)
        try await engine.start()
        return engine
    }

    @Test("Receives beyond the in-flight quota fail with OverLimit until messages leave flight")
    func overLimit() async throws {
        let clock = ManualClock()
        let engine = try await engine(time: clock)
        _ = try await engine.createQueue(name: "q", attributes: [:], tags: [:])
        for index in 0..<5 {
            _ = try await engine.sendMessage(queue: "q", OutgoingMessage(body: "m\(index)"), caller: testCaller)
        }
        let first = try await engine.receiveMessages(queue: "q", ReceiveRequest(maxNumberOfMessages: 3), caller: testCaller)
        #expect(first.count == 3)
        await expectSQSError(.overLimit) {
            _ = try await engine.receiveMessages(queue: "q", ReceiveRequest(maxNumberOfMessages: 1), caller: testCaller)
        }
        for message in first { try await engine.deleteMessage(queue: "q", receiptHandle: message.receiptHandle) }
        clock.advance(seconds: 2)  // the gauge refreshes at most once a second
        #expect(try await engine.receiveMessages(queue: "q", ReceiveRequest(maxNumberOfMessages: 2), caller: testCaller).count == 2)
    }

    @Test("A long poll at the in-flight quota gets no error and no messages")
    func longPollAtTheQuota() async throws {
        let engine = try await engine(time: SystemTimeSource())
        _ = try await engine.createQueue(name: "q", attributes: [:], tags: [:])
        for index in 0..<5 {
            _ = try await engine.sendMessage(queue: "q", OutgoingMessage(body: "m\(index)"), caller: testCaller)
        }
        #expect(try await engine.receiveMessages(queue: "q", ReceiveRequest(maxNumberOfMessages: 3), caller: testCaller).count == 3)
        let polled = try await engine.receiveMessages(queue: "q", ReceiveRequest(waitTimeSeconds: 1), caller: testCaller)
        #expect(polled.isEmpty)
    }

    @Test("A receive takes no more messages than fit under the quota")
    func receiveStopsAtTheQuota() async throws {
        let engine = try await engine()
        _ = try await engine.createQueue(name: "q", attributes: [:], tags: [:])
        for index in 0..<5 {
            _ = try await engine.sendMessage(queue: "q", OutgoingMessage(body: "m\(index)"), caller: testCaller)
        }
        #expect(try await engine.receiveMessages(queue: "q", ReceiveRequest(maxNumberOfMessages: 10), caller: testCaller).count == 3)
    }

    /// A FIFO queue `q.fifo` with five messages in five groups, three of them received: at the
    /// engines' quota of 3.
    private func fillToTheQuota(_ engine: QueueEngine) async throws {
        _ = try await engine.createQueue(name: "q.fifo", attributes: ["FifoQueue": "true"], tags: [:])
        for index in 0..<5 {
            _ = try await engine.sendMessage(
                queue: "q.fifo", OutgoingMessage(body: "m\(index)", groupId: "g\(index)", deduplicationId: "d\(index)"),
                caller: testCaller)
        }
        #expect(try await engine.receiveMessages(queue: "q.fifo", ReceiveRequest(maxNumberOfMessages: 3), caller: testCaller).count == 3)
    }

    @Test("A FIFO short poll at the quota gets no error and no messages")
    func fifoShortPollAtTheQuota() async throws {
        let engine = try await engine()
        try await fillToTheQuota(engine)
        #expect(try await engine.receiveMessages(queue: "q.fifo", ReceiveRequest(maxNumberOfMessages: 1), caller: testCaller).isEmpty)
    }

    @Test("A FIFO long poll at the quota waits, and gets no messages")
    func fifoLongPollAtTheQuota() async throws {
        let engine = try await engine(time: SystemTimeSource())
        try await fillToTheQuota(engine)
        let started = ContinuousClock.now
        #expect(try await engine.receiveMessages(queue: "q.fifo", ReceiveRequest(waitTimeSeconds: 1), caller: testCaller).isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(900))
    }

    @Test("A refresh of the gauge keeps the receives counted while it read the store")
    func refreshKeepsConcurrentReceives() async throws {
        let gauge = InFlightGauge()
        #expect(try await gauge.count(space: 1, now: 0) { 100 } == 100)
        let refreshed = try await gauge.count(space: 1, now: 2_000) {
            gauge.add(5, space: 1)  // a receive that claimed after the store was read
            return 100
        }
        #expect(refreshed == 105)
        #expect(try await gauge.count(space: 1, now: 2_500) { 0 } == 105)
    }
}
