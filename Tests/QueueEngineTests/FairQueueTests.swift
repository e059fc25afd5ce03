import QueueEngine
import Testing

@Suite("Fair queues: MessageGroupId on a standard queue")
struct FairQueueTests {
    private func send(_ h: Harness, _ body: String, group: String?) async throws {
        _ = try await h.engine.sendMessage(queue: "q", OutgoingMessage(body: body, groupId: group), caller: testCaller)
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
}
