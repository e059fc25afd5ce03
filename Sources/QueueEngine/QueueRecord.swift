/// A queue as the engine keeps it: identity, settings, tags and bookkeeping.
public struct QueueRecord: Sendable, Equatable {
    /// Store-assigned id, stable for the queue's life.
    public var id: Int64
    /// The queue name (unique among live queues).
    public var name: String
    /// Settable attributes.
    public var settings: QueueSettings
    /// Cost-allocation tags.
    public var tags: [String: String]
    /// Creation time, ms since the epoch.
    public var createdAt: Int64
    /// Last attribute change, ms since the epoch.
    public var lastModifiedAt: Int64
    /// Where the queue's messages live; a purge moves the queue to a fresh space.
    public var messageSpace: Int64
    /// Last purge, ms since the epoch.
    public var lastPurgeAt: Int64?
    /// Bumped by every change, so concurrent updates apply in order.
    public var version: Int64
    /// The wrapped key of the message space (see `PayloadSealer.makeSpaceKey`); nil only for a
    /// queue made before encryption existed, until the engine gives it one.
    public var spaceKey: [UInt8]?

    /// Creates a record.
    public init(
        id: Int64, name: String, settings: QueueSettings, tags: [String: String], createdAt: Int64,
        lastModifiedAt: Int64, messageSpace: Int64, lastPurgeAt: Int64?, version: Int64, spaceKey: [UInt8]? = nil
    ) {
        self.spaceKey = spaceKey
        self.id = id
        self.name = name
        self.settings = settings
        self.tags = tags
        self.createdAt = createdAt
        self.lastModifiedAt = lastModifiedAt
        self.messageSpace = messageSpace
        self.lastPurgeAt = lastPurgeAt
        self.version = version
    }
}
