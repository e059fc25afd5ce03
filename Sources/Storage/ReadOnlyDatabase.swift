import Foundation
import GRDB

/// A database file opened read-only for offline tools (safe while the daemon runs): nothing is
/// written and nothing migrated, so older files read as they are.
enum ReadOnlyDatabase {
    /// Runs `read` on the file at `path`, in one read transaction unless `inTransaction` is
    /// false (a statement that makes its own, such as `VACUUM INTO`); a file made by a newer
    /// SealQ is refused unless `checkSchema` is false.
    static func read<T>(
        _ path: String, checkSchema: Bool = true, inTransaction: Bool = true, _ read: (Database) throws -> T
    ) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        do {
            let database = try DatabaseQueue(path: path, configuration: configuration)
            let body = { (db: Database) throws -> T in
                if checkSchema { try SQLiteMessageStore.NewerSchema.refuse(db) }
                return try read(db)
            }
            return try inTransaction ? database.read(body) : database.inDatabase(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            // SQLite's "unable to open database file" names neither the file nor the cause.
            let reason = !FileManager.default.fileExists(atPath: path) ? "it does not exist"
                : !FileManager.default.isReadableFile(atPath: path) ? "permission denied" : "SQLite cannot open it"
            throw StorageError.cannotOpen(path: path, reason: reason)
        }
    }
}
