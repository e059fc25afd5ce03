/// The persistence port of the engine. `Storage` implements it over SQLite.
///
/// Every mutating call is durable when it returns. Calls that take a receipt (sequence +
/// receive count) check it inside the same transaction that applies the change.
public protocol MessageStore: Sendable {
    /// All live queues.
    func loadQueues() async throws -> [QueueRecord]
    /// Creates a queue unless a live one has the name, or one was deleted after `deletedAfter`.
    func createQueue(
        name: String, settings: QueueSettings, tags: [String: String], now: Int64, deletedAfter: Int64, spaceKey: [UInt8]
    ) async throws -> QueueCreation
    /// Replaces a queue's settings and tags, bumping its version; nil when it no longer exists.
    /// With `retimedDelayMilliseconds`, in the same transaction, the messages of the queue's space
    /// never received yet become visible that long after they were sent (a FIFO queue's
    /// DelaySeconds is retroactive).
    func updateQueue(
        id: Int64, settings: QueueSettings, tags: [String: String], now: Int64, retimedDelayMilliseconds: Int64?
    ) async throws -> QueueRecord?
    /// Deletes a queue and its messages, destroying its space key at once; false when it did not exist.
    func deleteQueue(id: Int64, now: Int64) async throws -> Bool
    /// Moves a queue to a fresh message space keyed by `spaceKey` (its old messages become
    /// unreachable at once, and the old space key is destroyed); nil when it no longer exists.
    /// Refused when the queue was purged at or after `notPurgedSince`, checked in the same
    /// transaction, so of concurrent purges only one passes.
    func purgeQueue(id: Int64, now: Int64, spaceKey: [UInt8], notPurgedSince: Int64) async throws -> PurgeOutcome?
    /// Gives a queue's current message space its key (queues made before encryption existed);
    /// returns the updated record, nil when the queue no longer exists.
    func assignSpaceKey(queueId: Int64, key: [UInt8]) async throws -> QueueRecord?

    /// Whether `count` new messages of `bytes` in all (SQS sizes) may be stored now: false while
    /// the disk holding the store is nearly full, so that what drains it (receives, deletes)
    /// keeps room to work.
    func admitsNewMessages(count: Int, bytes: Int) -> Bool
    /// Stores messages in one space; returns their sequence numbers in order.
    func insert(_ messages: [NewMessage], space: Int64) async throws -> [Int64]
    /// Claims up to `limit` messages visible at `now` and sent after `sentAfter`, making each
    /// invisible until `visibleUntil` and counting the receive. Messages already received
    /// `maxReceiveCount` times move to the dead-letter target instead.
    func claim(_ request: ClaimRequest) async throws -> ClaimResult
    /// Deletes the messages whose receipts are current; one outcome per receipt. With
    /// `requireInFlight` (FIFO), a receipt whose visibility timeout has expired deletes nothing.
    func delete(space: Int64, receipts: [MessageReceipt], now: Int64, requireInFlight: Bool) async throws -> [ReceiptOutcome]

    /// FIFO: whether each of `keys` (scope, deduplication id) names a message stored in `space`
    /// within its window at `now`, read without writing.
    func isDuplicate(_ keys: [(scope: String, deduplicationId: String)], space: Int64, now: Int64) async throws -> [Bool]
    /// FIFO: stores each message unless its deduplication id was stored within its window, in
    /// which case the original is reported and nothing is enqueued. `decided` hears the
    /// outcomes inside the storing transaction.
    func insertDeduplicated(
        _ messages: [DeduplicatedMessage], space: Int64, now: Int64, decided: @escaping @Sendable ([DeduplicationOutcome]) -> Void
    ) async throws -> [DeduplicationOutcome]
    /// FIFO: claims up to `limit` messages in sequence order from groups with nothing in flight,
    /// several per group when available. With an attempt id seen within its window, returns the
    /// messages that attempt claimed (those still in flight) instead.
    func claimInOrder(_ request: ClaimRequest, attempt: ReceiveAttempt?) async throws -> ClaimResult
    /// Undoes the receives that issued `receipts` (their messages could not be delivered):
    /// visible again at `now`, the receive uncounted. With `attempt`, the FIFO receive attempt
    /// that claimed them forgets them, so a retry of it never replays them.
    func releaseClaims(space: Int64, receipts: [MessageReceipt], now: Int64, attempt: String?) async throws
    /// Sets new visibility deadlines for in-flight messages; one outcome per change.
    func changeVisibility(space: Int64, changes: [VisibilityChange], now: Int64) async throws -> [ReceiptOutcome]

    /// Every message move task, newest first.
    func loadMoveTasks() async throws -> [MessageMoveTask]
    /// Creates a task record, or updates a running one; a task that has ended keeps its record.
    func saveMoveTask(_ task: MessageMoveTask) async throws
    /// Removes the records of the tasks of `sourceArn` that have ended (its queue was deleted).
    func forgetEndedMoveTasks(sourceArn: String) async throws
    /// Moves up to `limit` visible messages out of `space` along `routes`, oldest arrival first,
    /// among those with sequence numbers up to `through` and not in `leftBehind` nor in
    /// `heldGroups`, and adds their number to the moved count of task `taskId`, in one
    /// transaction; moves nothing once the task is no longer running. A message that cannot be
    /// re-encrypted stays where it is (in a FIFO source, with the rest of its group); a FIFO
    /// message waits while an earlier one of its group is still in the queue.
    func moveMessages(
        from space: Int64, routes: MoveRoutes, limit: Int, through: Int64?, leftBehind: Set<Int64>, heldGroups: Set<String>,
        now: Int64, taskId: String
    ) async throws -> MoveStep
    /// What a move task starting now takes on: the highest sequence number among the messages
    /// of `space` (0 when none) and how many messages it holds (in flight too), read together.
    func moveTaskScope(space: Int64) async throws -> (through: Int64, count: Int)

    /// Marks a running task cancelled in the same order as its moves; returns its final moved
    /// count, or nil when it was not running.
    func cancelMoveTask(taskId: String) async throws -> Int?

    /// Message counts of a space at `now`.
    func counts(space: Int64, now: Int64) async throws -> MessageCounts
    /// What `/metrics` shows of each space at `now`, read together: its counts and its oldest
    /// message's arrival. Spaces in `ordered` (FIFO queues') keep poison pills in the oldest
    /// arrival: they are never moved back, and block their group.
    func readings(spaces: [Int64], ordered: Set<Int64>, now: Int64) async throws -> [Int64: SpaceReading]
    /// The earliest future moment a message of the space becomes visible, if any.
    func nextVisibleAt(space: Int64, after now: Int64) async throws -> Int64?
    /// The ARNs of the queues the space's dead-lettered messages came from.
    func deadLetterOrigins(space: Int64) async throws -> [String]
    /// Removes messages sent at or before their space's cutoff, leftovers of purged or deleted
    /// queues, deduplication entries expired at `now`, and queue-deletion records and FIFO
    /// receive attempts older than `forgetBefore`, at most `limit` messages (and a bound of bytes
    /// the store sets) at a time. Returns how many messages it removed, the spaces whose messages
    /// expired, and whether it stopped at a bound (more may be left).
    func sweep(
        retentionCutoffs: [Int64: Int64], forgetBefore: Int64, now: Int64, limit: Int
    ) async throws -> (removed: Int, expiredIn: Set<Int64>, bounded: Bool)
}

/// The result of `createQueue`.
public enum QueueCreation: Sendable {
    /// The queue was created.
    case created(QueueRecord)
    /// A live queue has the name already.
    case exists(QueueRecord)
    /// A queue of that name was deleted too recently.
    case deletedRecently
}

/// Re-encrypts a message that moves from one message space to another (dead-letter moves and
/// redrives), inside the store's transaction: given the message as stored in space `from`, it
/// returns the message as it must be stored in space `to`. A throw leaves the message where it is.
public typealias PayloadRewrite = @Sendable (_ message: NewMessage, _ from: Int64, _ to: Int64) throws -> NewMessage

/// What a receipt handle names: one receive of one message.
public struct MessageReceipt: Sendable, Equatable {
    /// The message's sequence number.
    public var sequence: Int64
    /// The receive count at the receive that issued the handle.
    public var receiveCount: Int

    /// Creates a receipt.
    public init(sequence: Int64, receiveCount: Int) {
        self.sequence = sequence
        self.receiveCount = receiveCount
    }
}

/// A requested visibility change.
public struct VisibilityChange: Sendable {
    /// Which receive of which message.
    public var receipt: MessageReceipt
    /// The new deadline, ms since the epoch.
    public var visibleAt: Int64
    /// Latest allowed deadline (12 hours after the receive), checked against the stored receive time.
    public var maximumSpanMilliseconds: Int64

    /// Creates a change.
    public init(receipt: MessageReceipt, visibleAt: Int64, maximumSpanMilliseconds: Int64) {
        self.receipt = receipt
        self.visibleAt = visibleAt
        self.maximumSpanMilliseconds = maximumSpanMilliseconds
    }
}

/// The outcome of one receipt-checked change.
public enum ReceiptOutcome: Sendable, Equatable {
    /// Applied.
    case applied
    /// The message no longer exists.
    case messageGone
    /// The message has been received again since this receipt was issued.
    case superseded
    /// The message's visibility timeout has already expired.
    case notInFlight
    /// The change would keep the message invisible beyond the 12-hour limit.
    case beyondLimit
}

/// A space's counts and when its oldest message arrived (ms since the epoch), as CloudWatch's
/// ApproximateAgeOfOldestMessage counts: a dead-lettered message from its move, and poison
/// pills (received three times or more) left out while others remain; nil when empty.
public struct SpaceReading: Sendable, Equatable {
    /// The space's message counts.
    public var counts: MessageCounts
    /// When its oldest message arrived.
    public var oldestArrival: Int64?
    /// FIFO message groups with a message in flight (CloudWatch's
    /// ApproximateNumberOfGroupsWithInflightMessages); 0 for other spaces.
    public var groupsInFlight: Int

    /// Creates a reading.
    public init(counts: MessageCounts, oldestArrival: Int64?, groupsInFlight: Int = 0) {
        self.counts = counts
        self.oldestArrival = oldestArrival
        self.groupsInFlight = groupsInFlight
    }
}

/// How many messages of a space are visible, in flight and delayed.
public struct MessageCounts: Sendable, Equatable {
    /// Messages that can be received now.
    public var visible: Int
    /// Received messages whose visibility timeout has not expired.
    public var inFlight: Int
    /// Never-received messages still delayed.
    public var delayed: Int

    /// Creates counts.
    public init(visible: Int, inFlight: Int, delayed: Int) {
        self.visible = visible
        self.inFlight = inFlight
        self.delayed = delayed
    }
}

/// A FIFO message with the deduplication key it is stored under.
public struct DeduplicatedMessage: Sendable {
    /// The message.
    public var message: NewMessage
    /// `""` for queue-wide deduplication, else the message group id.
    public var scope: String
    /// The deduplication id (given, or derived from the body).
    public var deduplicationId: String
    /// When the deduplication entry lapses, ms since the epoch.
    public var expiresAt: Int64

    /// Creates a deduplicated message.
    public init(message: NewMessage, scope: String, deduplicationId: String, expiresAt: Int64) {
        self.message = message
        self.scope = scope
        self.deduplicationId = deduplicationId
        self.expiresAt = expiresAt
    }
}

/// The result of storing one deduplicated message.
public enum DeduplicationOutcome: Sendable, Equatable {
    /// Stored under this sequence number.
    case stored(sequence: Int64)
    /// A duplicate of the message stored earlier with this id and sequence number.
    case duplicate(messageId: String, sequence: Int64)
}

/// A FIFO receive attempt id and how far back a retry of it counts.
public struct ReceiveAttempt: Sendable {
    /// The caller's ReceiveRequestAttemptId.
    public var id: String
    /// Attempts made before this moment (ms since the epoch) are forgotten.
    public var notBefore: Int64

    /// Creates an attempt.
    public init(id: String, notBefore: Int64) {
        self.id = id
        self.notBefore = notBefore
    }
}

/// What a receive asks of the store.
public struct ClaimRequest: Sendable {
    /// The queue's message space.
    public var space: Int64
    /// The receive's time, ms since the epoch.
    public var now: Int64
    /// Messages sent at or before this moment have outlived the retention period.
    public var sentAfter: Int64
    /// At most this many messages.
    public var limit: Int
    /// The new visibility deadline of claimed messages.
    public var visibleUntil: Int64
    /// Where messages received too often go, if the queue has a redrive policy.
    public var deadLetter: DeadLetterTarget?

    /// Creates a claim request.
    public init(space: Int64, now: Int64, sentAfter: Int64, limit: Int, visibleUntil: Int64, deadLetter: DeadLetterTarget? = nil) {
        self.space = space
        self.now = now
        self.sentAfter = sentAfter
        self.limit = limit
        self.visibleUntil = visibleUntil
        self.deadLetter = deadLetter
    }
}

/// A dead-letter queue as the store needs it for a move.
public struct DeadLetterTarget: Sendable {
    /// The dead-letter queue's message space.
    public var space: Int64
    /// Receives after which a message moves.
    public var maxReceiveCount: Int
    /// Whether the dead-letter queue is FIFO (its groups must be tracked).
    public var fifo: Bool
    /// The source queue's ARN, reported as `DeadLetterQueueSourceArn`.
    public var sourceArn: String
    /// Re-encrypts each moved message for the dead-letter queue.
    public var rewrite: PayloadRewrite

    /// Creates a target.
    public init(space: Int64, maxReceiveCount: Int, fifo: Bool, sourceArn: String, rewrite: @escaping PayloadRewrite) {
        self.rewrite = rewrite
        self.space = space
        self.maxReceiveCount = maxReceiveCount
        self.fifo = fifo
        self.sourceArn = sourceArn
    }
}

/// What a claim did.
public struct ClaimResult: Sendable {
    /// The messages received.
    public var messages: [StoredMessage]
    /// How many messages moved to the dead-letter queue instead.
    public var movedToDeadLetter: Int
    /// Why a message due for the dead-letter queue could not be re-encrypted for it, the first
    /// such: it stays where it was (holding its FIFO group), and the claim goes on past it.
    public var deadLetterFailure: (any Error)?

    /// Creates a result.
    public init(messages: [StoredMessage], movedToDeadLetter: Int, deadLetterFailure: (any Error)? = nil) {
        self.messages = messages
        self.movedToDeadLetter = movedToDeadLetter
        self.deadLetterFailure = deadLetterFailure
    }
}

/// What a purge did.
public enum PurgeOutcome: Sendable {
    /// Purged: the queue as it now is.
    case purged(QueueRecord)
    /// Not purged: the queue was purged at this time (ms since the epoch), too recently.
    case purgedRecently(at: Int64)
}
