import Foundation
import Principals
import Storage

/// A backup of a data directory taken while the daemon runs: a new directory that a daemon can
/// be started on (or that replaces the data directory) as the original stood at one moment.
///
/// A copy of the live files is not that: the database's pages and its write-ahead log change
/// between the reads of a copy. Here the database is a consistent snapshot (`DatabaseCopy`),
/// written after every other file, so nothing the other files refer to is missing from it:
/// - the newest signed audit checkpoint is copied before it, so it is never newer than the
///   snapshot's log (`sealq audit verify` takes a newer one for a rollback);
/// - the principals' access keys are copied under their lock, one state of them; a key created
///   after that and before the snapshot reads, after a restore, as created (its audit record)
///   but gone, never as a working key its log does not show.
///
/// Every file keeps mode 0600 (directories 0700), and each is flushed before the next.
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

    /// Backs `dataDirectory` up into `target`, which must not exist or be an empty directory.
    public static func backup(dataDirectory: String, to target: String) throws -> Report {
        let database = dataDirectory + "/sealq.sqlite"
        guard FileManager.default.fileExists(atPath: database) else {
            throw Refusal(description: "\(database) does not exist: start the daemon on \(dataDirectory) once first")
        }
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: target), !existing.isEmpty {
            throw Refusal(description: "\(target) is not empty: back up into a new directory")
        }
        try SecretFiles.ensureDirectory(target, durably: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: dataDirectory).filter { !skipped.contains($0) }.sorted()
        var files = 0
        for name in names where !accessKeyFiles.contains(name) {
            files += try copy(dataDirectory + "/" + name, to: target + "/" + name)
        }
        files += try AccessKeyStore.whileLocked(dataDirectory: dataDirectory) {
            try names.filter(accessKeyFiles.contains).reduce(0) { $0 + (try copy(dataDirectory + "/" + $1, to: target + "/" + $1)) }
        }
        let databaseBytes = try DatabaseCopy.snapshot(of: database, to: target + "/sealq.sqlite")
        return Report(files: files, databaseBytes: databaseBytes)
    }

    /// Copies the file, or the directory with everything in it, at `source` to `destination`
    /// (written whole and flushed, mode 0600; directories 0700) and returns the files copied.
    private static func copy(_ source: String, to destination: String) throws -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else { return 0 }
        guard isDirectory.boolValue else {
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
