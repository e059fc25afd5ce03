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
        eventID = event.eventID
        eventTime = event.eventTime
        requestID = event.requestID
        template = event.template
        leafHash = MerkleTree.leafHash(template.record(eventTime: eventTime, requestID: requestID, eventID: eventID))
    }

    /// The CloudTrail record (JSON), the leaf's data.
    public var record: [UInt8] {
        template.record(eventTime: eventTime, requestID: requestID, eventID: eventID)
    }
}
