import AuditTrail
import Foundation
import Principals

/// DATA/audit-checkpoint.json: the newest signed checkpoint, kept beside the database by the
/// daemon after each one it signs. `sealq audit verify` holds the log to it, so a database put
/// back to an older copy of itself (or stripped of its newest checkpoints and the events they
/// covered) no longer verifies, and a start says so. Whoever can write the whole directory can
/// replace this file too: a copy kept elsewhere (`--checkpoint`) is the stronger pin.
enum AuditCheckpointFile {
    /// Where the file is.
    static func path(_ dataDirectory: String) -> String {
        dataDirectory + "/audit-checkpoint.json"
    }

    /// Replaces the file with `checkpoint`, durably, in `sealq audit checkpoint`'s format.
    static func write(_ checkpoint: Checkpoint, dataDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try SecretFiles.write(Array(try encoder.encode(AuditProofs.SignedRoot(checkpoint))), to: path(dataDirectory))
    }

    /// The checkpoint in the file; nil when there is no file (a directory from before it).
    static func read(dataDirectory: String) throws -> Checkpoint? {
        let path = path(dataDirectory)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let root = try? JSONDecoder().decode(AuditProofs.SignedRoot.self, from: data), let checkpoint = root.checkpoint else {
            throw AuditVerification.Failure(description: "\(path) does not hold a signed checkpoint")
        }
        return checkpoint
    }
}
