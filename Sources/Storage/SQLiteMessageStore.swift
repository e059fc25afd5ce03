import Foundation
import GRDB
import Logging
import QueueEngine
import Synchronization

/// The engine's `MessageStore` on SQLite: WAL, `synchronous=FULL`, group commit.
///
/// Per-space message totals are kept in memory (loaded once at open, adjusted after each
/// commit), so no hot path counts rows.
public final class SQLiteMessageStore: MessageStore {
    let database: any DatabaseWriter
    let writer: GroupCommitWriter
    let totals = Mutex<[Int64: Int]>([:])
    let checkpointer: BackgroundCheckpointer?
    /// Measures the disk, and refuses new messages while it is nearly full; nil (in memory) admits them all.
    let headroom: StorageHeadroom?

    /// Opens (creating if needed) the database file at `path` and migrates it. With
    /// `minimumFreeBytes`, new messages are refused while less room than that is left on the
    /// disk holding it (`StorageHeadroom`).
    public convenience init(path: String, logger: Logger, minimumFreeBytes: Int64 = 0) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)  // wait out the other connection's brief locks
        configuration.prepareDatabase { db in
            // 8 KiB pages for a new file (an existing one keeps its size: WAL mode fixes it).
            // Rows of about 1 KiB fill them with a tenth of a page to spare, where a 4 KiB page
            // holds three such rows and leaves a quarter of itself empty; fewer, fuller pages
            // mean fewer log frames, writes and checkpoint copies per message.
            try db.execute(sql: "PRAGMA page_size = 8192")
            // Deleted content (retired space keys above all) is overwritten, not left in free space.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // BackgroundCheckpointer copies the log into the file from its own thread; the
            // writer's own checkpoint every 32 MiB then finds that work done and only lets
            // SQLite restart the log, which keeps it from growing under sustained load.
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 8192
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \((32 << 20) / pageSize)")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        let database = try DatabasePool(path: path, configuration: configuration)
        // Every commit waits for its fsync. Set here, not in prepareDatabase: GRDB switches a
        // pool's connections to synchronous=NORMAL after preparing them, and only the writer
        // connection commits.
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let checkpointer = try BackgroundCheckpointer(path: path)
        // A daemon killed before its log was truncated left frames there that may hold what a
        // deletion destroyed (a shredded space key, a purged message): the log is emptied as
        // soon as no reader holds it (a reader, such as a backup, must not stop the start).
        checkpointer.requestTruncation()
        let headroom = StorageHeadroom(
            directory: URL(fileURLWithPath: path).deletingLastPathComponent().path, minimumFreeBytes: minimumFreeBytes,
            reusableBytes: { try? database.read(Self.reusableBytes) }, pendingCopies: { checkpointer.pendingBytes },
            nearFloor: { checkpointer.keepLogEmpty($0) }, logger: logger)
        try self.init(database: database, checkpointer: checkpointer, headroom: headroom, logger: logger)
    }

    /// An in-memory database, for tests; `headroom`, when given, decides which sends are admitted.
    public static func inMemory(logger: Logger, headroom: StorageHeadroom? = nil) throws -> SQLiteMessageStore {
        try SQLiteMessageStore(database: try DatabaseQueue(), checkpointer: nil, headroom: headroom, logger: logger)
    }

    init(database: any DatabaseWriter, checkpointer: BackgroundCheckpointer?, headroom: StorageHeadroom? = nil, logger: Logger) throws {
        self.database = database
        self.checkpointer = checkpointer
        self.headroom = headroom
        self.writer = GroupCommitWriter(database)
        try database.read(NewerSchema.refuse)
        let applied = try database.read { db in try Schema.migrator.appliedIdentifiers(db) }
        let pending = Schema.migrator.migrations.filter { !applied.contains($0) }
        // An upgrade is one-way (an older SealQ refuses the file afterwards) and may take a while
        // on a large database: said before it starts, and when it is done.
        let upgrading = !applied.isEmpty && !pending.isEmpty
        if upgrading {
            logger.notice(
                "upgrading the database; older SealQ versions cannot open it afterwards",
                metadata: ["storage.migrations": "\(pending.joined(separator: ","))"])
        }
        let started = ContinuousClock.now
        try Schema.migrator.migrate(database)
        if upgrading {
            logger.notice("database upgraded", metadata: ["storage.duration": "\(ContinuousClock.now - started)"])
        }
        let restored = try database.write { db in try AuditGuards.restore(db) }
        if !restored.isEmpty {
            logger.warning(
                "the audit log's append-only triggers or its records view were dropped, changed or added to, and are restored: whoever could write the database may have changed the log; run sealq audit verify",
                metadata: ["audit.triggers": "\(restored.joined(separator: ","))"])
        }
        let counts = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT space, COUNT(*) AS total FROM messages GROUP BY space")
                .map { (row: Row) in (row["space"] as Int64, row["total"] as Int) }
        }
        totals.withLock { $0 = Dictionary(uniqueKeysWithValues: counts) }
        logger.info("storage opened", metadata: ["messages.count": "\(counts.reduce(0) { $0 + $1.1 })"])
        let (free, total) = try database.read { db in (try Self.reusableBytes(db), try Self.pageBytes(db)) }
        if free >= Self.compactionHintBytes && free * 2 >= total {
            logger.notice(
                "most of the database file is free pages left by a drained backlog; `sealq storage compact` returns them to the disk while the daemon is stopped",
                metadata: ["storage.free_bytes": "\(free)", "storage.file_bytes": "\(total)"])
        }
    }

    /// Free pages worth a word at start: at least this many bytes, and half the file.
    static let compactionHintBytes: Int64 = 64 << 20

    /// The bytes of the database's pages, free ones included (its log aside).
    static func pageBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
        return pages * pageSize
    }

    deinit {
        checkpointer?.stop()
    }

    /// The database was migrated by a newer SealQ: this one would misread what that one wrote
    /// (an older binary once served such a file and exported its audit events empty).
    public struct NewerSchema: Error, CustomStringConvertible {
        /// The migrations applied to the file that this version does not know.
        public let unknownMigrations: [String]

        /// Throws when `db` has migrations this version does not know (for every reader of the
        /// file: the daemon and the offline tools alike).
        static func refuse(_ db: Database) throws {
            let unknown = try Schema.migrator.appliedIdentifiers(db).subtracting(Schema.migrator.migrations)
            guard unknown.isEmpty else { throw NewerSchema(unknownMigrations: unknown.sorted()) }
        }

        public var description: String {
            """
            the database was written by a newer SealQ (its migrations \(unknownMigrations.joined(separator: ", ")) are \
            unknown to this version): run that version or a later one, or restore a backup made by this one
            """
        }
    }

    /// Flushes the write-ahead log into the main database file and empties it (at shutdown).
    /// The background checkpointer stops first; a pass of its own still running holds SQLite's
    /// checkpoint lock, which no busy timeout waits for (SQLITE_BUSY at once), and a reader (a
    /// backup, an sqlite3 shell) holds the log back. Each try waits at most 100 ms, about 6 s
    /// in all; then the error says so and the next start empties the log.
    public func checkpoint() throws {
        checkpointer?.stop()
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA busy_timeout = 100") }
        var attempts = 0
        while true {
            do {
                try database.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                guard attempts < 50 else { throw LogHeldBack() }
                attempts += 1
                usleep(20_000)
            }
        }
    }

    /// The write-ahead log could not be emptied at shutdown: a reader held it.
    public struct LogHeldBack: Error, CustomStringConvertible {
        public var description: String {
            "a reader of the database (a backup, an sqlite3 shell) held the write-ahead log; the next start empties it"
        }
    }

    /// Whether `count` new messages of `bytes` in all may be stored now (false while the disk
    /// is nearly full). Each is reckoned at its size plus a row's overhead, once in the
    /// write-ahead log and once in the file (`StorageHeadroom`).
    public func admitsNewMessages(count: Int, bytes: Int) -> Bool {
        headroom?.admits(bytes: bytes + count * Self.rowOverheadBytes) ?? true
    }

    /// What a stored message takes beyond its SQS size, at most: its row and index entries, the
    /// sealed layout, and its share of the send's audit record.
    static let rowOverheadBytes = 1024

    /// The room left for new data on the disk holding the database (near the floor, counting
    /// the pages it freed) as last measured; nil in memory or when the disk cannot be asked.
    public var roomBytes: Int64? { headroom?.roomBytes }

    /// Measures the room left on the disk holding the database (`StorageHeadroom`).
    public func measureRoom() {
        headroom?.measure()
    }

    /// The bytes of the database's free pages, which SQLite fills before it grows the file.
    static func reusableBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
        return pages * pageSize
    }

    /// Reads every live queue.
    public func loadQueues() async throws -> [QueueRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: Self.selectQueues).map(Self.queueRecord)
        }
    }

    /// Creates a queue with a fresh message space, honouring recent deletions.
    public func createQueue(
        name: String, settings: QueueSettings, tags: [String: String], now: Int64, deletedAfter: Int64, spaceKey: [UInt8]
    ) async throws -> QueueCreation {
        let settingsJSON = try Self.json(settings)
        let tagsJSON = try Self.json(tags)
        return try await writer.perform { db in
            if let row = try Row.fetchOne(db, sql: Self.selectQueues + " WHERE queues.name = ?", arguments: [name]) {
                return .exists(try Self.queueRecord(row))
            }
            let deletedRecently = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM queue_tombstones WHERE name = ? AND deleted_at > ?", arguments: [name, deletedAfter]) ?? false
            if deletedRecently { return .deletedRecently }
            try db.execute(sql: "INSERT INTO message_spaces (retired_at, space_key) VALUES (NULL, ?)", arguments: [Data(spaceKey)])
            let space = db.lastInsertedRowID
            try db.execute(
                sql: """
                    INSERT INTO queues (name, settings, tags, created_at, last_modified_at, message_space, version)
                    VALUES (?, ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [name, settingsJSON, tagsJSON, now, now, space])
            return .created(
                QueueRecord(
                    id: db.lastInsertedRowID, name: name, settings: settings, tags: tags, createdAt: now,
                    lastModifiedAt: now, messageSpace: space, lastPurgeAt: nil, version: 1, spaceKey: spaceKey))
        }
    }

    /// Rewrites a queue's settings and tags, bumping its version.
    public func updateQueue(
        id: Int64, settings: QueueSettings, tags: [String: String], now: Int64, retimedDelayMilliseconds: Int64?
    ) async throws -> QueueRecord? {
        let settingsJSON = try Self.json(settings)
        let tagsJSON = try Self.json(tags)
        return try await writer.perform { db in
            try db.execute(
                sql: "UPDATE queues SET settings = ?, tags = ?, last_modified_at = ?, version = version + 1 WHERE id = ?",
                arguments: [settingsJSON, tagsJSON, now, id])
            if let delay = retimedDelayMilliseconds {
                try db.execute(
                    sql: """
                        UPDATE messages SET visible_at = sent_at + ?
                        WHERE space = (SELECT message_space FROM queues WHERE id = ?) AND receive_count = 0
                        """,
                    arguments: [delay, id])
            }
            return try Row.fetchOne(db, sql: Self.selectQueues + " WHERE queues.id = ?", arguments: [id]).map(Self.queueRecord)
        }
    }

    /// Stores the key of a queue's current message space, bumping the queue's version.
    public func assignSpaceKey(queueId: Int64, key: [UInt8]) async throws -> QueueRecord? {
        try await writer.perform { db in
            try db.execute(
                sql: "UPDATE message_spaces SET space_key = ? WHERE id = (SELECT message_space FROM queues WHERE id = ?)",
                arguments: [Data(key), queueId])
            try db.execute(sql: "UPDATE queues SET version = version + 1 WHERE id = ?", arguments: [queueId])
            return try Row.fetchOne(db, sql: Self.selectQueues + " WHERE queues.id = ?", arguments: [queueId]).map(Self.queueRecord)
        }
    }

    /// Deletes a queue, retires its message space and remembers the name for 60 seconds.
    public func deleteQueue(id: Int64, now: Int64) async throws -> Bool {
        let space: Int64? = try await writer.perform { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT name, message_space FROM queues WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let space: Int64 = row["message_space"]
            try db.execute(sql: "DELETE FROM queues WHERE id = ?", arguments: [id])
            try db.execute(sql: "UPDATE message_spaces SET retired_at = ?, space_key = NULL WHERE id = ?", arguments: [now, space])
            try db.execute(
                sql: "INSERT OR REPLACE INTO queue_tombstones (name, deleted_at) VALUES (?, ?)",
                arguments: [row["name"] as String, now])
            return space
        }
        guard let space else { return false }
        totals.withLock { _ = $0.removeValue(forKey: space) }
        checkpointer?.requestTruncation()
        return true
    }

    /// Gives a queue a fresh message space and retires the old one, destroying its key.
    public func purgeQueue(id: Int64, now: Int64, spaceKey: [UInt8], notPurgedSince: Int64) async throws -> PurgeOutcome? {
        let result: Result<(QueueRecord, Int64), PurgeRefusal>? = try await writer.perform { db in
            guard let current = try Row.fetchOne(db, sql: "SELECT message_space, last_purge_at FROM queues WHERE id = ?", arguments: [id])
            else { return nil }
            if let last = current["last_purge_at"] as Int64?, last >= notPurgedSince { return .failure(PurgeRefusal(at: last)) }
            let old: Int64 = current["message_space"]
            try db.execute(sql: "UPDATE message_spaces SET retired_at = ?, space_key = NULL WHERE id = ?", arguments: [now, old])
            try db.execute(sql: "INSERT INTO message_spaces (retired_at, space_key) VALUES (NULL, ?)", arguments: [Data(spaceKey)])
            try db.execute(
                sql: "UPDATE queues SET message_space = ?, last_purge_at = ?, version = version + 1 WHERE id = ?",
                arguments: [db.lastInsertedRowID, now, id])
            guard let row = try Row.fetchOne(db, sql: Self.selectQueues + " WHERE queues.id = ?", arguments: [id]) else { return nil }
            return .success((try Self.queueRecord(row), old))
        }
        switch result {
        case nil: return nil
        case .failure(let refusal)?: return .purgedRecently(at: refusal.at)
        case .success(let (record, oldSpace))?:
            totals.withLock { _ = $0.removeValue(forKey: oldSpace) }
            checkpointer?.requestTruncation()
            return .purged(record)
        }
    }

    /// A purge refused inside its transaction: the queue was purged at `at`.
    private struct PurgeRefusal: Error {
        var at: Int64
    }

    /// Queues with the key of their current message space.
    static let selectQueues = """
        SELECT queues.*, message_spaces.space_key FROM queues JOIN message_spaces ON message_spaces.id = queues.message_space
        """

    static func queueRecord(_ row: Row) throws -> QueueRecord {
        let decoder = JSONDecoder()
        return QueueRecord(
            id: row["id"], name: row["name"],
            settings: try decoder.decode(QueueSettings.self, from: Data((row["settings"] as String).utf8)),
            tags: try decoder.decode([String: String].self, from: Data((row["tags"] as String).utf8)),
            createdAt: row["created_at"], lastModifiedAt: row["last_modified_at"], messageSpace: row["message_space"],
            lastPurgeAt: row["last_purge_at"], version: row["version"], spaceKey: (row["space_key"] as Data?).map { [UInt8]($0) })
    }

    /// `value` as JSON text with sorted keys, as records are stored.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension SQLiteMessageStore {
    /// The live queues in the database file at `path`, read without writing and without
    /// migrating, for offline tools such as `sealq policy who-can` (safe while the daemon runs).
    public static func readQueues(path: String) throws -> [QueueRecord] {
        try ReadOnlyDatabase.read(path) { db in try Row.fetchAll(db, sql: "SELECT * FROM queues").map(queueRecord) }
    }
}
