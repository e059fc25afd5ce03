import Testing

@testable import QueueEngine

@Suite("Messages: send, receive, delete, visibility, delay")
struct MessageLifecycleTests {
    @Test("A sent message is received once, hidden while in flight, and gone after delete")
    func sendReceiveDelete() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let sent = try await h.send("hello")
        #expect(sent.messageId.count == 36)
        #expect(try await h.counts() == [1, 0, 0])

        let received = try await h.receive()
        #expect(received.count == 1)
        #expect(received.first?.messageId == sent.messageId)
        #expect(received.first?.body == "hello")
        #expect(try await h.receive().isEmpty, "in flight messages are not received again")
        #expect(try await h.counts() == [0, 1, 0])

        try await h.engine.deleteMessage(queue: "q", receiptHandle: received[0].receiptHandle)
        #expect(try await h.counts() == [0, 0, 0])
        h.clock.advance(seconds: 31)
        #expect(try await h.receive().isEmpty, "a deleted message never comes back")
        try await h.engine.deleteMessage(queue: "q", receiptHandle: received[0].receiptHandle)
    }

    @Test("Message ids are distinct lowercase version-4 UUIDs")
    func messageIds() async throws {
        let h = try await Harness()
        try await h.createQueue()
        var ids = Set<String>()
        for index in 0..<50 {
            let id = try await h.send("m\(index)").messageId
            let groups = id.split(separator: "-", omittingEmptySubsequences: false)
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
            #expect(id.allSatisfy { "0123456789abcdef-".contains($0) }, "\(id)")
            #expect(groups.count == 5 && groups[2].first == "4" && "89ab".contains(groups[3].first ?? "x"), "\(id)")
            ids.insert(id)
        }
        #expect(ids.count == 50)
    }

    @Test("Messages are received in send order, at most MaxNumberOfMessages at a time")
    func receiveOrderAndLimit() async throws {
        let h = try await Harness()
        try await h.createQueue()
        for index in 1...5 { try await h.send("m\(index)") }
        #expect(try await h.receive(max: 2).map(\.body) == ["m1", "m2"])
        #expect(try await h.receive(max: 10).map(\.body) == ["m3", "m4", "m5"])
        await expectSQSError(.invalidParameterValue) { _ = try await h.receive(max: 0) }
        await expectSQSError(.invalidParameterValue) { _ = try await h.receive(max: 11) }
        await expectSQSError(.invalidParameterValue) { _ = try await h.receive(visibility: 43_201) }
        await expectSQSError(.invalidParameterValue) { _ = try await h.receive(visibility: -1) }
        await expectSQSError(.invalidParameterValue) {
            _ = try await h.engine.receiveMessages(queue: "q", ReceiveRequest(waitTimeSeconds: 21), caller: testCaller)
        }
    }

    @Test("After the visibility timeout the message reappears with ApproximateReceiveCount 2")
    func visibilityExpiry() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "30"])
        let sent = try await h.send("again")
        let first = try await h.receive(system: ["ApproximateReceiveCount"])
        #expect(first.first?.attributes["ApproximateReceiveCount"] == "1")
        h.clock.advance(seconds: 29)
        #expect(try await h.receive().isEmpty, "still invisible before the timeout")
        h.clock.advance(seconds: 1.5)
        #expect(try await h.counts() == [1, 0, 0])
        let second = try await h.receive(system: ["ApproximateReceiveCount"])
        #expect(second.first?.messageId == sent.messageId)
        #expect(second.first?.attributes["ApproximateReceiveCount"] == "2")
        #expect(second.first?.receiptHandle != first.first?.receiptHandle)
    }

    @Test("A receive's VisibilityTimeout overrides the queue's; 0 makes the message visible at once")
    func receiveVisibilityOverride() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "300"])
        try await h.send("x")
        _ = try await h.receive(visibility: 5)
        h.clock.advance(seconds: 6)
        #expect(try await h.receive(visibility: 0).count == 1)
        #expect(try await h.receive().count == 1, "visibility 0 left it visible")
    }

    @Test("An old receipt handle is superseded: delete succeeds without deleting, visibility change fails")
    func supersededHandle() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "30"])
        try await h.send("twice")
        let old = try #require(try await h.receive().first).receiptHandle
        h.clock.advance(seconds: 31)
        let current = try #require(try await h.receive().first).receiptHandle

        try await h.engine.deleteMessage(queue: "q", receiptHandle: old)
        #expect(try await h.counts() == [0, 1, 0], "the message is still there, in flight")
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.changeVisibility(queue: "q", receiptHandle: old, visibilityTimeout: 0)
        }
        #expect(try await h.receive().isEmpty, "the failed change did not make it visible")

        try await h.engine.changeVisibility(queue: "q", receiptHandle: current, visibilityTimeout: 60)
        try await h.engine.deleteMessage(queue: "q", receiptHandle: current)
        #expect(try await h.counts() == [0, 0, 0])
    }

    @Test("Changing visibility after the timeout expired fails with MessageNotInflight; delete still works")
    func notInflightAfterExpiry() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "30"])
        try await h.send("late")
        let handle = try #require(try await h.receive().first).receiptHandle
        h.clock.advance(seconds: 31)
        await expectSQSError(.messageNotInflight) {
            try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 10)
        }
        try await h.engine.deleteMessage(queue: "q", receiptHandle: handle)
        #expect(try await h.counts() == [0, 0, 0], "the handle of the latest receive still deletes")
    }

    @Test("A FIFO delete with an expired handle is InvalidParameterValue naming the handle; in a batch, ReceiptHandleIsInvalid")
    func fifoExpiredHandle() async throws {
        let h = try await Harness()
        try await h.createQueue("q.fifo", ["FifoQueue": "true", "VisibilityTimeout": "30"])
        _ = try await h.engine.sendMessage(
            queue: "q.fifo", OutgoingMessage(body: "late", groupId: "g", deduplicationId: "d"), caller: testCaller)
        let handle = try #require(try await h.receive(from: "q.fifo").first).receiptHandle
        h.clock.advance(seconds: 31)
        let error = await expectSQSError(.invalidParameterValue) {
            try await h.engine.deleteMessage(queue: "q.fifo", receiptHandle: handle)
        }
        #expect(error?.message == "Value \(handle) for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.")
        let batch = try await h.engine.deleteMessageBatch(queue: "q.fifo", [BatchEntry(id: "e", payload: handle)])
        #expect(batch.failures.map(\.error.code) == [.receiptHandleIsInvalid])
        #expect(batch.failures.map(\.error.message) == ["The receipt handle has expired."])
        #expect(try await h.counts("q.fifo") == [1, 0, 0], "the message was not deleted")
    }

    @Test("A FIFO queue's DelaySeconds is retroactive for messages not received yet; a standard queue's is not")
    func retroactiveFifoDelay() async throws {
        let h = try await Harness()
        try await h.createQueue("q.fifo", ["FifoQueue": "true", "DelaySeconds": "60"])
        try await h.createQueue("q", ["DelaySeconds": "60"])
        _ = try await h.engine.sendMessage(
            queue: "q.fifo", OutgoingMessage(body: "f", groupId: "g", deduplicationId: "1"), caller: testCaller)
        try await h.send("s")
        h.clock.advance(seconds: 10)
        try await h.engine.setQueueAttributes(name: "q.fifo", attributes: ["DelaySeconds": "0"])
        try await h.engine.setQueueAttributes(name: "q", attributes: ["DelaySeconds": "0"])
        #expect(try await h.receive(from: "q.fifo", visibility: 300).map(\.body) == ["f"])
        #expect(try await h.receive(from: "q").isEmpty, "a standard queue's delay applies to new messages only")
        _ = try await h.engine.sendMessage(
            queue: "q.fifo", OutgoingMessage(body: "later", groupId: "h", deduplicationId: "2"), caller: testCaller)
        try await h.engine.setQueueAttributes(name: "q.fifo", attributes: ["DelaySeconds": "30"])
        #expect(try await h.counts("q.fifo") == [0, 1, 1], "the message in flight keeps its timeout; the new one waits again")
        h.clock.advance(seconds: 31)
        #expect(try await h.receive(from: "q.fifo").map(\.body) == ["later"])
    }

    @Test("ChangeMessageVisibility extends and shortens the timeout")
    func changeVisibility() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "30"])
        try await h.send("x")
        let handle = try #require(try await h.receive().first).receiptHandle
        try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 100)
        h.clock.advance(seconds: 99)
        #expect(try await h.receive().isEmpty)
        try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 0)
        #expect(try await h.receive().count == 1, "timeout 0 makes it visible immediately")
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 43_201)
        }
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: -1)
        }
    }

    @Test("Visibility cannot be extended beyond 12 hours from the receive")
    func twelveHourCap() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "30"])
        try await h.send("long job")
        let handle = try #require(try await h.receive().first).receiptHandle
        h.clock.advance(seconds: 10)
        await expectSQSError(.invalidParameterValue, "10 s + 43,200 s > 12 h") {
            try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 43_200)
        }
        try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 43_190)
        h.clock.advance(seconds: 10)
        await expectSQSError(.invalidParameterValue, "20 s + 43,181 s > 12 h") {
            try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 43_181)
        }
        try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 43_180)
        h.clock.advance(seconds: 43_179)
        #expect(try await h.receive().isEmpty, "still in flight just before the 12-hour mark")
        h.clock.advance(seconds: 2)
        #expect(try await h.receive().count == 1)
    }

    @Test("A per-message delay hides the message until it elapses")
    func perMessageDelay() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await h.send("later", delay: 10)
        try await h.send("now", delay: 0)
        #expect(try await h.counts() == [1, 0, 1])
        #expect(try await h.receive().map(\.body) == ["now"])
        h.clock.advance(seconds: 9)
        #expect(try await h.receive().isEmpty)
        h.clock.advance(seconds: 1)
        #expect(try await h.receive().map(\.body) == ["later"])
    }

    @Test("The queue's DelaySeconds applies unless the message sets its own")
    func queueDelay() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["DelaySeconds": "5"])
        try await h.send("queue-delayed")
        try await h.send("immediate", delay: 0)
        #expect(try await h.receive().map(\.body) == ["immediate"])
        h.clock.advance(seconds: 5)
        #expect(try await h.receive().map(\.body) == ["queue-delayed"])
    }

    @Test("DelaySeconds outside 0–900 is rejected", arguments: [-1, 901])
    func delayRange(delay: Int) async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.invalidParameterValue) { try await h.send("x", delay: delay) }
        try await h.send("x", delay: 900)
        #expect(try await h.counts() == [0, 0, 1])
    }

    @Test("Counters track visible, in-flight and delayed messages as time passes")
    func countersOverTime() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["VisibilityTimeout": "30"])
        try await h.send("a")
        try await h.send("b")
        try await h.send("c", delay: 20)
        _ = try await h.receive(max: 1)
        #expect(try await h.counts() == [1, 1, 1])
        h.clock.advance(seconds: 20)
        #expect(try await h.counts() == [2, 1, 0])
        h.clock.advance(seconds: 11)
        #expect(try await h.counts() == [3, 0, 0])
    }

    @Test("Messages older than the retention period are not received and are swept")
    func retention() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["MessageRetentionPeriod": "60"])
        try await h.createQueue("other")
        try await h.send("old")
        h.clock.advance(seconds: 30)
        try await h.send("young")
        try await h.send("elsewhere", to: "other")
        h.clock.advance(seconds: 31)
        #expect(try await h.engine.sweepExpiredMessages(limit: 100).removed == 1)
        #expect(try await h.counts() == [1, 0, 0])
        #expect(try await h.receive().map(\.body) == ["young"])
        #expect(try await h.counts("other") == [1, 0, 0], "the default 4-day retention keeps it")
    }

    @Test("An expired message is not received even before the sweep runs")
    func retentionBeforeSweep() async throws {
        let h = try await Harness()
        try await h.createQueue("q", ["MessageRetentionPeriod": "60"])
        try await h.send("old")
        h.clock.advance(seconds: 61)
        #expect(try await h.receive().isEmpty)
    }

    @Test("Of concurrent purges of one queue, exactly one succeeds; the others are PurgeQueueInProgress")
    func concurrentPurges() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let engine = h.engine
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { (try? await engine.purgeQueue(name: "q")) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
    }

    @Test("Purge drops every message; a second purge within 60 s fails with PurgeQueueInProgress")
    func purge() async throws {
        let h = try await Harness()
        try await h.createQueue()
        for index in 1...3 { try await h.send("m\(index)") }
        let handle = try #require(try await h.receive(max: 1).first).receiptHandle
        try await h.engine.purgeQueue(name: "q")
        #expect(try await h.counts() == [0, 0, 0])
        #expect(try await h.receive().isEmpty)
        try await h.engine.deleteMessage(queue: "q", receiptHandle: handle)
        await expectSQSError(.invalidParameterValue, "a handle from before the purge cannot change visibility") {
            try await h.engine.changeVisibility(queue: "q", receiptHandle: handle, visibilityTimeout: 0)
        }

        try await h.send("after purge")
        #expect(try await h.receive().map(\.body) == ["after purge"])
        h.clock.advance(seconds: 59)
        await expectSQSError(.purgeQueueInProgress) { try await h.engine.purgeQueue(name: "q") }
        h.clock.advance(seconds: 2)
        try await h.engine.purgeQueue(name: "q")
        #expect(try await h.counts() == [0, 0, 0])
        #expect(try await h.engine.sweepExpiredMessages(limit: 100).removed == 4, "both purged spaces (3 + 1 rows) are swept")
    }

    @Test("Sweeping removes what a deleted queue left behind")
    func sweepDeletedQueue() async throws {
        let h = try await Harness()
        try await h.createQueue("gone")
        for index in 1...4 { try await h.send("m\(index)", to: "gone") }
        try await h.engine.deleteQueue(name: "gone")
        #expect(try await h.engine.sweepExpiredMessages(limit: 3) == (3, true), "the limit bounds one sweep")
        #expect(try await h.engine.sweepExpiredMessages(limit: 100).removed == 1)
        #expect(try await h.engine.sweepExpiredMessages(limit: 100) == (0, false))
    }
}
