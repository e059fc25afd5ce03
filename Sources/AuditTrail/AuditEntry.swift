/// An event ready to append: its id, time, CloudTrail record bytes and leaf hash, encoded on
/// the caller's task so the store's writer only copies bytes.
public struct AuditEntry: Sendable {
    /// The record's eventID.
    public var eventID: String
    /// Its eventTime, ms since the epoch.
    public var eventTime: Int64
    /// The CloudTrail record (JSON).
    public var record: [UInt8]
    /// `MerkleTree.leafHash(record)`.
    public var leafHash: [UInt8]

    /// `event`, encoded.
    public init(_ event: AuditEvent) {
        eventID = event.eventID
        eventTime = event.eventTime
        record = event.recordJSON
        leafHash = MerkleTree.leafHash(record)
    }
}
