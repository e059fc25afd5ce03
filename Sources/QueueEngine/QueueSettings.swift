/// The settable attributes of a queue, with AWS's defaults.
public struct QueueSettings: Sendable, Equatable, Codable {
    /// Seconds every message is delayed before it can be received (0–900).
    public var delaySeconds = 0
    /// Largest message body plus attributes, in bytes (1,024–1,048,576).
    public var maximumMessageSize = 1_048_576
    /// Seconds a message is kept (60–1,209,600).
    public var messageRetentionPeriod = 345_600
    /// Default long-poll wait of ReceiveMessage, in seconds (0–20).
    public var receiveMessageWaitTimeSeconds = 0
    /// Default visibility timeout, in seconds (0–43,200).
    public var visibilityTimeout = 30
    /// The queue's resource policy (JSON text).
    public var policy: String?
    /// Dead-letter settings (JSON text).
    public var redrivePolicy: String?
    /// Which source queues may use this queue as a dead-letter queue (JSON text).
    public var redriveAllowPolicy: String?
    /// KMS key for SSE-KMS.
    public var kmsMasterKeyId: String?
    /// Seconds a data key may be reused (60–86,400).
    public var kmsDataKeyReusePeriodSeconds = 300
    /// SSE with keys owned by the queue service; AWS turns it on for new queues.
    public var sqsManagedSseEnabled = true
    /// Whether this is a FIFO queue (set only at creation).
    public var fifoQueue = false
    /// FIFO: derive deduplication ids from the body's SHA-256.
    public var contentBasedDeduplication = false
    /// FIFO: `queue` or `messageGroup`.
    public var deduplicationScope = "queue"
    /// FIFO: `perQueue` or `perMessageGroupId`.
    public var fifoThroughputLimit = "perQueue"

    /// Default settings.
    public init() {}
}

/// Names of queue attributes as the SQS API spells them.
public enum QueueAttributeName: String, Sendable, CaseIterable {
    case all = "All"
    case approximateNumberOfMessages = "ApproximateNumberOfMessages"
    case approximateNumberOfMessagesNotVisible = "ApproximateNumberOfMessagesNotVisible"
    case approximateNumberOfMessagesDelayed = "ApproximateNumberOfMessagesDelayed"
    case createdTimestamp = "CreatedTimestamp"
    case lastModifiedTimestamp = "LastModifiedTimestamp"
    case queueArn = "QueueArn"
    case delaySeconds = "DelaySeconds"
    case maximumMessageSize = "MaximumMessageSize"
    case messageRetentionPeriod = "MessageRetentionPeriod"
    case receiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds"
    case visibilityTimeout = "VisibilityTimeout"
    case policy = "Policy"
    case redrivePolicy = "RedrivePolicy"
    case redriveAllowPolicy = "RedriveAllowPolicy"
    case kmsMasterKeyId = "KmsMasterKeyId"
    case kmsDataKeyReusePeriodSeconds = "KmsDataKeyReusePeriodSeconds"
    case sqsManagedSseEnabled = "SqsManagedSseEnabled"
    case fifoQueue = "FifoQueue"
    case contentBasedDeduplication = "ContentBasedDeduplication"
    case deduplicationScope = "DeduplicationScope"
    case fifoThroughputLimit = "FifoThroughputLimit"

    /// Attributes computed by the service, never set by callers.
    public var isReadOnly: Bool {
        switch self {
        case .all, .approximateNumberOfMessages, .approximateNumberOfMessagesNotVisible,
            .approximateNumberOfMessagesDelayed, .createdTimestamp, .lastModifiedTimestamp, .queueArn:
            return true
        default:
            return false
        }
    }

    /// Attributes that exist only on FIFO queues.
    public var isFifoOnly: Bool {
        [.fifoQueue, .contentBasedDeduplication, .deduplicationScope, .fifoThroughputLimit].contains(self)
    }
}
