import AuditTrail
import Foundation
import GRDB

/// The audit log's `AuditStore` on the daemon's SQLite database, through the same group-commit
/// writer as messages: an event is on disk, with the commit that carries it, before `append`
/// returns. Positions are assigned inside the writing transaction, so they follow commit order.
public struct SQLiteAuditStore: AuditStore {
    let database: any DatabaseWriter
    let writer: GroupCommitWriter

    /// Appends `entries` after the newest one.
    public func append(_ entries: [AuditEntry]) async throws -> Int64 {
        try await writer.perform { db in try Self.insert(db, entries) }
    }

    /// Appends `entries` after the newest one in the open transaction; returns the first position.
    static func insert(_ db: Database, _ entries: [AuditEntry]) throws -> Int64 {
        let first = (try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(position) FROM audit_events")) ?? 0) + 1
        let insert = try db.cachedStatement(
            sql: "INSERT INTO audit_events (position, event_id, event_time, record, leaf_hash) VALUES (?, ?, ?, ?, ?)")
        for (offset, entry) in entries.enumerated() {
            try insert.execute(arguments: [
                first + Int64(offset), entry.eventID, entry.eventTime, Data(entry.record), Data(entry.leafHash),
            ])
        }
        return first
    }

    /// Leaf hashes after `after`, in position order.
    public func leafHashes(after: Int64, limit: Int) async throws -> [[UInt8]] {
        try await database.read { db in
            try Data.fetchAll(
                db, sql: "SELECT leaf_hash FROM audit_events WHERE position > ? ORDER BY position LIMIT ?", arguments: [after, limit]
            ).map { [UInt8]($0) }
        }
    }

    /// Up to `limit` events, newest first, before position `before` (all when nil), with their
    /// event times (ms): for LookupEvents.
    public func eventsNewestFirst(before: Int64?, limit: Int) async throws -> [(event: StoredAuditEvent, eventTime: Int64)] {
        try await database.read { db in try Self.eventsNewestFirst(db, before: before, limit: limit) }
    }

    /// The same, from the database file at `path`, read without writing (for `sealq audit lookup`).
    public static func eventsNewestFirst(path: String, before: Int64?, limit: Int) throws -> [(event: StoredAuditEvent, eventTime: Int64)] {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: path, configuration: configuration).read { db in
            try eventsNewestFirst(db, before: before, limit: limit)
        }
    }

    private static func eventsNewestFirst(_ db: Database, before: Int64?, limit: Int) throws -> [(event: StoredAuditEvent, eventTime: Int64)] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM audit_events WHERE position < ? ORDER BY position DESC LIMIT ?", arguments: [before ?? Int64.max, limit]
        ).map { row in
            (StoredAuditEvent(
                position: row["position"], eventID: row["event_id"], record: [UInt8](row["record"] as Data),
                leafHash: [UInt8](row["leaf_hash"] as Data)), row["event_time"] as Int64)
        }
    }

    /// Appends a signed checkpoint.
    public func appendCheckpoint(_ checkpoint: Checkpoint) async throws {
        try await writer.perform { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO audit_checkpoints (tree_size, root_hash, created_at, signature) VALUES (?, ?, ?, ?)",
                arguments: [checkpoint.treeSize, Data(checkpoint.rootHash), checkpoint.timestamp, Data(checkpoint.signature)])
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
    /// `sealq audit verify`; safe while the daemon runs): every checkpoint, then each event in
    /// position order, handed to `visit` until it returns false.
    public static func read(
        path: String, checkpoints: ([Checkpoint]) throws -> Void, events visit: (StoredAuditEvent) throws -> Bool
    ) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        try DatabaseQueue(path: path, configuration: configuration).read { db in
            try checkpoints(try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoints ORDER BY tree_size").map(Self.checkpoint))
            let cursor = try Row.fetchCursor(db, sql: "SELECT position, event_id, record, leaf_hash FROM audit_events ORDER BY position")
            while let row = try cursor.next() {
                let event = StoredAuditEvent(
                    position: row["position"], eventID: row["event_id"], record: [UInt8](row["record"] as Data),
                    leafHash: [UInt8](row["leaf_hash"] as Data))
                guard try visit(event) else { break }
            }
        }
    }
}

extension SQLiteMessageStore {
    /// The audit log's store, on this database and writer.
    public var auditStore: SQLiteAuditStore { SQLiteAuditStore(database: database, writer: writer) }
}
