import QueueEngine
import Testing

@Suite("Fair queues: MessageGroupId on a standard queue")
struct FairQueueTests {
    private func send(_ h: Harness, _ body: String, group: String?, delay: Int? = nil) async throws {
        _ = try await h.engine.sendMessage(
            queue: "q", OutgoingMessage(body: body, delaySeconds: delay, groupId: group), caller: testCaller)
    }

    /// Sends one message delayed by 900 s to each of `count` groups, the oldest tenants of the queue.
    private func sendDelayedTenants(_ h: Harness, count: Int) async throws {
        for index in 0..<count { try await send(h, "delayed-\(index)", group: "d\(index)", delay: 900) }
    }

    @Test("A quiet tenant's message is not stuck behind a busy tenant's backlog")
    func quietTenantServedEarly() async throws {
        let h = try await Harness()
        try await h.createQueue()
        for index in 0..<50 { try await send(h, "noisy-\(index)", group: "noisy") }
        try await send(h, "quiet-0", group: "quiet")
        let first = try await h.receive(max: 10).map(\.body)
        #expect(first.contains("quiet-0"), "got \(first)")
        #expect(first.count == 10)
    }

    @Test("Tenants with fewer messages in flight are served first")
    func leastLoadedFirst() async throws {
        let h = try await Harness()
        try await h.createQueue()
        for index in 0..<20 { try await send(h, "a-\(index)", group: "a") }
        _ = try await h.receive(max: 10)  // tenant a now has messages in flight
        for index in 0..<5 { try await send(h, "b-\(index)", group: "b") }
        let next = try await h.receive(max: 1).map(\.body)
        #expect(next == ["b-0"])
    }

    @Test("Messages without a group still flow in a fair queue, and deletes keep groups consistent")
    func ungroupedAndDeletes() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await send(h, "g-0", group: "g")
        try await send(h, "plain", group: nil)
        let got = try await h.receive(max: 10)
        #expect(Set(got.map(\.body)) == ["g-0", "plain"])
        for message in got { try await h.engine.deleteMessage(queue: "q", receiptHandle: message.receiptHandle) }
        #expect(try await h.counts() == [0, 0, 0])
        try await send(h, "g-1", group: "g")
        #expect(try await h.receive(max: 10).map(\.body) == ["g-1"])
    }

    @Test("A visible message is served when the oldest 64 tenants have only delayed messages")
    func visibleBehindDelayedTenants() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await sendDelayedTenants(h, count: 64)
        try await send(h, "late", group: "late-tenant")
        #expect(try await h.receive(max: 10).map(\.body) == ["late"])
        h.clock.advance(seconds: 901)
        #expect(try await h.receive(max: 10).count == 10, "the delayed tenants are served once their messages are visible")
    }

    @Test("A visible message is served when the oldest 64 tenants have all their messages in flight")
    func visibleBehindBusyTenants() async throws {
        let h = try await Harness()
        try await h.createQueue()
        for index in 0..<64 { try await send(h, "t\(index)", group: "t\(index)") }
        var inFlight = 0
        while inFlight < 64 { inFlight += try await h.receive(max: 10, visibility: 120).count }
        try await send(h, "late", group: "late-tenant")
        try await send(h, "plain", group: nil)
        #expect(Set(try await h.receive(max: 10).map(\.body)) == ["late", "plain"])
    }

    @Test("Tenants with nothing visible do not hide the tenants behind them from fair order")
    func fairOrderBehindIdleTenants() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await sendDelayedTenants(h, count: 64)
        for index in 0..<30 { try await send(h, "noisy-\(index)", group: "noisy") }
        _ = try await h.receive(max: 10, visibility: 300)  // the noisy tenant has messages in flight
        try await send(h, "quiet-0", group: "quiet")
        let next = try await h.receive(max: 1).map(\.body) + h.receive(max: 1).map(\.body)
        #expect(next.contains("quiet-0"), "got \(next)")
    }

    @Test("A tenant skipped for having nothing visible is served again after a send, or a visibility change")
    func skippedTenantComesBack() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await send(h, "delayed", group: "g", delay: 900)
        #expect(try await h.receive().isEmpty)
        try await send(h, "now", group: "g")
        let got = try await h.receive(visibility: 300)
        #expect(got.map(\.body) == ["now"])
        #expect(try await h.receive().isEmpty)
        try await h.engine.changeVisibility(queue: "q", receiptHandle: got[0].receiptHandle, visibilityTimeout: 0)
        #expect(try await h.receive().map(\.body) == ["now"])
    }

    @Test("A message without a group is a tenant of its own, served before a busy tenant's backlog")
    func ungroupedIsItsOwnTenant() async throws {
        let h = try await Harness()
        try await h.createQueue()
        for index in 0..<50 { try await send(h, "noisy-\(index)", group: "noisy") }
        _ = try await h.receive(max: 10, visibility: 300)  // the noisy tenant has messages in flight
        try await send(h, "plain", group: nil)
        #expect(try await h.receive(max: 1).map(\.body) == ["plain"])
    }
}
