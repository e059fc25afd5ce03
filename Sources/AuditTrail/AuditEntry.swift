/// An event ready to append, encoded on the caller's task so the store's writer only copies
/// bytes: its template (stored once for all events alike), the values that make it this event,
/// and its leaf hash.
public struct AuditEntry: Sendable {
    /// The record's eventID.
    public var eventID: String
    /// Its eventTime, ms since the epoch.
    public var eventTime: Int64
    /// Its requestID.
    public var requestID: String
    /// Its own responseElements (JSON) where the template leaves them to each event; nil reads `null`.
    public private(set) var responseElements: [UInt8]?
    /// The record without those values.
    public var template: AuditRecordTemplate
    /// `MerkleTree.leafHash(record)`.
    public private(set) var leafHash: [UInt8]

    /// `event`, encoded.
    public init(_ event: AuditEvent) {
        self.init(
            template: event.template, eventTime: event.eventTime, requestID: event.requestID, eventID: event.eventID,
            responseElements: event.responseElementsPerEvent ? event.responseElementsJSON : nil)
    }

    /// The event made of `template` and its own values.
    public init(template: AuditRecordTemplate, eventTime: Int64, requestID: String, eventID: String, responseElements: [UInt8]? = nil) {
        self.eventID = eventID
        self.eventTime = eventTime
        self.requestID = requestID
        self.responseElements = responseElements
        self.template = template
        leafHash = []
        leafHash = MerkleTree.leafHash(record)
    }

    /// This event with `responseElements` (JSON) as its own response elements.
    public func answering(_ responseElements: [UInt8]) -> AuditEntry {
        AuditEntry(template: template, eventTime: eventTime, requestID: requestID, eventID: eventID, responseElements: responseElements)
    }

    /// This event as completed at `eventTime` (ms since the epoch), encoded again.
    public func at(_ eventTime: Int64) -> AuditEntry {
        AuditEntry(template: template, eventTime: eventTime, requestID: requestID, eventID: eventID, responseElements: responseElements)
    }

    /// An event not encoded yet: its template and its own values but for the responseElements
    /// its request has still to give. Encoding (and hashing) waits for them, so a record that
    /// is answered is encoded once.
    public struct Draft: Sendable {
        /// The record without its own values.
        public var template: AuditRecordTemplate
        /// Its eventTime, ms since the epoch.
        public var eventTime: Int64
        /// Its requestID.
        public var requestID: String
        /// Its eventID.
        public var eventID: String

        /// A draft of the event made of `template` and these values.
        public init(template: AuditRecordTemplate, eventTime: Int64, requestID: String, eventID: String) {
            self.template = template
            self.eventTime = eventTime
            self.requestID = requestID
            self.eventID = eventID
        }

        /// The event, with `responseElements` (JSON) as its own response elements (nil reads `null`).
        public func entry(responseElements: [UInt8]? = nil) -> AuditEntry {
            AuditEntry(template: template, eventTime: eventTime, requestID: requestID, eventID: eventID, responseElements: responseElements)
        }
    }

    /// The CloudTrail record (JSON), the leaf's data.
    public var record: [UInt8] {
        template.record(eventTime: eventTime, requestID: requestID, eventID: eventID, responseElements: responseElements)
    }
}
