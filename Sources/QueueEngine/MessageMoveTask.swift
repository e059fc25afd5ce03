/// A message move task (DLQ redrive), as StartMessageMoveTask creates it.
public struct MessageMoveTask: Sendable, Equatable {
    /// The tasks kept per source queue: ListMessageMoveTasks gives "the most recent message
    /// movement tasks (up to 10)", so older ones that have ended are dropped (a running one never is).
    public static let keptPerSource = 10

    /// Task states, as the SQS API spells them.
    public enum Status: String, Sendable {
        case running = "RUNNING"
        case completed = "COMPLETED"
        case cancelled = "CANCELLED"
        case failed = "FAILED"
    }

    /// Unique id of the task.
    public var taskId: String
    /// ARN of the dead-letter queue being drained.
    public var sourceArn: String
    /// Where messages go; nil sends each back to the queue it was dead-lettered from.
    public var destinationArn: String?
    /// Messages per second, 1–500; nil moves as fast as the server can.
    public var maxNumberOfMessagesPerSecond: Int?
    /// The state.
    public var status: Status
    /// Messages moved so far.
    public var moved: Int
    /// Messages in the source queue when the task started.
    public var toMove: Int
    /// Start time, ms since the epoch.
    public var startedAt: Int64
    /// Why the task failed, if it did.
    public var failureReason: String?
    /// The ARN of the principal that started the task, on whose behalf keys are used to
    /// re-encrypt moved messages; nil for an anonymous caller.
    public var startedBy: String?
    /// The last sequence number of the source when the task started: it moves only the messages
    /// that were there then (those its start was authorized for); nil for tasks recorded before
    /// tasks kept it.
    public var throughSequence: Int64?
    /// The sequence numbers of the messages the task leaves behind: those it could not
    /// re-encrypt, and in a FIFO queue those of their groups after them (not kept across
    /// restarts: a restarted task tries them again).
    public var leftBehind: Set<Int64> = []
    /// The FIFO groups held back by a message left behind.
    public var heldGroups: Set<String> = []
    /// Why the first message it left behind could not be re-encrypted; the task moves the others
    /// and then ends FAILED with this reason.
    public var leftBehindReason: String?

    /// Creates a task record.
    public init(
        taskId: String, sourceArn: String, destinationArn: String?, maxNumberOfMessagesPerSecond: Int?, status: Status,
        moved: Int, toMove: Int, startedAt: Int64, failureReason: String?, startedBy: String? = nil, throughSequence: Int64? = nil
    ) {
        self.startedBy = startedBy
        self.throughSequence = throughSequence
        self.taskId = taskId
        self.sourceArn = sourceArn
        self.destinationArn = destinationArn
        self.maxNumberOfMessagesPerSecond = maxNumberOfMessagesPerSecond
        self.status = status
        self.moved = moved
        self.toMove = toMove
        self.startedAt = startedAt
        self.failureReason = failureReason
    }
}

/// Where a move step sends messages.
public struct MoveRoutes: Sendable {
    /// A fixed destination space (with its FIFO-ness), or nil to route by each message's origin.
    public var destination: (space: Int64, fifo: Bool)?
    /// Live queues by ARN: space and FIFO-ness, for routing messages back to their origin.
    public var origins: [String: (space: Int64, fifo: Bool)]
    /// Re-encrypts each moved message for its destination.
    public var rewrite: PayloadRewrite
    /// The source is a FIFO queue: a message left behind holds back the rest of its group.
    public var sourceFifo: Bool

    /// Creates routes.
    public init(
        destination: (space: Int64, fifo: Bool)?, origins: [String: (space: Int64, fifo: Bool)], rewrite: @escaping PayloadRewrite,
        sourceFifo: Bool = false
    ) {
        self.destination = destination
        self.origins = origins
        self.rewrite = rewrite
        self.sourceFifo = sourceFifo
    }
}

/// What one move step did.
public struct MoveStep: Sendable {
    /// Messages moved, and the spaces they went to.
    public var movedTo: [Int64: Int]
    /// Whether the source has nothing more for the task: no visible message left to move, and
    /// (for a bounded task) none of its messages in flight.
    public var sourceDrained: Bool
    /// The ARN of a message's origin that no longer exists, or `unknownOrigin` for a message
    /// that came from no source queue (sent to the dead-letter queue directly); it fails the task.
    public var missingOrigin: String?
    /// Why the first message that could not be re-encrypted for its destination was left
    /// behind (the step moves the others).
    public var rewriteFailure: (any Error)?
    /// The messages the step left behind (their sequence numbers), and the FIFO groups it held.
    public var leftBehind: [Int64]
    public var heldGroups: [String]

    /// `missingOrigin` for a message without a recorded source queue.
    public static let unknownOrigin = ""

    /// Creates a step result.
    public init(
        movedTo: [Int64: Int], sourceDrained: Bool, missingOrigin: String?, rewriteFailure: (any Error)? = nil,
        leftBehind: [Int64] = [], heldGroups: [String] = []
    ) {
        self.movedTo = movedTo
        self.sourceDrained = sourceDrained
        self.missingOrigin = missingOrigin
        self.rewriteFailure = rewriteFailure
        self.leftBehind = leftBehind
        self.heldGroups = heldGroups
    }
}
