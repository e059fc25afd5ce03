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
    /// The cost of receiving from a prefilled FIFO queue: every connection receives (up to 10, visibility
    /// timeout 30 s, no wait) and deletes what it received with `DeleteMessageBatch`; the prefill is
    /// spread round-robin over the message groups and its order per group is checked on receipt.
    case fifoReceive = "fifo-receive"
    /// `send` and `batch` on a standard queue, then on a FIFO queue with 1 message group and on one
    /// with 1,000 groups.
    case fifoAll = "fifo-all"
    /// `send`, `batch` and `pipeline`, each on a queue with SSE off and on one encrypted as the queue
    /// attributes say (SSE-SQS by default), for several rounds that alternate which goes first; then
    /// the encrypted rate as a ratio of the unencrypted one, round by round, median and pooled.
    case sseCompare = "sse-compare"
    /// In this process, no daemon: the cost per request of authorizing (a 20-statement policy with
    /// 10 conditions) and of verifying a SigV4 signature, with quantiles.
    case authz
    /// The key service: in this process, Encrypt (1 KiB, one-pair context), Decrypt and
    /// GenerateDataKey (AES_256) timed call by call, and AEAD sealing throughput; then over HTTP
    /// against the daemon, each of the three for the duration on a key created for the run (and
    /// scheduled for deletion at its end).
    case kms

    /// The groups of a FIFO queue when `--groups` is not given: 10,000 for `fifo-receive`, else 1.
    public var defaultGroups: Int { self == .fifoReceive ? 10_000 : 1 }

    /// The prefill when `--prefill` is not given: 100,000 for `fifo-receive`, else 0.
    public var defaultPrefill: Int { self == .fifoReceive ? 100_000 : 0 }

    /// Whether the scenario works on a queue (everything but `health`, `authz` and `kms`).
    var needsQueue: Bool { self != .health && self != .authz && self != .kms }
}
