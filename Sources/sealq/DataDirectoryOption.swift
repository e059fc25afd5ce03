import ArgumentParser
import Foundation
import SealQServer

/// The data directory a command works on (`--data-dir`), and what the daemon recorded in it.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory [env: SEALQ_DATA_DIR] (default: ./data).")
    var path: String?

    /// A data directory a tool was pointed at that the daemon never set up.
    struct NotSetUp: Error, CustomStringConvertible {
        /// What is missing, and what to do.
        var description: String
    }

    /// The data directory: flag, then `SEALQ_DATA_DIR`, then `./data`.
    var resolved: String { path ?? ProcessInfo.processInfo.environment["SEALQ_DATA_DIR"] ?? "./data" }

    func validate() throws {
        _ = try Setting.value(path, option: "--data-dir", variable: "SEALQ_DATA_DIR")
    }

    /// Whether the data directory exists (a tool that only reads it need not make it).
    var exists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The data directory, which must exist: a tool that changes what is there never makes a
    /// mistyped one.
    func existing() throws -> String {
        guard exists else { throw NotSetUp(description: "\(resolved) does not exist: start the daemon on \(resolved) once first.") }
        return resolved
    }

    /// The data directory, which must hold the daemon's database: a tool that reads it never
    /// makes a mistyped one, nor answers from an empty one.
    func setUp() throws -> String {
        let database = resolved + "/sealq.sqlite"
        guard FileManager.default.fileExists(atPath: database) else {
            throw NotSetUp(description: "\(database) does not exist: start the daemon on \(resolved) once first.")
        }
        return resolved
    }

    /// The account and region recorded in the data directory, or nil when it has no record (it
    /// was never set up, or by a SealQ from before the record existed).
    func recordedIdentity() throws -> DataDirectoryIdentity.Record? {
        try DataDirectoryIdentity.recorded(in: resolved)
    }
}
