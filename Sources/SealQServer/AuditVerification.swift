import AuditTrail
import Foundation
import SealCrypto
import Storage

/// `sealq audit verify` and `sealq audit public-key`: the audit log of a data directory checked
/// offline, with nothing but the log's public key (safe while the daemon runs).
public enum AuditVerification {
    /// A verification that could not run (no log, an unreadable public key).
    public struct Failure: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// The hex public key written beside the log in `dataDirectory`.
    public static func publicKey(dataDirectory: String) throws -> String {
        let path = AuditSigningKey.publicKeyPath(dataDirectory)
        guard let data = FileManager.default.contents(atPath: path) else {
            guard !FileManager.default.fileExists(atPath: path) else { throw Failure(description: "cannot read \(path) (permission denied)") }
            throw Failure(description: "\(path) does not exist: start the daemon on \(dataDirectory) once first.")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Verifies every event and checkpoint of the log in `dataDirectory` against `publicKeyHex`
    /// (by default the one beside the log; pass one kept elsewhere to trust nothing in the directory).
    ///
    /// `trusted` are checkpoints kept outside the directory (`sealq audit checkpoint`): the log
    /// must still lead to each, so one rewritten behind deleted checkpoints is caught; so must the
    /// daemon's own DATA/audit-checkpoint.json, which a database put back to an older copy of
    /// itself no longer reaches. Events no checkpoint covers must date from the last
    /// `unsignedGrace` ms before `now`.
    ///
    /// Events removed by retention must be in the archive export (`archiveDirectory`, by default
    /// DATA/audit-archive), which is verified too: an archive cut the export does not back (a
    /// forged cut that lets the start of the log be deleted, or an export removed) is damage.
    public static func verify(
        dataDirectory: String, publicKeyHex: String? = nil, archiveDirectory: String? = nil, trusted: [Checkpoint] = [],
        now: Int64 = Int64(Date().timeIntervalSince1970 * 1000), unsignedGrace: Int64 = 120_000
    ) throws -> AuditLogVerifier.Finding {
        let hex = try publicKeyHex ?? publicKey(dataDirectory: dataDirectory)
        let key = try decodePublicKey(hex)
        let path = dataDirectory + "/sealq.sqlite"
        guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "\(path) does not exist.") }
        // The daemon's own copy of its newest checkpoint, outside the database, pins it too.
        let kept: [Checkpoint]
        do { kept = try AuditCheckpointFile.read(dataDirectory: dataDirectory).map { [$0] } ?? [] } catch {
            return .damaged(AuditDamage(position: 1, eventID: nil, "\(error)"))
        }
        let trusted = trusted + kept
        var verifier: AuditLogVerifier?
        var archivedSize = 0
        try SQLiteAuditStore.read(
            path: path,
            checkpoints: {
                verifier = AuditLogVerifier(checkpoints: $0 + trusted, publicKey: key, archived: $1)
                archivedSize = $1?.size ?? 0
            },
            events: { verifier!.add($0) })
        let live = verifier!.finish(now: now, unsignedGrace: unsignedGrace)
        guard case .sound = live, archivedSize > 0 else { return live }
        let archive = archiveDirectory ?? dataDirectory + "/audit-archive"
        let missing = AuditDamage(
            position: 1, eventID: nil,
            "events 1–\(archivedSize) are marked archived, but \(archive) does not hold a sound export of them")
        guard FileManager.default.fileExists(atPath: archive) else { return .damaged(missing) }
        switch try AuditExport.verify(directory: archive, publicKeyHex: hex, trusted: trusted.filter { $0.treeSize <= archivedSize }) {
        case .sound(let summary) where summary.events >= Int64(archivedSize): return live
        case .sound: return .damaged(missing)
        case .damaged(let damage): return .damaged(AuditDamage(position: damage.position, eventID: damage.eventID, "the archive: \(damage.reason)"))
        }
    }

    /// The Ed25519 public key in `hex`.
    static func decodePublicKey(_ hex: String) throws -> [UInt8] {
        guard let key = Hex.decode(hex), key.count == Ed25519.publicKeyLength else {
            throw Failure(description: "The public key must be \(Ed25519.publicKeyLength) bytes in hex.")
        }
        return key
    }

    /// Checkpoints kept by an auditor: each file holds one, as `sealq audit checkpoint` prints it.
    public static func trustedCheckpoints(files: [String]) throws -> [Checkpoint] {
        try files.map { file in
            // A checkpoint is a few hundred bytes: a larger file is not one, and is not read whole.
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            guard size <= 1 << 20 else { throw Failure(description: "\(file) is not a checkpoint printed by sealq audit checkpoint (it is \(size) bytes).") }
            guard let data = FileManager.default.contents(atPath: file) else { throw Failure(description: "Cannot read \(file).") }
            guard let root = try? JSONDecoder().decode(AuditProofs.SignedRoot.self, from: data), let checkpoint = root.checkpoint else {
                throw Failure(description: "\(file) is not a checkpoint printed by sealq audit checkpoint.")
            }
            return checkpoint
        }
    }
}
