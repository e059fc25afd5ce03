import ArgumentParser
import Foundation
import Principals
import SealQServer
import Storage

/// `sealq storage`: maintenance of the database file.
struct StorageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage", abstract: "Maintain the database file.", subcommands: [Backup.self, Compact.self])

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Copy the data directory into a new directory while the daemon runs.",
            discussion: """
                The database is copied as a consistent snapshot of one moment (a plain copy of a live \
                database and its write-ahead log is not one), after the other files of the data directory \
                (secret files, the audit checkpoint, the principals' access keys under their lock, \
                audit-archive/), so a daemon started on the backup finds everything they name and \
                `sealq audit verify` passes on it. The database's free pages are left out. Not included: \
                the root key (a passphrase, or a key file kept outside the data directory), keys/ and \
                policies/: keep them yourself. The backup holds working credentials (admin-credentials): \
                keep it as you keep the admin's keys. To restore, stop the daemon and put the backup in \
                the data directory's place.
                """)

        @OptionGroup var data: DataDirectoryOption
        @Option(name: .customLong("to"), help: "The new directory to write (must not exist, or be empty).")
        var target: String

        func run() throws {
            // It reads every secret file of the data directory.
            try ProcessSecrets.protectMemory()
            let directory = try data.setUp()
            try SecretFiles.requireOwnDirectory(directory)
            let report = try DataDirectoryBackup.backup(dataDirectory: directory, to: target)
            print(
                "Backed up \(directory) into \(target): the database (\(DatabaseCopy.mebibytes(report.databaseBytes)), a snapshot of one moment) and \(report.files) other files."
            )
        }
    }

    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compact",
            abstract: "Return the database's free pages to the disk (the daemon must be stopped).",
            discussion: """
                SQLite reuses the pages a drained backlog freed but never gives them back, so after a spike \
                DATA/sealq.sqlite keeps its peak size (/metrics counts the free pages in \
                sealq_storage_room_bytes; the daemon's start says when they are many). This command copies \
                the live pages into a new file beside it, flushes it and renames it over the old one, so a \
                crash leaves one or the other. It needs free disk space for the copy, refuses while the \
                daemon or any other process (an sqlite3 shell, sealq audit) has the database open, and \
                changes nothing the daemon, the audit log or receipt handles rely on.
                """)

        @OptionGroup var data: DataDirectoryOption

        /// The data directory is locked: a daemon (or another tool) is using it.
        struct DaemonRunning: Error, CustomStringConvertible {
            var description: String
        }

        func run() throws {
            let directory = try data.setUp()
            try SecretFiles.requireOwnDirectory(directory)
            let lock: DataDirectoryLock
            do { lock = try DataDirectoryLock(dataDirectory: directory) } catch {
                throw DaemonRunning(description: "\(error): stop the daemon on \(directory) first")
            }
            let path = directory + "/sealq.sqlite"
            let report = try DatabaseCopy.compact(path: path)
            withExtendedLifetime(lock) {}
            let returned = max(0, report.bytesBefore - report.bytesAfter)
            print(
                "Compacted \(path): \(DatabaseCopy.mebibytes(report.bytesBefore)) → \(DatabaseCopy.mebibytes(report.bytesAfter)) (\(DatabaseCopy.mebibytes(returned)) returned to the disk)."
            )
        }
    }
}
