/// An event ready to append, encoded on the caller's task so the store's writer only copies
/// bytes: its template (stored once for all events alike), the three values that make it this
/// event, and its leaf hash.
public struct AuditEntry: Sendable {
    /// The record's eventID.
    public var eventID: String
    /// Its eventTime, ms since the epoch.
    public var eventTime: Int64
    /// Its requestID.
    public var requestID: String
    /// The record without those three values.
    public var template: AuditRecordTemplate
    /// `MerkleTree.leafHash(record)`.
    public var leafHash: [UInt8]

    /// `event`, encoded.
    public init(_ event: AuditEvent) {
        self.init(template: event.template, eventTime: event.eventTime, requestID: event.requestID, eventID: event.eventID)
    }

    /// The event made of `template` and its own values.
    public init(template: AuditRecordTemplate, eventTime: Int64, requestID: String, eventID: String) {
        self.eventID = eventID
        self.eventTime = eventTime
        self.requestID = requestID
        self.template = template
        leafHash = MerkleTree.leafHash(template.record(eventTime: eventTime, requestID: requestID, eventID: eventID))
    }

    /// The CloudTrail record (JSON), the leaf's data.
    public var record: [UInt8] {
        template.record(eventTime: eventTime, requestID: requestID, eventID: eventID)
    }
}
