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
        scenario: BenchmarkScenario = .all
    ) {
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
        try require(
            connections >= 2 || !scenario.steps.contains(.pipeline),
            "the pipeline scenario needs at least 2 connections (senders and receivers)")
    }
}
