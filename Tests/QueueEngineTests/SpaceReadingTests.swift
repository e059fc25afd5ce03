import Testing

@testable import QueueEngine

/// `/metrics` reads every queue's counts and oldest arrival in one go.
@Suite("Readings of many queues at once")
struct SpaceReadingTests {
    @Test("Each queue's counts and oldest arrival, in the queues' order; an empty queue reads zero and none")
    func readingsOfSeveralQueues() async throws {
        let h = try await Harness()
        try await h.createQueue("busy")
        try await h.createQueue("idle")
        try await h.send("first", to: "busy")
        let sentAt = h.clock.nowMilliseconds()
        h.clock.advance(seconds: 1)
        try await h.send("taken", to: "busy")
        try await h.send("later", to: "busy", delay: 60)
        #expect(try await h.receive(from: "busy", max: 1, visibility: 30).map(\.body) == ["first"])
        let queues = h.engine.liveQueues().filter { ["busy", "idle"].contains($0.name) }.sorted { $0.name < $1.name }
        let readings = try await h.engine.readings(of: queues)
        #expect(readings.map(\.counts) == [
            MessageCounts(visible: 1, inFlight: 1, delayed: 1), MessageCounts(visible: 0, inFlight: 0, delayed: 0),
        ])
        #expect(readings.map(\.oldestArrival) == [sentAt, nil])
    }
}
