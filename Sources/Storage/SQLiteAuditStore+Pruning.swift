import AuditTrail
import GRDB

extension SQLiteAuditStore {
    /// Templates that no stored event was built from when `plannedPrune` read the log.
    public struct PrunePlan: Sendable {
        /// The newest event stored then; events after it were not looked at.
        let lastPosition: Int64
        /// Their ids, at most the limit asked for.
        let unusedTemplates: [Int64]
    }

    /// `prune(plannedPrune(templateLimit:))`.
    public func pruneBehindArchive(templateLimit: Int) async throws -> AuditPruneOutcome {
        try await prune(plannedPrune(templateLimit: templateLimit))
    }

    /// Reads, without holding up writes, up to `limit` templates no stored event is built from.
    /// The newest template is never among them, so a removed template's id is never given out
    /// again (SQLite numbers a new row after the largest).
    public func plannedPrune(templateLimit limit: Int) async throws -> PrunePlan {
        try await database.read { db in
            let lastPosition = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(position), 0) FROM audit_events") ?? 0
            let unused = try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM audit_templates
                    WHERE id < (SELECT MAX(id) FROM audit_templates)
                        AND id NOT IN (SELECT template_id FROM audit_events WHERE template_id IS NOT NULL)
                    ORDER BY id LIMIT ?
                    """,
                arguments: [limit])
            return PrunePlan(lastPosition: lastPosition, unusedTemplates: unused)
        }
    }

    /// Removes what only archived events needed: the checkpoints and archive cuts behind the
    /// newest cut, and the templates of `plan` that no event appended since it was read uses.
    /// Runs in the writer's transaction, so no append sits between that check and the removal;
    /// the templates' guard is lifted only inside it, and the appender forgets the ids it knew.
    public func prune(_ plan: PrunePlan) async throws -> AuditPruneOutcome {
        try await writer.perform { [writer] db in
            let cut = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(through_position), 0) FROM audit_archive") ?? 0
            try db.execute(sql: "DELETE FROM audit_checkpoints WHERE tree_size < ?", arguments: [cut])
            let checkpoints = db.changesCount
            try db.execute(sql: "DELETE FROM audit_archive WHERE through_position < ?", arguments: [cut])
            var outcome = AuditPruneOutcome(checkpoints: checkpoints, archiveCuts: db.changesCount, templates: 0)
            let usedSince = Set(try Int64.fetchAll(
                db, sql: "SELECT DISTINCT template_id FROM audit_events WHERE position > ? AND template_id IS NOT NULL",
                arguments: [plan.lastPosition]))
            let unused = plan.unusedTemplates.filter { !usedSince.contains($0) }
            guard !unused.isEmpty else { return outcome }
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_templates_no_delete")
            for start in stride(from: 0, to: unused.count, by: 500) {
                let chunk = Array(unused[start..<min(start + 500, unused.count)])
                try db.execute(
                    sql: "DELETE FROM audit_templates WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                    arguments: StatementArguments(chunk))
                outcome.templates += db.changesCount
            }
            try db.execute(sql: AuditGuards.definition(of: "audit_templates_no_delete"))
            writer.auditAppender.forgetTemplates()
            return outcome
        }
    }
}
