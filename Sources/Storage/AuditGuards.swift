import GRDB

/// The triggers that keep the audit tables append-only, as the migrations leave them (only what
/// archived events alone needed may be deleted, see `SQLiteAuditStore.prune`, and an archive cut,
/// which lets the events and checkpoints behind it go, only over stored events, as archiving
/// makes it), and the view the records are read through. Anyone who can write the database file
/// can drop or rewrite them, or add triggers of their own; each start puts back any that is
/// missing or changed, drops the added ones, and names them, so the log does not go on
/// unguarded without a word.
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
        ("audit_archive_cut_within_events", """
            CREATE TRIGGER audit_archive_cut_within_events BEFORE INSERT ON audit_archive
                WHEN NEW.through_position > (SELECT COALESCE(MAX(position), 0) FROM audit_events)
                BEGIN SELECT RAISE(ABORT, 'an audit archive cut cannot pass the stored events'); END
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

    /// The view LookupEvents and exports read the records through, as migration v12 made it.
    static let recordsView = """
        CREATE VIEW audit_records AS
            SELECT e.position, e.event_id, e.event_time, e.leaf_hash,
                CASE WHEN e.template_id IS NULL THEN e.record
                     ELSE COALESCE(CAST(replace(replace(replace(replace(t.template,
                         char(1), strftime('%Y-%m-%dT%H:%M:%SZ', e.event_time / 1000, 'unixepoch')),
                         char(2), e.request_id), char(3), e.event_id), char(4), COALESCE(e.response_elements, 'null'))
                         AS BLOB), X'')
                END AS record
            FROM audit_events e LEFT JOIN audit_templates t ON t.id = e.template_id
        """

    /// The audit tables, whose only triggers may be the guards.
    private static let tables = ["audit_events", "audit_checkpoints", "audit_archive", "audit_templates"]

    /// The `CREATE TRIGGER` statement of the trigger called `name`.
    static func definition(of name: String) -> String {
        guard let trigger = triggers.first(where: { $0.name == name }) else { preconditionFailure("no audit guard \(name)") }
        return trigger.sql
    }

    /// Recreates every trigger that is missing or defined otherwise, and the records view;
    /// drops any other trigger on the audit tables (one that made appends do nothing would let
    /// requests go unrecorded); returns the names of what it changed.
    static func restore(_ db: Database) throws -> [String] {
        var stored: [String: String] = [:]
        var foreign: [String] = []
        for row in try Row.fetchAll(db, sql: "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'") {
            let name: String = row["name"]
            stored[name] = row["sql"]
            // SQLite keeps a table's name as the trigger's author wrote it, and matches names without case.
            let table = (row["tbl_name"] as String).lowercased()
            if tables.contains(table), !triggers.contains(where: { $0.name == name }) { foreign.append(name) }
        }
        var restored: [String] = []
        for name in foreign.sorted() {
            try db.execute(sql: "DROP TRIGGER \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
            restored.append(name)
        }
        for trigger in triggers where stored[trigger.name].map(words) != words(trigger.sql) {
            if stored[trigger.name] != nil { try db.execute(sql: "DROP TRIGGER \(trigger.name)") }
            try db.execute(sql: trigger.sql)
            restored.append(trigger.name)
        }
        let view = try Row.fetchOne(db, sql: "SELECT type, sql FROM sqlite_master WHERE name = 'audit_records' COLLATE NOCASE")
        if view.map({ ($0["type"] as String) == "view" && words($0["sql"]) == words(recordsView) }) != true {
            if let view { try db.execute(sql: (view["type"] as String) == "table" ? "DROP TABLE audit_records" : "DROP VIEW audit_records") }
            try db.execute(sql: recordsView)
            restored.append("audit_records")
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
