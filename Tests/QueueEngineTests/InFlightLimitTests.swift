import QueueEngine
import Storage
import Testing

@Suite("In-flight quota: short polls fail with OverLimit, long polls just wait")
struct InFlightLimitTests {
    @Test("Receives beyond the in-flight quota fail with OverLimit until messages leave flight")
    func overLimit() async throws {
        let clock = ManualClock()
        let store = try SQLiteMessageStore.inMemory(logger: quietLogger)
        let engine = QueueEngine(
            configuration: .init(accountId: "000000000000", region: "us-east-1", maxInFlight: 3),
            store: store, sealer: try await makeSealer(store), time: clock,
            receiptAuthenticator: TestReceiptAuthenticator(key: receiptKey), logger: quietLogger)
        try await engine.start()
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
        let store = try SQLiteMessageStore.inMemory(logger: quietLogger)
        let engine = QueueEngine(
            configuration: .init(accountId: "000000000000", region: "us-east-1", maxInFlight: 3),
            store: store, sealer: try await makeSealer(store), time: SystemTimeSource(),
            receiptAuthenticator: TestReceiptAuthenticator(key: receiptKey), logger: quietLogger)
        try await engine.start()
        _ = try await engine.createQueue(name: "q", attributes: [:], tags: [:])
        for index in 0..<5 {
            _ = try await engine.sendMessage(queue: "q", OutgoingMessage(body: "m\(index)"), caller: testCaller)
        }
        #expect(try await engine.receiveMessages(queue: "q", ReceiveRequest(maxNumberOfMessages: 3), caller: testCaller).count == 3)
        let polled = try await engine.receiveMessages(queue: "q", ReceiveRequest(waitTimeSeconds: 1), caller: testCaller)
        #expect(polled.isEmpty)
    }
}
