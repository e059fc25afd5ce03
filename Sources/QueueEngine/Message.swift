import Foundation

/// One typed message attribute value (`String`, `Number` or `Binary`, optionally with a custom label).
public struct MessageAttributeValue: Sendable, Equatable {
    /// `String`, `Number`, `Binary`, or one of those followed by `.label`.
    public var dataType: String
    /// The value of String and Number attributes.
    public var stringValue: String?
    /// The value of Binary attributes.
    public var binaryValue: [UInt8]?

    /// Creates a value.
    public init(dataType: String, stringValue: String? = nil, binaryValue: [UInt8]? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    /// The base type: what comes before the first period (`Number` of `Number.float`; empty,
    /// so invalid, for `.Number`).
    public var baseType: Substring { dataType.prefix { $0 != "." } }
}

/// A message ready to be stored.
public struct NewMessage: Sendable {
    /// The id returned to the sender.
    public var messageId: String
    /// The body text.
    public var body: String
    /// User message attributes.
    public var attributes: [String: MessageAttributeValue]
    /// System attributes (`AWSTraceHeader`).
    public var systemAttributes: [String: MessageAttributeValue]
    /// Sender id reported as the `SenderId` attribute.
    public var senderId: String
    /// Send time, ms since the epoch.
    public var sentAt: Int64
    /// First moment the message may be received, ms since the epoch.
    public var visibleAt: Int64
    /// Message group (FIFO, or fair standard queues).
    public var groupId: String?
    /// FIFO deduplication id.
    public var deduplicationId: String?
    /// The ARN of the queue a dead-lettered message came from.
    public var deadLetterSourceArn: String?
    /// With server-side encryption, the sealed `MessagePayload`; body and attributes are then
    /// empty until the engine opens it. Nil for a message stored in the clear (SSE off).
    public var sealedPayload: Data?

    /// Creates a message.
    public init(
        messageId: String, body: String, attributes: [String: MessageAttributeValue],
        systemAttributes: [String: MessageAttributeValue], senderId: String, sentAt: Int64, visibleAt: Int64,
        groupId: String?, deduplicationId: String?, deadLetterSourceArn: String? = nil, sealedPayload: Data? = nil
    ) {
        self.deadLetterSourceArn = deadLetterSourceArn
        self.sealedPayload = sealedPayload
        self.messageId = messageId
        self.body = body
        self.attributes = attributes
        self.systemAttributes = systemAttributes
        self.senderId = senderId
        self.sentAt = sentAt
        self.visibleAt = visibleAt
        self.groupId = groupId
        self.deduplicationId = deduplicationId
    }
}

/// A message as the store hands it back on receive.
public struct StoredMessage: Sendable {
    /// Store sequence number: unique and increasing in send order.
    public var sequence: Int64
    /// The stored content.
    public var content: NewMessage
    /// How many times it has been received, including this receive.
    public var receiveCount: Int
    /// First receive time, ms since the epoch.
    public var firstReceivedAt: Int64
    /// This receive's time, ms since the epoch.
    public var receivedAt: Int64

    /// Creates a stored message.
    public init(sequence: Int64, content: NewMessage, receiveCount: Int, firstReceivedAt: Int64, receivedAt: Int64) {
        self.sequence = sequence
        self.content = content
        self.receiveCount = receiveCount
        self.firstReceivedAt = firstReceivedAt
        self.receivedAt = receivedAt
    }
}
