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
        return migrator
    }
}
