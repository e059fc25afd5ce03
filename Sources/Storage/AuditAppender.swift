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
    /// The ids of templates stored by committed transactions, by hash.
    private var storedTemplates: [[UInt8]: Int64] = [:]
    /// Templates stored by the open transaction.
    private var templatesInTransaction: [([UInt8], Int64)] = []
    /// The events appended, for checking what is signed.
    let ledger = AuditLedger()

    /// Appends `entries` after the newest event, in the open transaction.
    func insert(_ db: Database, _ entries: [AuditEntry]) throws {
        var position = try nextPosition ?? Self.readNextPosition(db)
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO audit_events (position, event_id, event_time, record, leaf_hash, template_id, request_id, response_elements)
                VALUES (?, ?, ?, X'', ?, ?, ?, ?)
                """)
        for entry in entries {
            let templateID = try storedTemplates[entry.template.hash] ?? store(entry.template, db)
            let responseElements = entry.responseElements.map { String(decoding: $0, as: UTF8.self) }
            try insert.execute(
                arguments: [position, entry.eventID, entry.eventTime, Data(entry.leafHash), templateID, entry.requestID, responseElements])
            // A trigger added behind the daemon's back (RAISE(IGNORE)) could make the insert do
            // nothing: then the request must fail, not go unrecorded.
            guard db.changesCount == 1 else { throw DatabaseError(message: "an audit event was not stored") }
            ledger.appending(position, leafHash: entry.leafHash)
            position += 1
        }
        nextPosition = position
    }

    /// The id of `template`, stored now unless it already is.
    private func store(_ template: AuditRecordTemplate, _ db: Database) throws -> Int64 {
        let hash = Data(template.hash)
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO audit_templates (hash, template) VALUES (?, ?)")
            .execute(arguments: [hash, String(decoding: template.bytes, as: UTF8.self)])
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM audit_templates WHERE hash = ?"), arguments: [hash]) else {
            throw DatabaseError(message: "audit template not stored")
        }
        templatesInTransaction.append((template.hash, id))
        return id
    }

    /// The open transaction committed.
    func committed() {
        ledger.committed()
        if storedTemplates.count + templatesInTransaction.count > Self.rememberedTemplateLimit { storedTemplates = [:] }
        for (hash, id) in templatesInTransaction { storedTemplates[hash] = id }
        templatesInTransaction = []
    }

    /// Templates were removed in the open transaction: every id known is looked up again.
    func forgetTemplates() {
        storedTemplates = [:]
        templatesInTransaction = []
    }

    /// The open transaction rolled back: what it stored is gone.
    func rolledBack() {
        ledger.rolledBack()
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
