/// The persistence port of the audit log. `Storage` implements it on SQLite, append-only: no
/// call updates or deletes an event or a checkpoint, and the schema refuses it too.
public protocol AuditStore: Sendable {
    /// Appends entries after the last one, in order, durably; returns the position of the first.
    func append(_ entries: [AuditEntry]) async throws -> Int64
    /// The leaf hashes of the events after position `after`, in order, at most `limit`.
    func leafHashes(after: Int64, limit: Int) async throws -> [[UInt8]]
    /// Appends a signed checkpoint, durably.
    func appendCheckpoint(_ checkpoint: Checkpoint) async throws
    /// The newest checkpoint, if any.
    func latestCheckpoint() async throws -> Checkpoint?
}
