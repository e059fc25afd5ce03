import Foundation
import GRDB

/// Copies of a database file's live pages (`VACUUM INTO`), flushed to disk: a consistent
/// snapshot taken while the daemon runs (`snapshot(of:to:)`, for backups), or a compacted file
/// renamed over the original (`compact(path:)`). Either keeps the rowids that receipt handles
/// and the audit log's positions name (every such table has an INTEGER PRIMARY KEY, and
/// `sqlite_sequence` is copied, so AUTOINCREMENT never reuses a number), and leaves out the
/// free pages.
public enum DatabaseCopy {
    /// Sizes before and after.
    public struct Report: Sendable, Equatable {
        /// The file's bytes before, its write-ahead log included.
        public var bytesBefore: Int64
        /// The file's bytes after.
        public var bytesAfter: Int64
    }

    /// Why the file was left as it was.
    public struct Refusal: Error, CustomStringConvertible {
        /// What is wrong, and what to do.
        public var description: String
    }

    /// The bytes kept free on the disk beyond the copy's own size.
    static let marginBytes: Int64 = 64 << 20

    /// Writes a consistent snapshot of the database at `path` (read as of one moment, while
    /// others go on writing it) to the new file `target`, flushed with its directory, and
    /// returns its size. Throws `Refusal` when `target` exists or the disk lacks room, or the
    /// file's own error; a partial copy is removed.
    public static func snapshot(of path: String, to target: String) throws -> Int64 {
        guard access(target, F_OK) != 0 else { throw Refusal(description: "\(target) already exists") }
        do {
            try ReadOnlyDatabase.read(path, inTransaction: false) { db in
                try checkRoom(db, for: target)
                try db.execute(sql: "VACUUM INTO ?", arguments: [target])
            }
            try flush(target)
            try flush(directory(of: target))
        } catch {
            unlink(target)
            throw error
        }
        return fileBytes(target)
    }

    /// Returns a database file's free pages to the disk. SQLite reuses the pages a drained
    /// backlog freed, but never gives them back (`auto_vacuum` is off: it would cost every
    /// commit a pointer-map page), so after a spike the file keeps its peak size. The live
    /// pages are copied into a new file beside it, flushed, and renamed over the old one: a
    /// crash leaves the old file or the new one.
    ///
    /// Only for a file no process has open: the caller holds the daemon's data-directory lock,
    /// and the file is opened with an exclusive lock, so a reader (an sqlite3 shell, `sealq
    /// audit verify`) makes it refuse rather than lose its view. Throws `Refusal` when another
    /// process has it open, when the disk lacks room for the copy, or when a newer SealQ wrote it.
    public static func compact(path: String) throws -> Report {
        let copyPath = path + ".compacting"
        // A copy left by an interrupted run is incomplete; VACUUM INTO also needs the name free.
        unlink(copyPath)
        let before = fileBytes(path) + fileBytes(path + "-wal")
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
        do {
            let database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in
                try SQLiteMessageStore.NewerSchema.refuse(db)
                // Takes the exclusive lock now (and keeps it): no other process has the file open.
                try db.execute(sql: "BEGIN EXCLUSIVE; COMMIT")
                _ = try db.checkpoint(.truncate)
                try checkRoom(db, for: copyPath)
                try db.execute(sql: "VACUUM INTO ?", arguments: [copyPath])
            }
            try database.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            unlink(copyPath)
            throw Refusal(description: "another process has \(path) open (an sqlite3 shell, a backup, sealq audit): close it first")
        } catch {
            unlink(copyPath)
            throw error
        }
        // The old file's log was emptied and removed on close; one left holding frames would be
        // replayed into the new file.
        guard fileBytes(path + "-wal") == 0 else {
            unlink(copyPath)
            throw Refusal(description: "\(path)-wal still holds changes after closing; start and stop the daemon once, then compact")
        }
        // The copy takes the old file's owner and mode: compacted by root, a database the
        // daemon's own user could no longer write would stop its next start. Through the copy
        // itself, never through a link put in its place.
        try flush(copyPath, ownedLike: path)
        guard rename(copyPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(copyPath)
            throw Refusal(description: "cannot rename \(copyPath) to \(path) (\(reason))")
        }
        unlink(path + "-wal")
        unlink(path + "-shm")
        try flush(directory(of: path))
        return Report(bytesBefore: before, bytesAfter: fileBytes(path))
    }

    /// Throws when the disk that is to hold `target` lacks room for the live pages of `db`
    /// and a margin.
    private static func checkRoom(_ db: Database, for target: String) throws {
        let needed = try SQLiteMessageStore.pageBytes(db) - SQLiteMessageStore.reusableBytes(db) + marginBytes
        if let room = StorageHeadroom.freeBytes(of: directory(of: target)), room < needed {
            throw Refusal(
                description: "the copy needs \(mebibytes(needed)) free on the disk holding \(target), which has \(mebibytes(room)); free some room first")
        }
    }

    /// `bytes` in MiB with one decimal, as the refusal and the command's report say them.
    public static func mebibytes(_ bytes: Int64) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    private static func fileBytes(_ path: String) -> Int64 {
        var status = stat()
        return stat(path, &status) == 0 ? Int64(status.st_size) : 0
    }

    /// The directory holding the file at `path` (`.` for a bare name).
    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Flushes the file or directory at `path` to disk (not through a link); with `ownedLike`,
    /// the file first takes that file's owner and mode.
    private static func flush(_ path: String, ownedLike original: String? = nil) throws {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw Refusal(description: "cannot open \(path) (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var model = stat()
        if let original, stat(original, &model) == 0 {
            _ = fchown(descriptor, model.st_uid, model.st_gid)
            _ = fchmod(descriptor, model.st_mode & 0o777)
        }
        guard fsync(descriptor) == 0 else { throw Refusal(description: "cannot flush \(path) (\(String(cString: strerror(errno))))") }
    }
}
