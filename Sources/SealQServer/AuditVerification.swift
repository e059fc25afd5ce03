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
            throw Failure(description: "\(path) does not exist: start the daemon on \(dataDirectory) once first.")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Verifies every event and checkpoint of the log in `dataDirectory` against `publicKeyHex`
    /// (by default the one beside the log; pass one kept elsewhere to trust nothing in the directory).
    public static func verify(dataDirectory: String, publicKeyHex: String? = nil) throws -> AuditLogVerifier.Finding {
        let hex = try publicKeyHex ?? publicKey(dataDirectory: dataDirectory)
        guard let key = Hex.decode(hex), key.count == Ed25519.publicKeyLength else {
            throw Failure(description: "The public key must be \(Ed25519.publicKeyLength) bytes in hex.")
        }
        let path = dataDirectory + "/sealq.sqlite"
        guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "\(path) does not exist.") }
        var verifier: AuditLogVerifier?
        try SQLiteAuditStore.read(
            path: path, checkpoints: { verifier = AuditLogVerifier(checkpoints: $0, publicKey: key, archived: $1) },
            events: { verifier!.add($0) })
        return verifier!.finish()
    }
}
