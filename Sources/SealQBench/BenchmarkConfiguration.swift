/// Everything a benchmark run needs: where, who, how hard and what.
public struct BenchmarkConfiguration: Sendable {
    /// The daemon to load.
    public var endpoint: BenchmarkEndpoint
    /// The access key id requests are signed with.
    public var accessKeyId: String
    /// The secret access key requests are signed with.
    public var secretAccessKey: String
    /// The SigV4 region (credential scope).
    public var region: String
    /// The account the queues belong to (shown in the queue ARN).
    public var accountId: String
    /// Concurrent keep-alive connections, each with one request in flight.
    public var connections: Int
    /// How long each measured phase lasts.
    public var duration: Duration
    /// Stop a measured phase after this many requests, if it comes before the end of `duration`.
    public var requestLimit: Int?
    /// Size of each message body in bytes.
    public var messageSize: Int
    /// Messages per `SendMessageBatch` request in the `batch` scenario (1...10).
    public var batchSize: Int
    /// Messages put in each queue, in batches of 10, before its measured phase.
    public var prefill: Int
    /// What to measure.
    public var scenario: BenchmarkScenario
    /// Run `send`, `batch` and `pipeline` against a FIFO queue instead of a standard one
    /// (`fifo-receive` always uses a FIFO queue, `fifo-all` chooses its own queues).
    public var fifo: Bool
    /// Message groups of a FIFO queue: each message goes to the next of `g0` … `g{groups-1}`.
    public var groups: Int
    /// Attributes of every queue the benchmark creates (`SqsManagedSseEnabled=false`, a
    /// `KmsMasterKeyId`, …), to compare queue settings.
    public var queueAttributes: [String: String]
    /// Rounds of `sse-compare`: each measures `send`, `batch` and `pipeline` without and with encryption.
    public var rounds: Int

    /// A configuration; the defaults match `sealq bench` without options.
    public init(
        endpoint: BenchmarkEndpoint = BenchmarkEndpoint(host: "127.0.0.1", port: 9324),
        accessKeyId: String,
        secretAccessKey: String,
        region: String = "us-east-1",
        accountId: String = "000000000000",
        connections: Int = 64,
        duration: Duration = .seconds(10),
        requestLimit: Int? = nil,
        messageSize: Int = 1024,
        batchSize: Int = 10,
        prefill: Int = 0,
        scenario: BenchmarkScenario = .all,
        fifo: Bool = false,
        groups: Int = 1,
        queueAttributes: [String: String] = [:],
        rounds: Int = 5
    ) {
        self.queueAttributes = queueAttributes
        self.rounds = rounds
        self.endpoint = endpoint
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.accountId = accountId
        self.connections = connections
        self.duration = duration
        self.requestLimit = requestLimit
        self.messageSize = messageSize
        self.batchSize = batchSize
        self.prefill = prefill
        self.scenario = scenario
        self.fifo = fifo
        self.groups = groups
    }

    /// The phases this configuration runs, in order.
    public var steps: [BenchmarkStep] {
        let queue: BenchmarkQueue = fifo ? .fifo(groups: groups) : .standard
        switch scenario {
        case .all:
            return [.health, .send, .batch, .pipeline].map { BenchmarkStep(scenario: $0, queue: queue) }
        case .fifoReceive:
            return [BenchmarkStep(scenario: .fifoReceive, queue: .fifo(groups: groups))]
        case .fifoAll:
            return [BenchmarkQueue.standard, .fifo(groups: 1), .fifo(groups: 1_000)].flatMap { queue in
                [BenchmarkStep(scenario: .send, queue: queue), BenchmarkStep(scenario: .batch, queue: queue)]
            }
        case .sseCompare:
            // Alternating which queue goes first cancels a machine that drifts over the run.
            return (0..<rounds).flatMap { round in
                [BenchmarkScenario.send, .batch, .pipeline].flatMap { scenario in
                    let order: [BenchmarkEncryption] = round.isMultiple(of: 2) ? [.off, .asConfigured] : [.asConfigured, .off]
                    return order.map { BenchmarkStep(scenario: scenario, queue: queue, encryption: $0) }
                }
            }
        case .health, .send, .batch, .pipeline:
            return [BenchmarkStep(scenario: scenario, queue: queue)]
        case .authz:
            return []
        case .kms:
            return [BenchmarkStep(scenario: .kms, queue: .standard)]
        }
    }

    /// Throws ``BenchmarkError/invalidConfiguration(_:)`` for a setting out of range.
    public func validate() throws {
        func require(_ condition: Bool, _ reason: String) throws {
            if !condition { throw BenchmarkError.invalidConfiguration(reason) }
        }
        try require(connections >= 1, "connections must be at least 1")
        try require(duration > .zero, "duration must be positive")
        try require(requestLimit.map { $0 >= 1 } ?? true, "the request limit must be at least 1")
        try require(
            messageSize >= MessageBody.minimumSize, "message size must be at least \(MessageBody.minimumSize) bytes")
        try require((1...10).contains(batchSize), "batch size must be between 1 and 10")
        try require(prefill >= 0, "prefill must not be negative")
        try require(groups >= 1, "groups must be at least 1")
        try require(rounds >= 1, "rounds must be at least 1")
        try require(
            scenario != .sseCompare || queueAttributes["KmsMasterKeyId"] != nil
                || queueAttributes["SqsManagedSseEnabled"]?.lowercased() != "false",
            "sse-compare sets SSE off on its unencrypted queues itself; leave SqsManagedSseEnabled on or name a KmsMasterKeyId")
        try require(
            scenario != .fifoReceive || prefill >= 1, "the fifo-receive scenario needs a prefill of at least 1 message")
        try require(
            connections >= 2 || !steps.contains { $0.scenario == .pipeline },
            "the pipeline scenario needs at least 2 connections (senders and receivers)")
    }
}
