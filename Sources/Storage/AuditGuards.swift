import GRDB

/// The triggers that keep the audit tables append-only, as the migrations leave them: only what
/// archived events alone needed may be deleted (see `SQLiteAuditStore.prune`). Anyone
/// who can write the database file can drop or rewrite them; each start puts back any that is
/// missing or changed, and names them, so the log does not go on unguarded without a word.
enum AuditGuards {
    /// Each trigger's name and its definition.
    static let triggers: [(name: String, sql: String)] = [
        ("audit_events_no_update", """
            CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
            """),
        ("audit_events_no_delete", """
            CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                WHEN OLD.position > (SELECT COALESCE(MAX(through_position), 0) FROM audit_archive)
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
            """),
        ("audit_checkpoints_no_update", """
            CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
                BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END
            """),
        ("audit_checkpoints_no_delete", """
            CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
                WHEN OLD.tree_size >= (SELECT COALESCE(MAX(through_position), 0) FROM audit_archive)
                BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END
            """),
        ("audit_archive_no_update", """
            CREATE TRIGGER audit_archive_no_update BEFORE UPDATE ON audit_archive
                BEGIN SELECT RAISE(ABORT, 'audit archive records are append-only'); END
            """),
        ("audit_archive_no_delete", """
            CREATE TRIGGER audit_archive_no_delete BEFORE DELETE ON audit_archive
                WHEN OLD.through_position >= (SELECT MAX(through_position) FROM audit_archive)
                BEGIN SELECT RAISE(ABORT, 'audit archive records are append-only'); END
            """),
        ("audit_templates_no_update", """
            CREATE TRIGGER audit_templates_no_update BEFORE UPDATE ON audit_templates
                BEGIN SELECT RAISE(ABORT, 'audit templates are append-only'); END
            """),
        ("audit_templates_no_delete", """
            CREATE TRIGGER audit_templates_no_delete BEFORE DELETE ON audit_templates
                BEGIN SELECT RAISE(ABORT, 'audit templates are append-only'); END
            """),
    ]

    /// The `CREATE TRIGGER` statement of the trigger called `name`.
    static func definition(of name: String) -> String {
        guard let trigger = triggers.first(where: { $0.name == name }) else { preconditionFailure("no audit guard \(name)") }
        return trigger.sql
    }

    /// Recreates every trigger that is missing or defined otherwise; returns their names.
    static func restore(_ db: Database) throws -> [String] {
        var stored: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'") {
            stored[row["name"]] = row["sql"]
        }
        var restored: [String] = []
        for trigger in triggers where stored[trigger.name].map(words) != words(trigger.sql) {
            if stored[trigger.name] != nil { try db.execute(sql: "DROP TRIGGER \(trigger.name)") }
            try db.execute(sql: trigger.sql)
            restored.append(trigger.name)
        }
        return restored
    }

    /// `sql` with its whitespace runs made single spaces and a final semicolon dropped.
    private static func words(_ sql: String) -> String {
        sql.split(whereSeparator: \.isWhitespace).joined(separator: " ").trimmingSuffix(";")
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
