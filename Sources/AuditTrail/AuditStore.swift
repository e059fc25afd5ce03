/// The persistence port of the audit log. `Storage` implements it on SQLite, append-only: no
/// call updates an event or a checkpoint, none deletes one that is not behind the archive cut,
/// and the schema refuses it too.
public protocol AuditStore: Sendable {
    /// Appends entries after the last one, in order, durably.
    func append(_ entries: [AuditEntry]) async throws
    /// The leaf hashes of the events after position `after`, in order, at most `limit`.
    func leafHashes(after: Int64, limit: Int) async throws -> [[UInt8]]
    /// The leaf hashes after `after` that may be signed, at most `limit`: past the events stored
    /// when this process first asked, only those it appended itself, unchanged; anything else
    /// throws, and so does every later call.
    func signableLeafHashes(after: Int64, limit: Int) async throws -> [[UInt8]]
    /// Appends a signed checkpoint with the tree's state at it, durably.
    func appendCheckpoint(_ checkpoint: Checkpoint, treeState: MerkleAccumulator) async throws
    /// The tree's state at the newest checkpoint that kept one (and matches its root).
    func latestTreeState() async throws -> MerkleAccumulator?
    /// Whether the log holds any event, checkpoint or archive cut (it was ever written to).
    func holdsAnything() async throws -> Bool
    /// The newest checkpoint, if any.
    func latestCheckpoint() async throws -> Checkpoint?
    /// The checkpoint of the tree of exactly `treeSize` events, if one is stored.
    func checkpoint(treeSize: Int) async throws -> Checkpoint?
    /// The checkpoints of trees larger than `treeSize` events, oldest first.
    func checkpoints(after treeSize: Int) async throws -> [Checkpoint]
    /// The time (ms) of the event at `position`, if it is stored.
    func eventTime(at position: Int64) async throws -> Int64?
    /// The Merkle state at the newest archive cut, if events were archived.
    func archivedState() async throws -> MerkleAccumulator?
    /// Records the archive cut at `state.size` and removes the events up to it, together.
    func archive(through state: MerkleAccumulator, now: Int64) async throws
    /// Removes what only archived events needed (older checkpoints and cuts, and up to
    /// `templateLimit` templates no stored event is built from); says how many of each.
    func pruneBehindArchive(templateLimit: Int) async throws -> AuditPruneOutcome
}

/// What `AuditStore.pruneBehindArchive` removed.
public struct AuditPruneOutcome: Sendable, Equatable {
    /// Checkpoints of trees smaller than the archive cut.
    public var checkpoints: Int
    /// Archive cuts older than the newest.
    public var archiveCuts: Int
    /// Templates no stored event is built from.
    public var templates: Int

    /// An outcome of these counts.
    public init(checkpoints: Int, archiveCuts: Int, templates: Int) {
        self.checkpoints = checkpoints
        self.archiveCuts = archiveCuts
        self.templates = templates
    }
}
