import ArgumentParser
import Foundation
import SealQServer
import Storage

/// `sealq storage`: maintenance of the database file.
struct StorageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage", abstract: "Maintain the database file.", subcommands: [Compact.self])

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
            let lock: DataDirectoryLock
            do { lock = try DataDirectoryLock(dataDirectory: directory) } catch {
                throw DaemonRunning(description: "\(error): stop the daemon on \(directory) first")
            }
            let path = directory + "/sealq.sqlite"
            let report = try DatabaseCompaction.compact(path: path)
            withExtendedLifetime(lock) {}
            let returned = max(0, report.bytesBefore - report.bytesAfter)
            print(
                "Compacted \(path): \(DatabaseCompaction.mebibytes(report.bytesBefore)) → \(DatabaseCompaction.mebibytes(report.bytesAfter)) (\(DatabaseCompaction.mebibytes(returned)) returned to the disk)."
            )
        }
    }
}
