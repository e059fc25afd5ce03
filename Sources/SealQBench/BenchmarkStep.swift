/// One measured phase of a run: a scenario against a fresh queue of some kind.
public struct BenchmarkStep: Sendable, Equatable {
    /// What is measured.
    public let scenario: BenchmarkScenario
    /// The queue it is measured on (ignored by `health`, which uses none).
    public let queue: BenchmarkQueue
    /// Whether that queue encrypts as configured or has SSE off (`sse-compare`).
    public let encryption: BenchmarkEncryption

    /// A step.
    public init(scenario: BenchmarkScenario, queue: BenchmarkQueue, encryption: BenchmarkEncryption = .asConfigured) {
        self.scenario = scenario
        self.queue = queue
        self.encryption = encryption
    }
}
