import Foundation
import Principals
import Storage

/// A backup of a data directory taken while the daemon runs: a new directory that a daemon can
/// be started on (or that replaces the data directory) as the original stood at one moment.
///
/// A copy of the live files is not that: the database's pages and its write-ahead log change
/// between the reads of a copy. Here the database is a consistent snapshot (`DatabaseCopy`),
/// and every other file is copied before it or after it as what refers to what requires:
/// - before: the newest signed audit checkpoint, so it is never newer than the snapshot's log
///   (`sealq audit verify` takes a newer one for a rollback); the principals' access keys,
///   under their lock, one state of them (a key created after that and before the snapshot
///   reads, after a restore, as created but gone, never as a working key its log does not show);
///   the other secret files, which do not change;
/// - after: `audit-archive/`, since the daemon writes an archive's exports before the database
///   records them, so every export the snapshot names is there (and perhaps the next one).
/// A root key rotation that runs during the backup (its request or its check file changes)
/// fails it: the snapshot could hold keys wrapped by either root key.
///
/// Every file keeps mode 0600 (directories 0700), and each is flushed before the next. A backup
/// that fails removes what it wrote.
public enum DataDirectoryBackup {
    /// What a backup holds.
    public struct Report: Sendable {
        /// Files copied besides the database (secret files, keys, checkpoint, audit archive).
        public var files: Int
        /// The database snapshot's size.
        public var databaseBytes: Int64
    }

    /// The backup cannot be made where asked.
    public struct Refusal: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// Files in the data directory a backup leaves out: the database (snapshotted instead),
    /// its log and index, locks, and compaction's working copy.
    static let skipped: Set<String> = [
        "sealq.sqlite", "sealq.sqlite-wal", "sealq.sqlite-shm", "sealq.sqlite.compacting", "sealq.lock", "access-keys.lock",
    ]

    /// The principals' files, copied under their lock.
    static let accessKeyFiles: Set<String> = ["access-keys.json", "access-keys.key", "access-keys.journal"]

    /// Copied after the snapshot.
    static let archiveDirectory = "audit-archive"

    /// What a root key rotation changes: a backup during one fails.
    static let rotationFiles = ["root-key.check", "root-key.next", "root-key.params"]

    /// Backs `dataDirectory` up into `target`, which must not exist or be an empty directory,
    /// and must not lie inside the data directory.
    public static func backup(dataDirectory: String, to target: String) throws -> Report {
        let database = dataDirectory + "/sealq.sqlite"
        guard FileManager.default.fileExists(atPath: database) else {
            throw Refusal(description: "\(database) does not exist: start the daemon on \(dataDirectory) once first")
        }
        let source = resolved(dataDirectory)
        let destination = resolved(target)
        guard destination != source, !destination.hasPrefix(source == "/" ? "/" : source + "/") else {
            throw Refusal(description: "\(target) is inside the data directory \(dataDirectory): back up somewhere else")
        }
        let existed = FileManager.default.fileExists(atPath: target)
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: target), !existing.isEmpty {
            throw Refusal(description: "\(target) is not empty: back up into a new directory")
        }
        try SecretFiles.ensureDirectory(target, durably: true)
        // Only this user may change what is there while the backup writes it (a link planted
        // at `sealq.sqlite` would take the snapshot elsewhere).
        _ = try SecretFiles.restrictDirectory(target)
        do {
            return try copy(dataDirectory, database: database, into: target)
        } catch {
            // Nothing half made is left holding copies of the secrets.
            if existed {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? [] {
                    try? FileManager.default.removeItem(atPath: target + "/" + name)
                }
            } else {
                try? FileManager.default.removeItem(atPath: target)
            }
            throw error
        }
    }

    private static func copy(_ dataDirectory: String, database: String, into target: String) throws -> Report {
        let rotation = try rotationState(dataDirectory)
        let names = try FileManager.default.contentsOfDirectory(atPath: dataDirectory).filter { !skipped.contains($0) }.sorted()
        var files = 0
        for name in names where !accessKeyFiles.contains(name) && name != archiveDirectory {
            files += try copy(dataDirectory + "/" + name, to: target + "/" + name)
        }
        files += try AccessKeyStore.whileLocked(dataDirectory: dataDirectory) {
            try names.filter(accessKeyFiles.contains).reduce(0) { $0 + (try copy(dataDirectory + "/" + $1, to: target + "/" + $1)) }
        }
        let databaseBytes = try DatabaseCopy.snapshot(of: database, to: target + "/sealq.sqlite")
        files += try copy(dataDirectory + "/" + archiveDirectory, to: target + "/" + archiveDirectory)
        guard try rotationState(dataDirectory) == rotation else {
            throw Refusal(description: "a root key rotation ran during the backup, which may hold keys wrapped by either root key: run it again")
        }
        return Report(files: files, databaseBytes: databaseBytes)
    }

    /// The root key rotation files' contents (nil for each that is missing).
    private static func rotationState(_ dataDirectory: String) throws -> [[UInt8]?] {
        try rotationFiles.map { try SecretFiles.read(dataDirectory + "/" + $0) }
    }

    /// `path` made absolute with the links of its longest existing part resolved (the rest does
    /// not exist yet), to tell whether one path lies inside another.
    private static func resolved(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        return rest.reduce(existing.resolvingSymlinksInPath()) { $0.appendingPathComponent($1) }.path
    }

    /// Copies the file, or the directory with everything in it, at `source` to `destination`
    /// (written whole and flushed, mode 0600; directories 0700) and returns the files copied.
    private static func copy(_ source: String, to destination: String) throws -> Int {
        // Files and directories only: a link, a pipe or a socket in the data directory is none
        // of SealQ's (a pipe would also hold the backup up for good).
        var info = stat()
        guard lstat(source, &info) == 0 else { return 0 }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFDIR else { return 0 }
        guard type == S_IFDIR else {
            guard let bytes = try SecretFiles.read(source) else { return 0 }
            try SecretFiles.write(bytes, to: destination)
            return 1
        }
        try SecretFiles.ensureDirectory(destination, durably: true)
        return try FileManager.default.contentsOfDirectory(atPath: source).sorted().reduce(0) {
            $0 + (try copy(source + "/" + $1, to: destination + "/" + $1))
        }
    }
}
