import AuditTrail
import Foundation
import GRDB

/// Appends audit entries inside the group-commit writer's transactions, and remembers across
/// them what saves a statement per entry: the next position, and which templates are stored
/// already. Used only on the writer's commit thread, which tells it how each transaction ended.
final class AuditAppender: @unchecked Sendable {
    /// Beyond this many remembered templates, start over (each costs one `INSERT OR IGNORE`
    /// the next time it is used).
    private static let rememberedTemplateLimit = 10_000

    /// The position of the next event, once read.
    private var nextPosition: Int64?
    /// Templates stored by committed transactions.
    private var storedTemplates: Set<[UInt8]> = []
    /// Templates stored by the open transaction.
    private var templatesInTransaction: [[UInt8]] = []

    /// Appends `entries` after the newest event, in the open transaction.
    func insert(_ db: Database, _ entries: [AuditEntry]) throws {
        var position = try nextPosition ?? Self.readNextPosition(db)
        let storeTemplate = try db.cachedStatement(sql: "INSERT OR IGNORE INTO audit_templates (hash, template) VALUES (?, ?)")
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO audit_events (position, event_id, event_time, record, leaf_hash, template_hash, request_id)
                VALUES (?, ?, ?, X'', ?, ?, ?)
                """)
        for entry in entries {
            let hash = Data(entry.template.hash)
            if !storedTemplates.contains(entry.template.hash) {
                try storeTemplate.execute(arguments: [hash, String(decoding: entry.template.bytes, as: UTF8.self)])
                templatesInTransaction.append(entry.template.hash)
            }
            try insert.execute(arguments: [position, entry.eventID, entry.eventTime, Data(entry.leafHash), hash, entry.requestID])
            position += 1
        }
        nextPosition = position
    }

    /// The open transaction committed.
    func committed() {
        if storedTemplates.count + templatesInTransaction.count > Self.rememberedTemplateLimit { storedTemplates = [] }
        storedTemplates.formUnion(templatesInTransaction)
        templatesInTransaction = []
    }

    /// The open transaction rolled back: what it stored is gone.
    func rolledBack() {
        nextPosition = nil
        templatesInTransaction = []
    }

    /// After the newest stored event, and after archived (removed) events too.
    private static func readNextPosition(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT MAX(COALESCE((SELECT MAX(position) FROM audit_events), 0),
                       COALESCE((SELECT MAX(through_position) FROM audit_archive), 0))
            """)) ?? 0) + 1
    }
}
