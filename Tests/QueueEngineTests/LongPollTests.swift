import Foundation
import Synchronization
import Storage
import Testing

@testable import QueueEngine

/// Long polling runs on the wall clock: the engine waits in real time.
@Suite("Long polling (real time)")
struct LongPollTests {
    private func harness() async throws -> (QueueEngine, SystemTimeSource) {
        let clock = SystemTimeSource()
        let store = try SQLiteMessageStore.inMemory(logger: quietLogger)
        let engine = QueueEngine(
            configuration: .init(accountId: "000000000000", region: "us-east-1"),
            store: store, sealer: try await makeSealer(store), time: clock,
            receiptAuthenticator: TestReceiptAuthenticator(key: receiptKey), logger: quietLogger)
        try await engine.start()
        _ = try await engine.createQueue(name: "poll", attributes: [:], tags: [:])
        return (engine, clock)
    }

    @Test("A waiting receive wakes up as soon as another task sends")
    func wakesOnSend() async throws {
        let (engine, _) = try await harness()
        let started = ContinuousClock.now
        let waiter = Task {
            try await engine.receiveMessages(queue: "poll", ReceiveRequest(waitTimeSeconds: 10), caller: testCaller)
        }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await engine.sendMessage(queue: "poll", OutgoingMessage(body: "wake up"), caller: testCaller)
        let received = try await waiter.value
        let elapsed = ContinuousClock.now - started
        #expect(received.map(\.body) == ["wake up"])
        #expect(elapsed < .seconds(5), "woken by the send, not by the 10 s deadline (took \(elapsed))")
    }

    @Test("A notification between a receive's look and its wait ends the wait at once")
    func notificationBeforeTheWait() async {
        let waiters = LongPollWaiters()
        let seen = waiters.notifications(queueId: 7)
        waiters.notify(queueId: 7)  // a send commits after the look found nothing
        let started = ContinuousClock.now
        #expect(await waiters.wait(queueId: 7, milliseconds: 10_000, since: seen) == false, "not slept, so handed no wake-up")
        #expect(ContinuousClock.now - started < .seconds(5), "not slept to the deadline")
        waiters.notify(queueId: 8)  // another queue's notification does not count
        let current = waiters.notifications(queueId: 7)
        let again = ContinuousClock.now
        #expect(await waiters.wait(queueId: 7, milliseconds: 300, since: current) == false, "timed out")
        #expect(ContinuousClock.now - again >= .milliseconds(250))
    }

    @Test("A notification of n messages wakes the n longest-waiting receivers, not every one")
    func notificationWakesAsManyAsMessages() async throws {
        let waiters = LongPollWaiters()
        let woken = WakeOrder()
        var tasks: [Task<Bool, Never>] = []
        for index in 0..<4 {
            let seen = waiters.notifications(queueId: 7)
            tasks.append(Task {
                let handed = await waiters.wait(queueId: 7, milliseconds: 5000, since: seen)
                woken.order.withLock { $0.append(index) }
                return handed
            })
            try await Task.sleep(for: .milliseconds(50))  // registered in this order
        }
        waiters.notify(queueId: 7, count: 1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(woken.order.withLock { $0 } == [0], "one message wakes one receiver, the longest waiting")
        waiters.notify(queueId: 7, count: 2)
        try await Task.sleep(for: .milliseconds(300))
        #expect(woken.order.withLock { $0.sorted() } == [0, 1, 2])
        waiters.notifyAll(queueId: 7)
        var handed: [Bool] = []
        for task in tasks { handed.append(await task.value) }
        #expect(handed == [true, true, true, false], "the last woken to look again, with no wake-up to pass on")
    }

    @Test("A receive woken for a message it leaves without passes the wake-up on to another waiting receive")
    func unusedWakeUpIsPassedOn() async throws {
        let (engine, _) = try await harness()
        let started = ContinuousClock.now
        // The first waiter, woken by the send, waits only until its 1-second deadline: the
        // message becomes visible at 2 seconds, and the second waiter (up to 15 seconds) must get it.
        let short = Task {
            try await engine.receiveMessages(queue: "poll", ReceiveRequest(waitTimeSeconds: 1), caller: testCaller)
        }
        try await Task.sleep(for: .milliseconds(100))
        let long = Task {
            try await engine.receiveMessages(queue: "poll", ReceiveRequest(waitTimeSeconds: 15), caller: testCaller)
        }
        try await Task.sleep(for: .milliseconds(100))
        _ = try await engine.sendMessage(queue: "poll", OutgoingMessage(body: "later", delaySeconds: 2), caller: testCaller)
        #expect(try await short.value.isEmpty)
        #expect(try await long.value.map(\.body) == ["later"])
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(8), "delivered when the delay ended, not at the 15 s deadline (took \(elapsed))")
    }

    @Test("A FIFO group's in-flight head expiring by retention wakes a receive waiting for the group's next one")
    func fifoRetentionWakes() async throws {
        let h = try await Harness()  // a manual clock: waits run in real time, the clock only moves when told
        try await h.createQueue("order.fifo", ["FifoQueue": "true", "MessageRetentionPeriod": "60"])
        for (body, seconds) in [("head", 0.0), ("next", 20.0)] {
            h.clock.advance(seconds: seconds)
            _ = try await h.engine.sendMessage(
                queue: "order.fifo", OutgoingMessage(body: body, groupId: "g", deduplicationId: body), caller: testCaller)
        }
        #expect(try await h.receive(from: "order.fifo", max: 1, visibility: 3600).map(\.body) == ["head"])
        let waiter = Task {
            try await h.engine.receiveMessages(queue: "order.fifo", ReceiveRequest(waitTimeSeconds: 20), caller: testCaller)
        }
        try await Task.sleep(for: .milliseconds(300))
        h.clock.advance(seconds: 41)  // the head, in flight for an hour, is now past its 60-second retention
        let started = ContinuousClock.now
        _ = try await h.engine.sweepExpiredMessages(limit: 100)
        let received = try await waiter.value
        #expect(received.map(\.body) == ["next"])
        #expect(ContinuousClock.now - started < .seconds(8), "woken by the sweep, not by the 20-second deadline")
    }

    @Test("Deleting a FIFO group's in-flight message wakes a receive waiting for the group's next one")
    func fifoDeleteWakes() async throws {
        let (engine, _) = try await harness()
        _ = try await engine.createQueue(
            name: "order.fifo", attributes: ["FifoQueue": "true"], tags: [:])
        for body in ["first", "second"] {
            _ = try await engine.sendMessage(
                queue: "order.fifo", OutgoingMessage(body: body, groupId: "g", deduplicationId: body), caller: testCaller)
        }
        let first = try await engine.receiveMessages(
            queue: "order.fifo", ReceiveRequest(visibilityTimeout: 60), caller: testCaller)
        #expect(first.map(\.body) == ["first"])
        let started = ContinuousClock.now
        let waiter = Task {
            try await engine.receiveMessages(queue: "order.fifo", ReceiveRequest(waitTimeSeconds: 15), caller: testCaller)
        }
        try await Task.sleep(for: .milliseconds(300))
        try await engine.deleteMessage(queue: "order.fifo", receiptHandle: first[0].receiptHandle)
        let next = try await waiter.value
        #expect(next.map(\.body) == ["second"])
        #expect(ContinuousClock.now - started < .seconds(8), "woken by the delete, not the 15 s deadline")
    }

    @Test("A waiting receive gets a message whose visibility timeout ends within its wait, though no send woke it")
    func wakesWhenVisibilityTimeoutEnds() async throws {
        let (engine, _) = try await harness()
        _ = try await engine.createQueue(name: "brief", attributes: ["VisibilityTimeout": "1"], tags: [:])
        let first = Task {
            try await engine.receiveMessages(queue: "brief", ReceiveRequest(maxNumberOfMessages: 10, waitTimeSeconds: 15), caller: testCaller)
        }
        try await Task.sleep(for: .milliseconds(100))
        let second = Task { try await engine.receiveMessages(queue: "brief", ReceiveRequest(waitTimeSeconds: 15), caller: testCaller) }
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        _ = try await engine.sendMessage(queue: "brief", OutgoingMessage(body: "again"), caller: testCaller)
        #expect(try await first.value.map(\.body) == ["again"], "the longest waiting is woken")
        #expect(try await second.value.map(\.body) == ["again"], "never deleted: visible again a second later")
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(8), "when its timeout ended, not at the 15 s deadline (took \(elapsed))")
    }

    @Test("A waiting receive with nothing to get returns empty at its deadline")
    func returnsEmptyAtDeadline() async throws {
        let (engine, _) = try await harness()
        let started = ContinuousClock.now
        let received = try await engine.receiveMessages(queue: "poll", ReceiveRequest(waitTimeSeconds: 1), caller: testCaller)
        let elapsed = ContinuousClock.now - started
        #expect(received.isEmpty)
        #expect(elapsed >= .milliseconds(950), "waited about the full second (took \(elapsed))")
        #expect(elapsed < .seconds(4), "returned at its 1 s deadline, not later (a loaded machine may add a second; took \(elapsed))")
    }

    @Test("A delayed message ends the wait when its delay elapses")
    func wakesWhenDelayElapses() async throws {
        let (engine, _) = try await harness()
        _ = try await engine.sendMessage(queue: "poll", OutgoingMessage(body: "delayed", delaySeconds: 1), caller: testCaller)
        let started = ContinuousClock.now
        let received = try await engine.receiveMessages(queue: "poll", ReceiveRequest(waitTimeSeconds: 10), caller: testCaller)
        let elapsed = ContinuousClock.now - started
        #expect(received.map(\.body) == ["delayed"])
        #expect(elapsed < .seconds(5), "when the 1 s delay ended, not at the 10 s deadline (took \(elapsed))")
    }

    @Test("shutdown() ends a waiting receive with no messages, and later waits return at once")
    func shutdownEndsWait() async throws {
        let (engine, _) = try await harness()
        let started = ContinuousClock.now
        let waiter = Task {
            try await engine.receiveMessages(queue: "poll", ReceiveRequest(waitTimeSeconds: 20), caller: testCaller)
        }
        try await Task.sleep(for: .milliseconds(200))
        engine.shutdown()
        let received = try await waiter.value
        #expect(received.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(10))
        let again = ContinuousClock.now
        #expect(try await engine.receiveMessages(queue: "poll", ReceiveRequest(waitTimeSeconds: 20), caller: testCaller).isEmpty)
        #expect(ContinuousClock.now - again < .seconds(10), "at once, not at the 20 s deadline")
    }

    @Test("Deleting the queue ends a waiting receive")
    func deleteEndsWait() async throws {
        let (engine, _) = try await harness()
        let started = ContinuousClock.now
        let waiter = Task {
            try await engine.receiveMessages(queue: "poll", ReceiveRequest(waitTimeSeconds: 10), caller: testCaller)
        }
        try await Task.sleep(for: .milliseconds(200))
        try await engine.deleteQueue(name: "poll")
        #expect(try await waiter.value.isEmpty)
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(5), "woken by the deletion, not by the 10 s deadline (took \(elapsed))")
    }
}

/// The order in which waiting tasks were woken.
private final class WakeOrder: Sendable {
    let order = Mutex<[Int]>([])
}
