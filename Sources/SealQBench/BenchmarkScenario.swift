/// What a benchmark run measures.
public enum BenchmarkScenario: String, CaseIterable, Sendable {
    /// `GET /health`: the ceiling of the HTTP stack, no signing, no storage.
    case health
    /// `SendMessage`, one message per request.
    case send
    /// `SendMessageBatch` of `batchSize` messages per request.
    case batch
    /// End to end: half of the connections send single messages, the other half receive
    /// (up to 10, long polling 1 s) and delete what they received with `DeleteMessageBatch`.
    case pipeline
    /// `health`, `send`, `batch` and `pipeline` one after another.
    case all

    /// The scenarios this one runs, in order.
    public var steps: [BenchmarkScenario] {
        self == .all ? [.health, .send, .batch, .pipeline] : [self]
    }

    /// Whether the scenario works on a queue (everything but `health`).
    var needsQueue: Bool { self != .health }
}
