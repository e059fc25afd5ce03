/// Who is calling, as far as the engine needs to know: for the `SenderId` attribute, and for
/// the keys the engine uses on the caller's behalf (SSE-KMS).
public struct Caller: Sendable, Equatable {
    /// Reported as the `SenderId` attribute of messages this caller sends.
    public var senderId: String
    /// The caller's ARN; nil for an anonymous caller.
    public var principalArn: String?
    /// The address the call came from.
    public var sourceIP: String
    /// The call's User-Agent header, if any.
    public var userAgent: String?
    /// The access key the call was signed with, if any (for the records of key uses made for it).
    public var accessKeyId: String?

    /// Creates a caller.
    public init(
        senderId: String, principalArn: String? = nil, sourceIP: String = "127.0.0.1", userAgent: String? = nil, accessKeyId: String? = nil
    ) {
        self.senderId = senderId
        self.principalArn = principalArn
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.accessKeyId = accessKeyId
    }
}

/// One message to send, alone or as a batch entry.
public struct OutgoingMessage: Sendable {
    /// The body text (1 character or more).
    public var body: String
    /// Per-message delay, overriding the queue's.
    public var delaySeconds: Int?
    /// User attributes.
    public var attributes: [String: MessageAttributeValue]
    /// System attributes (`AWSTraceHeader`).
    public var systemAttributes: [String: MessageAttributeValue]
    /// Message group id.
    public var groupId: String?
    /// FIFO deduplication id.
    public var deduplicationId: String?

    /// Creates a message to send.
    public init(
        body: String, delaySeconds: Int? = nil, attributes: [String: MessageAttributeValue] = [:],
        systemAttributes: [String: MessageAttributeValue] = [:], groupId: String? = nil, deduplicationId: String? = nil
    ) {
        self.body = body
        self.delaySeconds = delaySeconds
        self.attributes = attributes
        self.systemAttributes = systemAttributes
        self.groupId = groupId
        self.deduplicationId = deduplicationId
    }
}

/// What a successful send returns.
public struct SentMessage: Sendable, Equatable {
    /// The new message's id.
    public var messageId: String
    /// FIFO sequence number.
    public var sequenceNumber: String?
}

/// A batch entry: the caller's entry id and its payload.
public struct BatchEntry<Payload: Sendable>: Sendable {
    /// The caller's id for the entry, echoed in the answer.
    public var id: String
    /// The entry's content.
    public var payload: Payload

    /// Creates an entry.
    public init(id: String, payload: Payload) {
        self.id = id
        self.payload = payload
    }
}

/// The answer to a batch: per entry, a success or a failure.
public struct BatchOutcome<Success: Sendable>: Sendable {
    /// Successful entries by id, in request order.
    public var successes: [(id: String, result: Success)] = []
    /// Failed entries by id, in request order.
    public var failures: [(id: String, error: SQSError)] = []

    /// An empty outcome.
    public init() {}
}

/// The parameters of ReceiveMessage.
public struct ReceiveRequest: Sendable {
    /// 1–10, default 1.
    public var maxNumberOfMessages: Int?
    /// Visibility timeout for this receive, overriding the queue's.
    public var visibilityTimeout: Int?
    /// Long-poll wait in seconds, overriding the queue's.
    public var waitTimeSeconds: Int?
    /// System attributes to return (`All` or names).
    public var systemAttributeNames: [String]
    /// Message attributes to return (`All`, `.*`, `prefix.*` or names).
    public var messageAttributeNames: [String]
    /// FIFO receive-attempt id.
    public var receiveRequestAttemptId: String?

    /// Creates receive parameters.
    public init(
        maxNumberOfMessages: Int? = nil, visibilityTimeout: Int? = nil, waitTimeSeconds: Int? = nil,
        systemAttributeNames: [String] = [], messageAttributeNames: [String] = [], receiveRequestAttemptId: String? = nil
    ) {
        self.maxNumberOfMessages = maxNumberOfMessages
        self.visibilityTimeout = visibilityTimeout
        self.waitTimeSeconds = waitTimeSeconds
        self.systemAttributeNames = systemAttributeNames
        self.messageAttributeNames = messageAttributeNames
        self.receiveRequestAttemptId = receiveRequestAttemptId
    }
}

/// A message as ReceiveMessage returns it.
public struct ReceivedMessage: Sendable {
    /// The message id.
    public var messageId: String
    /// The handle for this receive.
    public var receiptHandle: String
    /// The body.
    public var body: String
    /// Requested system attributes (`SentTimestamp`, …) as strings.
    public var attributes: [String: String]
    /// Requested user attributes.
    public var messageAttributes: [String: MessageAttributeValue]
}

/// A page of ListQueues.
public struct QueueListing: Sendable {
    /// Queue names, sorted.
    public var names: [String]
    /// Token for the next page.
    public var nextToken: String?
}
