import Logging
import Metrics
import Synchronization

/// The SQS semantics: queues, messages, visibility, long polling, server-side encryption.
///
/// It validates every request by AWS's rules, keeps live queues in memory, persists through a
/// `MessageStore` and encrypts payloads through a `PayloadSealer`. It knows nothing of HTTP,
/// SQL or cipher names.
public final class QueueEngine: Sendable {
    /// Account and region the engine serves.
    public struct Configuration: Sendable {
        /// The 12-digit account id in ARNs.
        public var accountId: String
        /// The region in ARNs.
        public var region: String
        /// Messages a queue may hold in flight before short-poll receives fail with OverLimit
        /// (AWS's quota: about 120,000 for standard and FIFO queues).
        public var maxInFlight: Int
        /// How long a send the disk has no room for waits before it is refused, after one more
        /// look at the room: a producer retrying at once meets about one refusal a second per
        /// connection, each of which is an audit record taking room too.
        public var refusedSendHold: Duration

        /// Creates a configuration.
        public init(accountId: String, region: String, maxInFlight: Int = 120_000, refusedSendHold: Duration = .seconds(1)) {
            self.accountId = accountId
            self.region = region
            self.maxInFlight = maxInFlight
            self.refusedSendHold = refusedSendHold
        }
    }

    /// FIFO deduplication and receive-attempt window: 5 minutes.
    static let fifoWindowMilliseconds: Int64 = 300_000
    /// The longest a receive may wait for messages (WaitTimeSeconds).
    static let longestWaitSeconds = 20

    let configuration: Configuration
    let store: any MessageStore
    let sealer: any PayloadSealer
    let time: any TimeSource
    let receipts: ReceiptHandleCodec
    let contentDigest: (@Sendable (String) -> String)?
    let catalog = QueueCatalog()
    let waiters = LongPollWaiters()
    let moveTasks = MoveTaskBoard()
    let inFlight = InFlightGauge()
    /// Serializes the changes to each queue (by name): each reads the queue's newest record
    /// and stores its change before the next starts, so none is lost or undone by another.
    let queueChanges = NamedSerialLock()
    let logger: Logger
    /// `arn:aws:sqs:REGION:ACCOUNT:`, the start of every queue ARN.
    let arnPrefix: String
    /// Counters by queue and metric, each made once: making one asks the metrics backend.
    private let counters = Mutex<[String: [String: Counter]]>([:])
    /// The recorders of sent messages' sizes, by queue.
    private let sizeRecorders = Mutex<[String: Recorder]>([:])

    /// The metric of sent messages' sizes (CloudWatch's SentMessageSize), and the bucket bounds,
    /// in bytes, its histogram should have (the metrics backend is told at start).
    public static let sentMessageSizeMetric = "sealq_sent_message_size_bytes"
    /// 256 B to 1 MiB, by fours: SQS's whole range of message sizes.
    public static let sentMessageSizeBuckets: [Double] = [256, 1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576]

    /// Creates an engine; call `start()` before serving requests.
    ///
    /// - Parameter contentDigest: the hex SHA-256 of a message body, for FIFO queues with
    ///   ContentBasedDeduplication (the server supplies it from its crypto module).
    public init(
        configuration: Configuration, store: any MessageStore, sealer: any PayloadSealer, time: any TimeSource,
        receiptAuthenticator: any ReceiptAuthenticator, logger: Logger,
        contentDigest: (@Sendable (String) -> String)? = nil
    ) {
        self.configuration = configuration
        self.store = store
        self.sealer = sealer
        self.time = time
        self.receipts = ReceiptHandleCodec(authenticator: receiptAuthenticator)
        self.contentDigest = contentDigest
        self.logger = logger
        self.arnPrefix = "arn:aws:sqs:\(configuration.region):\(configuration.accountId):"
    }

    /// Loads the live queues from the store, giving a space key to any queue made before
    /// encryption existed.
    public func start() async throws {
        for var record in try await store.loadQueues() {
            if record.spaceKey == nil {
                let key = try sealer.makeSpaceKey(queueArn: queueArn(record.name))
                guard let updated = try await store.assignSpaceKey(queueId: record.id, key: key) else { continue }
                record = updated
            }
            catalog.upsert(record)
            startCounters(of: record)
        }
        moveTasks.load(try await store.loadMoveTasks())
        logger.info("queue engine started", metadata: ["queues.count": "\(catalog.all().count)"])
    }

    /// Ends every long poll with an empty answer and refuses to start new waits.
    public func shutdown() {
        waiters.close()
    }

    /// The ARN of a queue.
    public func queueArn(_ name: String) -> String {
        arnPrefix + name
    }

    /// All live queues (for metrics and maintenance).
    public func liveQueues() -> [QueueRecord] {
        catalog.all()
    }

    /// Counts of a live queue's messages now.
    public func messageCounts(of queue: QueueRecord) async throws -> MessageCounts {
        try await store.counts(space: queue.messageSpace, now: time.nowMilliseconds())
    }

    /// What `/metrics` shows of each of `queues`, in their order: counts and when the oldest
    /// message arrived (ApproximateAgeOfOldestMessage's start).
    public func readings(of queues: [QueueRecord]) async throws -> [SpaceReading] {
        let fifo = Set(queues.filter(\.settings.fifoQueue).map(\.messageSpace))
        let readings = try await store.readings(spaces: queues.map(\.messageSpace), ordered: fifo, now: time.nowMilliseconds())
        return queues.map { readings[$0.messageSpace]! }
    }

    /// Removes expired messages and what purges and deletions left behind, and the keys no
    /// queue uses any more from the sealer's caches; returns rows removed, and whether the sweep
    /// stopped at its bound (at most `limit` rows, and a bound of bytes), so more may be left.
    public func sweepExpiredMessages(limit: Int) async throws -> (removed: Int, bounded: Bool) {
        sealer.forgetIdleKeys()
        let now = time.nowMilliseconds()
        var cutoffs: [Int64: Int64] = [:]
        for queue in catalog.all() {
            cutoffs[queue.messageSpace] = now - Int64(queue.settings.messageRetentionPeriod) * 1000
        }
        let swept = try await store.sweep(retentionCutoffs: cutoffs, forgetBefore: now - Self.fifoWindowMilliseconds, now: now, limit: limit)
        // An expired FIFO message in flight at the head of its group frees the group: receives
        // waiting on the queue look again, as they do after a delete.
        for queue in catalog.all() where queue.settings.fifoQueue && swept.expiredIn.contains(queue.messageSpace) {
            waiters.notifyAll(queueId: queue.id)
        }
        return (swept.removed, swept.bounded)
    }

    func requireQueue(_ name: String) throws(SQSError) -> QueueRecord {
        guard let queue = catalog.queue(named: name) else { throw SQSError.queueDoesNotExist }
        return queue
    }

    /// The per-queue counters every queue has from its start (FIFO queues also count
    /// deduplicated sends). Each is shown at zero before its first event: a series that appeared
    /// at 1 would lose that first event to Prometheus's `increase()` and `rate()`.
    static let perQueueCounters = [
        "sealq_messages_sent_total", "sealq_messages_received_total", "sealq_messages_deleted_total",
        "sealq_empty_receives_total", "sealq_messages_dead_lettered_total", "sealq_sends_refused_low_disk_total",
    ]

    /// Makes the per-queue counters and the sent-size histogram of `queue` (created, or loaded
    /// at start), at zero.
    func startCounters(of queue: QueueRecord) {
        let metrics = Self.perQueueCounters + (queue.settings.fifoQueue ? ["sealq_messages_deduplicated_total"] : [])
        counters.withLock { counters in
            for metric in metrics where counters[queue.name]?[metric] == nil {
                counters[queue.name, default: [:]][metric] = Counter(label: metric, dimensions: [("queue", queue.name)])
            }
        }
        sizeRecorders.withLock { recorders in
            if recorders[queue.name] == nil {
                recorders[queue.name] = Recorder(label: Self.sentMessageSizeMetric, dimensions: [("queue", queue.name)])
            }
        }
    }

    /// Destroys the per-queue counters and size recorder of `queue` (deleted), so its series leave `/metrics` and a
    /// queue created again under its name counts from zero, as a new queue in CloudWatch does.
    func forgetCounters(of queue: String) {
        let removed = counters.withLock { $0.removeValue(forKey: queue) } ?? [:]
        removed.values.forEach { $0.destroy() }
        sizeRecorders.withLock { $0.removeValue(forKey: queue) }?.destroy()
    }

    /// Records the sizes of messages sent to `queue`.
    func recordSentSizes(_ sizes: [Int], queue: String) {
        guard !sizes.isEmpty else { return }
        let recorder = sizeRecorders.withLock { recorders -> Recorder? in
            if let recorder = recorders[queue] { return recorder }
            guard catalog.queue(named: queue) != nil else { return nil }
            let recorder = Recorder(label: Self.sentMessageSizeMetric, dimensions: [("queue", queue)])
            recorders[queue] = recorder
            return recorder
        }
        for size in sizes { recorder?.record(size) }
    }

    func count(_ metric: String, queue: String, by amount: Int) {
        guard amount > 0 else { return }
        let counter = counters.withLock { counters -> Counter? in
            if let counter = counters[queue]?[metric] { return counter }
            // A request that ran on a queue deleted since does not bring its series back.
            guard catalog.queue(named: queue) != nil else { return nil }
            let counter = Counter(label: metric, dimensions: [("queue", queue)])
            counters[queue, default: [:]][metric] = counter
            return counter
        }
        counter?.increment(by: amount)
    }
}
