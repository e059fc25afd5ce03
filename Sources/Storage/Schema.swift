import GRDB

/// The forward-only, named migrations of SealQ's SQLite schema.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-queues-and-messages") { db in
            try db.execute(
                sql: """
                    CREATE TABLE message_spaces (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        retired_at INTEGER
                    );
                    CREATE TABLE queues (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        settings TEXT NOT NULL,
                        tags TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        last_modified_at INTEGER NOT NULL,
                        message_space INTEGER NOT NULL REFERENCES message_spaces(id),
                        last_purge_at INTEGER,
                        version INTEGER NOT NULL
                    );
                    CREATE TABLE queue_tombstones (
                        name TEXT PRIMARY KEY,
                        deleted_at INTEGER NOT NULL
                    );
                    CREATE TABLE messages (
                        seq INTEGER PRIMARY KEY,
                        space INTEGER NOT NULL,
                        message_id TEXT NOT NULL,
                        body TEXT NOT NULL,
                        attributes BLOB,
                        system_attributes BLOB,
                        sender_id TEXT NOT NULL,
                        sent_at INTEGER NOT NULL,
                        visible_at INTEGER NOT NULL,
                        receive_count INTEGER NOT NULL DEFAULT 0 CHECK (receive_count >= 0),
                        first_received_at INTEGER,
                        received_at INTEGER,
                        group_id TEXT,
                        deduplication_id TEXT
                    );
                    CREATE INDEX messages_by_visibility ON messages(space, visible_at, seq);
                    CREATE INDEX messages_by_age ON messages(space, sent_at);
                    """)
        }
        migrator.registerMigration("v2-fifo-groups-deduplication-attempts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE fifo_groups (
                        space INTEGER NOT NULL,
                        group_id TEXT NOT NULL,
                        head_seq INTEGER NOT NULL,
                        busy_until INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (space, group_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX fifo_groups_by_head ON fifo_groups(space, head_seq);
                    CREATE INDEX messages_by_group ON messages(space, group_id, seq) WHERE group_id IS NOT NULL;
                    CREATE TABLE deduplication (
                        space INTEGER NOT NULL,
                        scope TEXT NOT NULL,
                        deduplication_id TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        PRIMARY KEY (space, scope, deduplication_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX deduplication_by_expiry ON deduplication(expires_at);
                    CREATE TABLE receive_attempts (
                        space INTEGER NOT NULL,
                        attempt_id TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        receipts TEXT NOT NULL,
                        PRIMARY KEY (space, attempt_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX receive_attempts_by_age ON receive_attempts(created_at);
                    """)
        }
        migrator.registerMigration("v3-dead-letter-source") { db in
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN dead_letter_source TEXT")
        }
        // Sequence numbers must never be reused: without AUTOINCREMENT SQLite hands the rowid
        // of a deleted newest message to the next one, which would repeat FIFO sequence numbers
        // and let an old receipt handle match a new message.
        migrator.registerMigration("v4-never-reuse-sequence-numbers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE messages_v4 (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        space INTEGER NOT NULL,
                        message_id TEXT NOT NULL,
                        body TEXT NOT NULL,
                        attributes BLOB,
                        system_attributes BLOB,
                        sender_id TEXT NOT NULL,
                        sent_at INTEGER NOT NULL,
                        visible_at INTEGER NOT NULL,
                        receive_count INTEGER NOT NULL DEFAULT 0 CHECK (receive_count >= 0),
                        first_received_at INTEGER,
                        received_at INTEGER,
                        group_id TEXT,
                        deduplication_id TEXT,
                        dead_letter_source TEXT
                    );
                    INSERT INTO messages_v4 SELECT seq, space, message_id, body, attributes, system_attributes, sender_id,
                        sent_at, visible_at, receive_count, first_received_at, received_at, group_id, deduplication_id,
                        dead_letter_source FROM messages;
                    INSERT INTO sqlite_sequence (name, seq)
                        SELECT 'messages_v4', COALESCE((SELECT MAX(seq) FROM deduplication), 0)
                        WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'messages_v4');
                    UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT MAX(seq) FROM deduplication), 0))
                        WHERE name = 'messages_v4';
                    DROP TABLE messages;
                    ALTER TABLE messages_v4 RENAME TO messages;
                    CREATE INDEX messages_by_visibility ON messages(space, visible_at, seq);
                    CREATE INDEX messages_by_age ON messages(space, sent_at);
                    CREATE INDEX messages_by_group ON messages(space, group_id, seq) WHERE group_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v5-message-move-tasks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE move_tasks (
                        task_id TEXT PRIMARY KEY,
                        source_arn TEXT NOT NULL,
                        destination_arn TEXT,
                        max_per_second INTEGER,
                        status TEXT NOT NULL,
                        moved INTEGER NOT NULL,
                        to_move INTEGER NOT NULL,
                        started_at INTEGER NOT NULL,
                        failure_reason TEXT
                    );
                    """)
        }
        migrator.registerMigration("v6-key-service") { db in
            // Key records hold only root-key-wrapped material; `revision` keeps the newest
            // record when saves race.
            try db.execute(
                sql: """
                    CREATE TABLE kms_keys (key_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, record TEXT NOT NULL);
                    CREATE TABLE kms_aliases (name TEXT PRIMARY KEY, key_id TEXT NOT NULL, record TEXT NOT NULL);
                    CREATE TABLE kms_grants (grant_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, record TEXT NOT NULL);
                    """)
        }
        // Server-side encryption: a message's sealed payload (body and attributes then stay
        // empty), each message space's wrapped key (set to NULL when the space is retired, which
        // shreds what it protected), and who started a move task (keys are used on their behalf).
        migrator.registerMigration("v7-server-side-encryption") { db in
            try db.execute(
                sql: """
                    ALTER TABLE messages ADD COLUMN payload BLOB;
                    ALTER TABLE message_spaces ADD COLUMN space_key BLOB;
                    ALTER TABLE move_tasks ADD COLUMN started_by TEXT;
                    """)
        }
        // The audit log: append-only. Triggers refuse every UPDATE and DELETE, so no code path
        // (and no one using the sqlite3 shell without dropping them) can change an event.
        migrator.registerMigration("v8-audit-log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_events (
                        position INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL UNIQUE,
                        event_time INTEGER NOT NULL,
                        record BLOB NOT NULL,
                        leaf_hash BLOB NOT NULL
                    );
                    CREATE TABLE audit_checkpoints (
                        tree_size INTEGER PRIMARY KEY,
                        root_hash BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        signature BLOB NOT NULL
                    );
                    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                    CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
                        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
                    CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
                        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
                    """)
        }
        // Retention: events archived to export files may be removed, and only those — the
        // delete trigger now lets through positions up to the newest archive, whose row (append-
        // only too) keeps the Merkle state at the cut so the rest of the log still verifies.
        migrator.registerMigration("v9-audit-archive") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_archive (
                        through_position INTEGER PRIMARY KEY,
                        tree_state BLOB NOT NULL,
                        archived_at INTEGER NOT NULL
                    );
                    CREATE TRIGGER audit_archive_no_update BEFORE UPDATE ON audit_archive
                        BEGIN SELECT RAISE(ABORT, 'audit archive records are append-only'); END;
                    CREATE TRIGGER audit_archive_no_delete BEFORE DELETE ON audit_archive
                        BEGIN SELECT RAISE(ABORT, 'audit archive records are append-only'); END;
                    DROP TRIGGER audit_events_no_delete;
                    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                        WHEN OLD.position > (SELECT COALESCE(MAX(through_position), 0) FROM audit_archive)
                        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                    """)
        }
        // Each checkpoint keeps the tree's state, so a restart resumes from the newest one
        // instead of reading every leaf hash again.
        migrator.registerMigration("v10-audit-checkpoint-state") { db in
            try db.execute(sql: "ALTER TABLE audit_checkpoints ADD COLUMN tree_state BLOB")
        }
        // Events that read alike (one caller, one queue, one action) share one stored template;
        // each event keeps only its eventTime, requestID and eventID beside the template's id,
        // about a seventh of the bytes. The `audit_records` view puts the records back together
        // in SQL (older events keep their whole record and no template). Templates are
        // append-only. The events table is rebuilt without the unique index on event_id, which
        // no read used and every insert paid for (the verifier finds repeated ids itself).
        migrator.registerMigration("v11-audit-templates") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_templates (
                        id INTEGER PRIMARY KEY,
                        hash BLOB NOT NULL UNIQUE,
                        template TEXT NOT NULL
                    );
                    CREATE TRIGGER audit_templates_no_update BEFORE UPDATE ON audit_templates
                        BEGIN SELECT RAISE(ABORT, 'audit templates are append-only'); END;
                    CREATE TRIGGER audit_templates_no_delete BEFORE DELETE ON audit_templates
                        BEGIN SELECT RAISE(ABORT, 'audit templates are append-only'); END;
                    CREATE TABLE audit_events_v11 (
                        position INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL,
                        event_time INTEGER NOT NULL,
                        record BLOB NOT NULL,
                        leaf_hash BLOB NOT NULL,
                        template_id INTEGER,
                        request_id TEXT
                    );
                    INSERT INTO audit_events_v11 (position, event_id, event_time, record, leaf_hash)
                        SELECT position, event_id, event_time, record, leaf_hash FROM audit_events;
                    DROP TABLE audit_events;
                    ALTER TABLE audit_events_v11 RENAME TO audit_events;
                    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                        WHEN OLD.position > (SELECT COALESCE(MAX(through_position), 0) FROM audit_archive)
                        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                    CREATE VIEW audit_records AS
                        SELECT e.position, e.event_id, e.event_time, e.leaf_hash,
                            CASE WHEN e.template_id IS NULL THEN e.record
                                 ELSE COALESCE(CAST(replace(replace(replace(t.template,
                                     char(1), strftime('%Y-%m-%dT%H:%M:%SZ', e.event_time / 1000, 'unixepoch')),
                                     char(2), e.request_id), char(3), e.event_id) AS BLOB), X'')
                            END AS record
                        FROM audit_events e LEFT JOIN audit_templates t ON t.id = e.template_id;
                    """)
        }
        // A send's record names the messages it stored (responseElements, as CloudTrail's do),
        // which differ from event to event: they are stored with the event, and the template
        // holds a marker (0x04) in their place.
        migrator.registerMigration("v12-audit-response-elements") { db in
            try db.execute(
                sql: """
                    ALTER TABLE audit_events ADD COLUMN response_elements TEXT;
                    DROP VIEW audit_records;
                    """)
            try db.execute(sql: AuditGuards.recordsView)
        }
        // A move task moves only the messages its dead-letter queue held when it started (the
        // ones its start was authorized for): it keeps the queue's last sequence number then.
        migrator.registerMigration("v13-move-task-bound") { db in
            try db.execute(sql: "ALTER TABLE move_tasks ADD COLUMN through_seq INTEGER")
        }
        // A standard message moved to a dead-letter queue keeps its send time (its retention and
        // SentTimestamp go by it) but arrives there at the move, which the queue's oldest-message
        // age counts from, as CloudWatch's does. Only moved messages are indexed.
        migrator.registerMigration("v14-dead-letter-arrival") { db in
            try db.execute(
                sql: """
                    ALTER TABLE messages ADD COLUMN arrived_at INTEGER;
                    CREATE INDEX messages_by_arrival ON messages(space, arrived_at) WHERE arrived_at IS NOT NULL;
                    """)
        }
        // The counts of messages in flight and delayed read every invisible message's receive
        // count; carried in the visibility index, they are read from it alone instead of from a
        // table row each (100,000 in flight: 76 ms before, 12 ms after).
        migrator.registerMigration("v15-visibility-index-covers-counts") { db in
            try db.execute(
                sql: """
                    DROP INDEX messages_by_visibility;
                    CREATE INDEX messages_by_visibility ON messages(space, visible_at, seq, receive_count);
                    """)
        }
        // A FIFO receive walks groups in head order past the busy ones; carried in the head
        // index, each busy group is skipped without reading its row (16,000 busy groups ahead
        // of the first available one: 5.2 ms before, 0.8 ms after).
        migrator.registerMigration("v16-group-head-index-covers-busy-until") { db in
            try db.execute(
                sql: """
                    DROP INDEX fifo_groups_by_head;
                    CREATE INDEX fifo_groups_by_head ON fifo_groups(space, head_seq, busy_until);
                    """)
        }
        // What only archived events needed may go: checkpoints of trees no larger than the
        // archive cut (the one at the cut stays: the verifier starts there), archive cuts older
        // than the newest, and, by the daemon alone (it lifts the templates' guard inside the
        // pruning transaction), templates no stored event is built from.
        migrator.registerMigration("v17-audit-prunable-behind-archive") { db in
            try db.execute(
                sql: """
                    DROP TRIGGER IF EXISTS audit_checkpoints_no_delete;
                    DROP TRIGGER IF EXISTS audit_archive_no_delete;
                    \(AuditGuards.definition(of: "audit_checkpoints_no_delete"));
                    \(AuditGuards.definition(of: "audit_archive_no_delete"));
                    """)
        }
        // A FIFO deduplication id a sender chose is sealed with its message's payload (in a
        // layout older versions cannot read), not stored beside it: no table changes, but an
        // older SealQ must refuse the file rather than fail to open such messages.
        migrator.registerMigration("v18-sealed-deduplication-ids") { _ in }
        // An archive cut let whoever could write the file delete every event and checkpoint
        // behind it: one past the stored events is refused (archiving cuts through stored ones).
        migrator.registerMigration("v19-audit-archive-cut-within-events") { db in
            try db.execute(sql: AuditGuards.definition(of: "audit_archive_cut_within_events"))
        }
        // A fair receive orders its candidate tenants by their messages in flight: counted per
        // candidate group from this index rather than over every message in flight of the queue,
        // inside the writer (20,000 in flight: about 40 ms per receive before, stalling every
        // other queue's writes). It holds received messages of fair queues only: those with a
        // group and no deduplication id (every FIFO message has one), so FIFO receives and
        // deletes do not maintain it.
        migrator.registerMigration("v20-received-fair-messages-by-group") { db in
            try db.execute(
                sql: """
                    CREATE INDEX messages_received_by_group ON messages(space, group_id, visible_at)
                    WHERE group_id IS NOT NULL AND deduplication_id IS NULL AND receive_count > 0
                    """)
        }
        return migrator
    }
}
