/// One event as the log stores it: its position (1, 2, … in append order), its id, its
/// CloudTrail record and the Merkle leaf hash written beside it.
public struct StoredAuditEvent: Sendable, Equatable {
    /// 1 for the first event, +1 for each next one.
    public var position: Int64
    /// The record's eventID.
    public var eventID: String
    /// The CloudTrail record (JSON), the leaf's data.
    public var record: [UInt8]
    /// `MerkleTree.leafHash(record)` as stored.
    public var leafHash: [UInt8]

    /// A stored event.
    public init(position: Int64, eventID: String, record: [UInt8], leafHash: [UInt8]) {
        self.position = position
        self.eventID = eventID
        self.record = record
        self.leafHash = leafHash
    }

    /// `event` as it is appended at `position`.
    public init(_ event: AuditEvent, position: Int64) {
        let record = event.recordJSON
        self.init(position: position, eventID: event.eventID, record: record, leafHash: MerkleTree.leafHash(record))
    }
}
