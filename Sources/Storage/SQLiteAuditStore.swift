import AuditTrail
import Foundation
import GRDB
import WireJSON

/// The audit log's `AuditStore` on the daemon's SQLite database, through the same group-commit
/// writer as messages: an event is on disk, with the commit that carries it, before `append`
/// returns. Positions are assigned inside the writing transaction, so they follow commit order.
public struct SQLiteAuditStore: AuditStore {
    let database: any DatabaseWriter
    let writer: GroupCommitWriter

    /// Appends `entries` after the newest one.
    public func append(_ entries: [AuditEntry]) async throws {
        try await writer.perform { [writer] db in try writer.auditAppender.insert(db, entries) }
    }

    /// Leaf hashes after `after`, in position order.
    public func leafHashes(after: Int64, limit: Int) async throws -> [[UInt8]] {
        try await database.read { db in
            try Data.fetchAll(
                db, sql: "SELECT leaf_hash FROM audit_events WHERE position > ? ORDER BY position LIMIT ?", arguments: [after, limit]
            ).map { [UInt8]($0) }
        }
    }

    /// Leaf hashes after `after` to sign, checked against what this process appended (see
    /// `AuditLedger`): an event stored behind its back, changed or removed is refused.
    public func signableLeafHashes(after: Int64, limit: Int) async throws -> [[UInt8]] {
        let (stored, lastStored) = try await database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT position, leaf_hash FROM audit_events WHERE position > ? ORDER BY position LIMIT ?", arguments: [after, limit]
            ).map { (position: $0["position"] as Int64, leafHash: [UInt8]($0["leaf_hash"] as Data)) }
            return (rows, try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM audit_events") ?? after)
        }
        return try writer.auditAppender.ledger.check(stored, after: after, lastStored: { lastStored })
    }

    /// Up to `limit` events, newest first, before position `before` (all when nil), as
    /// LookupEvents first sees them: without their records, which `records(at:)` reads.
    public func lookupCandidates(before: Int64?, limit: Int) async throws -> [AuditLookupCandidate] {
        try await database.read { db in try Self.lookupCandidates(db, before: before, limit: limit) }
    }

    /// The latest event (by eventTime) made from each record template, and every event stored
    /// whole (before templates), by position, newest first: one of each kind of record, for a question about the newest
    /// event of some kind (an access key's last use) that reads no other event.
    public func newestOfEachTemplate() async throws -> [AuditLookupCandidate] {
        try await database.read { db in try Self.newestOfEachTemplate(db) }
    }

    /// The whole records of the events at `positions`, by position.
    public func records(at positions: [Int64]) async throws -> [Int64: [UInt8]] {
        try await database.read { db in try Self.records(db, at: positions) }
    }

    /// `lookupCandidates(before:limit:)` from the database file at `path`, read without writing
    /// (for `sealq audit lookup`).
    public static func lookupCandidates(path: String, before: Int64?, limit: Int) throws -> [AuditLookupCandidate] {
        try ReadOnlyDatabase.read(path) { db in try lookupCandidates(db, before: before, limit: limit) }
    }

    /// The whole records of the events of request `requestId` (a call's own record, and the key
    /// uses made on its behalf), oldest first.
    public func records(ofRequest requestId: String) async throws -> [[UInt8]] {
        try await database.read { db in
            let positions = try Int64.fetchAll(
                db, sql: "SELECT position FROM audit_events WHERE request_id = ? ORDER BY position", arguments: [requestId])
            let records = try Self.records(db, at: positions)
            return positions.compactMap { records[$0] }
        }
    }

    /// `newestOfEachTemplate()` from the database file at `path`, read without writing.
    public static func newestOfEachTemplate(path: String) throws -> [AuditLookupCandidate] {
        try ReadOnlyDatabase.read(path) { db in try newestOfEachTemplate(db) }
    }

    /// `records(at:)` from the database file at `path`, read without writing.
    public static func records(path: String, at positions: [Int64]) throws -> [Int64: [UInt8]] {
        try ReadOnlyDatabase.read(path) { db in try records(db, at: positions) }
    }

    private static func lookupCandidates(_ db: Database, before: Int64?, limit: Int) throws -> [AuditLookupCandidate] {
        // Before schema v11 (read without migrating) every record is whole: no template ids.
        let template = try db.viewExists("audit_records") ? "template_id" : "NULL"
        return try Row.fetchAll(
            db, sql: "SELECT position, event_time, event_id, \(template) AS template_id FROM audit_events WHERE position < ? ORDER BY position DESC LIMIT ?",
            arguments: [before ?? Int64.max, limit]
        ).map { row in
            AuditLookupCandidate(position: row["position"], eventTime: row["event_time"], eventID: row["event_id"], templateId: row["template_id"])
        }
    }

    private static func newestOfEachTemplate(_ db: Database) throws -> [AuditLookupCandidate] {
        // Before schema v11 (read without migrating) every record is whole.
        guard try db.viewExists("audit_records") else { return try lookupCandidates(db, before: nil, limit: Int.max) }
        // SQLite takes a bare column of a MAX() aggregate from the row holding the maximum.
        return try Row.fetchAll(
            db,
            sql: """
                SELECT position, event_time, event_id, template_id FROM (
                    SELECT position, MAX(event_time) AS event_time, event_id, template_id FROM audit_events
                    WHERE template_id IS NOT NULL GROUP BY template_id
                    UNION ALL
                    SELECT position, event_time, event_id, template_id FROM audit_events WHERE template_id IS NULL)
                ORDER BY position DESC
                """
        ).map { row in
            AuditLookupCandidate(position: row["position"], eventTime: row["event_time"], eventID: row["event_id"], templateId: row["template_id"])
        }
    }

    private static func records(_ db: Database, at positions: [Int64]) throws -> [Int64: [UInt8]] {
        guard !positions.isEmpty else { return [:] }
        var records: [Int64: [UInt8]] = [:]
        for chunk in stride(from: 0, to: positions.count, by: 500).map({ positions[$0..<min($0 + 500, positions.count)] }) {
            let rows = try Row.fetchAll(
                db, sql: "SELECT position, record FROM \(try Self.recordSource(db)) WHERE position IN (\(databaseQuestionMarks(count: chunk.count)))",
                arguments: StatementArguments(Array(chunk)))
            for row in rows { records[row["position"]] = [UInt8](row["record"] as Data) }
        }
        return records
    }

    /// Where whole records are read: the `audit_records` view, or on a database older than
    /// schema v11 (read without migrating) the events table, where every record is whole.
    private static func recordSource(_ db: Database) throws -> String {
        try db.viewExists("audit_records") ? "audit_records" : "audit_events"
    }

    /// The Merkle state at the newest archive cut, if events were archived.
    public func archivedState() async throws -> MerkleAccumulator? {
        try await database.read(Self.archivedState)
    }

    static func archivedState(_ db: Database) throws -> MerkleAccumulator? {
        try Data.fetchOne(db, sql: "SELECT tree_state FROM audit_archive ORDER BY through_position DESC LIMIT 1")
            .flatMap { MerkleAccumulator(bytes: [UInt8]($0)) }
    }

    /// Position and time (ms) of the event at `position`, if stored.
    public func eventTime(at position: Int64) async throws -> Int64? {
        try await database.read { db in
            try Int64.fetchOne(db, sql: "SELECT event_time FROM audit_events WHERE position = ?", arguments: [position])
        }
    }

    public func checkpoint(treeSize: Int) async throws -> Checkpoint? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit_checkpoints WHERE tree_size = ?", arguments: [treeSize]).map(Self.checkpoint)
        }
    }

    /// Every checkpoint, oldest first.
    public func checkpoints(after treeSize: Int) async throws -> [Checkpoint] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoints WHERE tree_size > ? ORDER BY tree_size", arguments: [treeSize])
                .map(Self.checkpoint)
        }
    }

    /// Records that the events up to `state.size` are archived (exported), then removes them,
    /// in one transaction.
    public func archive(through state: MerkleAccumulator, now: Int64) async throws {
        let bytes = Data(state.bytes)
        try await writer.perform { db in
            try db.execute(
                sql: "INSERT INTO audit_archive (through_position, tree_state, archived_at) VALUES (?, ?, ?)",
                arguments: [state.size, bytes, now])
            try db.execute(sql: "DELETE FROM audit_events WHERE position <= ?", arguments: [state.size])
        }
    }

    /// Appends a signed checkpoint.
    public func appendCheckpoint(_ checkpoint: Checkpoint, treeState: MerkleAccumulator) async throws {
        let state = Data(treeState.bytes)
        try await writer.perform { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO audit_checkpoints (tree_size, root_hash, created_at, signature, tree_state)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [checkpoint.treeSize, Data(checkpoint.rootHash), checkpoint.timestamp, Data(checkpoint.signature), state])
            // Ignored only for a tree already checkpointed, not by a trigger added behind the daemon's back.
            if db.changesCount != 1 {
                let stored = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM audit_checkpoints WHERE tree_size = ?)", arguments: [checkpoint.treeSize])
                guard stored == true else { throw DatabaseError(message: "an audit checkpoint was not stored") }
            }
        }
    }

    /// The tree's state at the newest checkpoint that kept one and whose root it matches.
    public func latestTreeState() async throws -> MerkleAccumulator? {
        try await database.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT root_hash, tree_state FROM audit_checkpoints WHERE tree_state IS NOT NULL ORDER BY tree_size DESC LIMIT 1"),
                let state = MerkleAccumulator(bytes: [UInt8](row["tree_state"] as Data)),
                state.rootHash == [UInt8](row["root_hash"] as Data)
            else { return nil }
            return state
        }
    }

    /// Whether any event, checkpoint or archive cut is stored.
    public func holdsAnything() async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM audit_events) OR EXISTS (SELECT 1 FROM audit_checkpoints)
                        OR EXISTS (SELECT 1 FROM audit_archive)
                    """) ?? false
        }
    }

    /// The checkpoint of the largest tree.
    public func latestCheckpoint() async throws -> Checkpoint? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1").map(Self.checkpoint)
        }
    }

    static func checkpoint(_ row: Row) -> Checkpoint {
        Checkpoint(
            treeSize: row["tree_size"], rootHash: [UInt8](row["root_hash"] as Data), timestamp: row["created_at"],
            signature: [UInt8](row["signature"] as Data))
    }

    /// Reads the audit log of the database file at `path` without writing or migrating (for
    /// `sealq audit verify`; safe while the daemon runs): every checkpoint and the Merkle state
    /// at the archive cut (if any), then each event in position order from `firstPosition`
    /// (asked once the checkpoints are handed over), handed to `visit` until it returns false.
    public static func read(
        path: String, checkpoints: ([Checkpoint], _ archived: MerkleAccumulator?) throws -> Void,
        firstPosition: () -> Int64 = { 1 }, events visit: (StoredAuditEvent) throws -> Bool
    ) throws {
        try ReadOnlyDatabase.read(path) { db in
            let archived = try db.tableExists("audit_archive") ? archivedState(db) : nil
            try checkpoints(try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoints ORDER BY tree_size").map(Self.checkpoint), archived)
            // Records are rebuilt here rather than by the audit_records view: the same bytes,
            // without three SQL replace() calls per event. Before schema v11 every record is whole.
            // Templates are read as the events name them, not all at once: a daemon exporting
            // the span after its archive cut every few seconds then holds only the templates of
            // that span, however many the log has gathered.
            let templated = try db.tableExists("audit_templates")
            let templateQuery = templated ? try db.makeStatement(sql: "SELECT template FROM audit_templates WHERE id = ?") : nil
            var templates: [Int64: AuditRecordTemplate] = [:]
            func template(_ id: Int64) throws -> AuditRecordTemplate? {
                if let known = templates[id] { return known }
                guard let templateQuery, let text = try String.fetchOne(templateQuery, arguments: [id]) else { return nil }
                let loaded = AuditRecordTemplate(bytes: Array(text.utf8))
                templates[id] = loaded
                return loaded
            }
            let answered = try db.columns(in: "audit_events").contains { $0.name == "response_elements" }
            let templateColumns = (templated ? ", request_id, template_id" : "") + (answered ? ", response_elements" : "")
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT position, event_id, event_time, record, leaf_hash\(templateColumns) FROM audit_events WHERE position >= ? ORDER BY position",
                arguments: [firstPosition()])
            while let row = try cursor.next() {
                let eventID: String = row["event_id"]
                var record = [UInt8](row["record"] as Data)
                if templated, let templateID = row["template_id"] as Int64? {
                    // A missing template or request id leaves the record empty, which cannot match its leaf hash.
                    let requestID = row["request_id"] as String?
                    let responseElements = answered ? (row["response_elements"] as String?).map { Array($0.utf8) } : nil
                    record = try requestID.flatMap {
                        try template(templateID)?.record(eventTime: row["event_time"], requestID: $0, eventID: eventID, responseElements: responseElements)
                    } ?? []
                } else if !Self.record(record, isDatedAt: row["event_time"]) {
                    // The event_time column orders and selects events (LookupEvents, retention), but a
                    // whole record's hashed bytes do not include it: the two must agree, or it was
                    // changed behind the record's back (left empty, the record cannot match its hash).
                    record = []
                }
                let event = StoredAuditEvent(position: row["position"], eventID: eventID, record: record, leafHash: [UInt8](row["leaf_hash"] as Data))
                guard try visit(event) else { break }
            }
        }
    }

    /// Whether a whole record's own (top-level) eventTime is that of `milliseconds`, as its
    /// template would write it: not a member of that name nested deeper (a tag key, say).
    private static func record(_ record: [UInt8], isDatedAt milliseconds: Int64) -> Bool {
        (try? JSONParser.topLevelString("eventTime", in: record)) == AuditEvent.timestamp(milliseconds)
    }
}

extension SQLiteMessageStore {
    /// The audit log's store, on this database and writer.
    public var auditStore: SQLiteAuditStore { SQLiteAuditStore(database: database, writer: writer) }
}
