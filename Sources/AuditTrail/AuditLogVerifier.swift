import WireJSON

/// Recomputes an audit log offline and says whether it is sound: every event intact and in
/// place, every checkpoint signed by the log's key and matching the Merkle root of the events
/// it covers, nothing missing after the last one, and the events no checkpoint covers yet
/// recent enough to be awaiting the next one. Damage is named by the first event it concerns.
/// Feed events in position order, as stored.
///
/// Only signed checkpoints bind events, so whoever can write the log can rewrite what no
/// checkpoint covers. The daemon signs within seconds of an append, so an old unsigned event
/// means checkpoints were deleted (or the daemon was killed before signing); and checkpoints
/// an auditor kept elsewhere (`trusted`) catch a log rewritten behind deleted ones.
public struct AuditLogVerifier {
    /// What a sound log holds.
    public struct Summary: Sendable, Equatable {
        /// Events, archived ones included.
        public var events: Int64
        /// Signed checkpoints checked.
        public var checkpoints: Int
        /// The Merkle root over all events.
        public var rootHash: [UInt8]
        /// Events after the newest checkpoint, awaiting the next one.
        public var unsigned: Int64
        /// The newest signed checkpoint, if any.
        public var newestCheckpoint: Checkpoint?

        /// A summary as given.
        public init(events: Int64, checkpoints: Int, rootHash: [UInt8], unsigned: Int64, newestCheckpoint: Checkpoint?) {
            self.events = events
            self.checkpoints = checkpoints
            self.rootHash = rootHash
            self.unsigned = unsigned
            self.newestCheckpoint = newestCheckpoint
        }
    }

    /// What a verification found.
    public enum Finding: Sendable, Equatable {
        /// Everything checks out.
        case sound(Summary)
        /// The first damage found.
        case damaged(AuditDamage)
    }

    private let publicKey: [UInt8]
    private let checkpoints: [Checkpoint]
    /// The checkpoint at the archive cut, checked against the archived state (0 or 1).
    private var checkpointsAtCut = 0
    private let newestCheckpoint: Checkpoint?
    private var nextCheckpoint = 0
    private var tree = MerkleAccumulator()
    private var seenIDs = Set<String>()
    private var lastVerifiedSize: Int64 = 0
    /// The eventTime of the first event no verified checkpoint covers ("" when it has none).
    private var firstUnsignedTime: String?
    private var damage: AuditDamage?

    /// A verifier of a log whose checkpoints are `checkpoints` (any order) under `publicKey`.
    /// With `archived`, the log's events up to the archive's size were archived (exported and
    /// removed): the tree resumes from the archived state, which must match the signed
    /// checkpoint of that size, and the stored events start right after it.
    public init(checkpoints: [Checkpoint], publicKey: [UInt8], archived: MerkleAccumulator? = nil) {
        self.publicKey = publicKey
        // The same checkpoint may come twice (the daemon's file beside the log copies its newest
        // row): each is checked, and counted, once.
        var distinct: [Checkpoint] = []
        for checkpoint in checkpoints where !distinct.contains(checkpoint) { distinct.append(checkpoint) }
        let sorted = distinct.sorted { $0.treeSize < $1.treeSize }
        newestCheckpoint = sorted.last
        guard let archived, archived.size > 0 else {
            self.checkpoints = sorted
            return
        }
        self.checkpoints = sorted.filter { $0.treeSize > archived.size }
        tree = archived
        lastVerifiedSize = Int64(archived.size)
        guard let cut = sorted.first(where: { $0.treeSize == archived.size }), cut.isSigned(by: publicKey), cut.rootHash == archived.rootHash
        else {
            damage = AuditDamage(
                position: Int64(archived.size), eventID: nil,
                "the archived state of events 1–\(archived.size) does not match a signed checkpoint of that size")
            return
        }
        checkpointsAtCut = 1
    }

    /// Checks the next stored event; false once damage has been found (stop feeding).
    @discardableResult
    public mutating func add(_ event: StoredAuditEvent) -> Bool {
        guard damage == nil else { return false }
        let expected = Int64(tree.size) + 1
        guard event.position == expected else {
            damage = event.position > expected
                ? AuditDamage(position: expected, eventID: nil, "event \(expected) is missing (deleted); the next stored event is \(event.position)")
                : AuditDamage(position: event.position, eventID: event.eventID, "event \(event.position) appears again after event \(expected - 1) (inserted or reordered)")
            return false
        }
        guard MerkleTree.leafHash(event.record) == event.leafHash else {
            damage = AuditDamage(position: event.position, eventID: event.eventID, "event \(event.position) was modified: its record does not hash to its stored leaf hash")
            return false
        }
        guard (try? JSONParser.topLevelString("eventID", in: event.record)) == event.eventID else {
            damage = AuditDamage(position: event.position, eventID: event.eventID, "event \(event.position) was modified: its record does not carry its eventID")
            return false
        }
        guard seenIDs.insert(event.eventID).inserted else {
            damage = AuditDamage(position: event.position, eventID: event.eventID, "event \(event.position) repeats an earlier eventID (inserted)")
            return false
        }
        tree.append(leafHash: event.leafHash)
        guard checkCheckpoints(throughSize: Int64(tree.size)) else { return false }
        if firstUnsignedTime == nil && Int64(tree.size) > lastVerifiedSize {
            firstUnsignedTime = (try? JSONParser.topLevelString("eventTime", in: event.record)) ?? ""
        }
        return true
    }

    /// The verdict once every stored event has been added. With `now` (ms since the epoch),
    /// events after the newest checkpoint must have been recorded within `unsignedGrace` ms of
    /// it; a grace of 0 requires every event to be signed.
    public mutating func finish(now: Int64? = nil, unsignedGrace: Int64 = 120_000) -> Finding {
        if let damage { return .damaged(damage) }
        if nextCheckpoint < checkpoints.count {
            // A checkpoint past the stored events proves truncation only if the log's key signed
            // it; an edited or forged one is named as that.
            if let forged = checkpoints[nextCheckpoint...].first(where: { !$0.isSigned(by: publicKey) }) {
                return .damaged(AuditDamage(position: Int64(forged.treeSize), eventID: nil, "checkpoint \(forged.treeSize) is not signed by the log's key"))
            }
            let covered = checkpoints[checkpoints.count - 1].treeSize
            return .damaged(AuditDamage(
                position: Int64(tree.size) + 1, eventID: nil,
                "the log is truncated: checkpoint \(covered) covers \(covered) events, only \(tree.size) are stored"))
        }
        let unsigned = Int64(tree.size) - lastVerifiedSize
        if let now, unsigned > 0, let recorded = firstUnsignedTime {
            let earliest = AuditEvent.timestamp(now - unsignedGrace)
            let latest = AuditEvent.timestamp(now + unsignedGrace)
            if unsignedGrace == 0 || recorded < earliest || recorded > latest {
                let first = lastVerifiedSize + 1
                return .damaged(AuditDamage(
                    position: first, eventID: nil,
                    """
                    events \(first)–\(tree.size) are covered by no signed checkpoint, yet the first of them is dated \
                    \(recorded.isEmpty ? "nowhere" : recorded), not within \(unsignedGrace / 1000) s of now: the daemon signs \
                    within seconds of an append and at shutdown, so checkpoints were deleted and these events may have been \
                    rewritten (or the daemon was killed before signing them: starting it again signs them)
                    """))
            }
        }
        return .sound(Summary(
            events: Int64(tree.size), checkpoints: checkpointsAtCut + checkpoints.count, rootHash: tree.rootHash, unsigned: unsigned,
            newestCheckpoint: newestCheckpoint))
    }

    /// Checks every checkpoint of exactly `size` events against the current root.
    private mutating func checkCheckpoints(throughSize size: Int64) -> Bool {
        while nextCheckpoint < checkpoints.count, Int64(checkpoints[nextCheckpoint].treeSize) <= size {
            let checkpoint = checkpoints[nextCheckpoint]
            nextCheckpoint += 1
            guard checkpoint.isSigned(by: publicKey) else {
                damage = AuditDamage(position: Int64(checkpoint.treeSize), eventID: nil, "checkpoint \(checkpoint.treeSize) is not signed by the log's key")
                return false
            }
            guard checkpoint.rootHash == tree.rootHash else {
                let first = lastVerifiedSize + 1
                damage = AuditDamage(
                    position: first, eventID: nil,
                    "events \(first)–\(size) do not match signed checkpoint \(checkpoint.treeSize): one of them was modified, inserted, deleted or reordered")
                return false
            }
            lastVerifiedSize = size
            firstUnsignedTime = nil
        }
        return true
    }
}

/// Where and how an audit log is damaged.
public struct AuditDamage: Error, Sendable, Equatable, CustomStringConvertible {
    /// The position of the first event concerned.
    public var position: Int64?
    /// Its eventID, when it is stored.
    public var eventID: String?
    /// What is wrong.
    public var reason: String

    /// Damage at `position`.
    public init(position: Int64?, eventID: String?, _ reason: String) {
        self.position = position
        self.eventID = eventID
        self.reason = reason
    }

    /// The reason, with the event id when known.
    public var description: String { eventID.map { "\(reason) (eventID \($0))" } ?? reason }
}
