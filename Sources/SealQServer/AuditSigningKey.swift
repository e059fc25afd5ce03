import Foundation
import KeyService
import Logging
import Principals
import SealCrypto

/// The Ed25519 key that signs the audit log's checkpoints. Its seed lives in
/// DATA/audit-signing.key sealed under the queue service's own key (so root-key rotations keep
/// it readable and nothing on disk reveals it); its public key is written in hex to
/// DATA/audit-public.key for `sealq audit verify`, which needs nothing else.
enum AuditSigningKey {
    static let context = ["sealq:purpose": "audit-signing-key"]

    /// The key cannot be had: missing although the log was signed before, or damaged.
    struct Unavailable: Error, CustomStringConvertible {
        /// What is wrong, and what to do.
        var description: String
    }

    /// The signing key of `dataDirectory`, made on first use: never again once the log holds
    /// anything (`logHasEvents`: events, checkpoints or an archive), since a new key would make
    /// every earlier checkpoint read as forged, or sign events rewritten behind its back.
    static func loadOrCreate(dataDirectory: String, keys: KeyService, logHasEvents: Bool, logger: Logger) throws -> Ed25519.SigningKey {
        let sealedPath = dataDirectory + "/audit-signing.key"
        let key: Ed25519.SigningKey
        if let sealed = try SecretFiles.read(sealedPath) {
            do {
                key = Ed25519.SigningKey(seed: try keys.openServiceSecret(sealed, context: context))
            } catch {
                throw Unavailable(
                    description: "\(sealedPath) does not open (damaged, or from another data directory): restore it from a backup")
            }
        } else {
            guard !logHasEvents, !FileManager.default.fileExists(atPath: publicKeyPath(dataDirectory)) else {
                throw Unavailable(
                    description: """
                        \(sealedPath) is missing, but the audit log already holds events made under it: restore it from a \
                        backup (a new key would make every earlier checkpoint read as forged, and would sign whatever the log holds)
                        """)
            }
            key = Ed25519.SigningKey()
            try SecretFiles.write(try keys.sealServiceSecret(key.seed, context: context), to: sealedPath)
        }
        let publicKey = Data((Hex.encode(key.publicKey) + "\n").utf8)
        let path = publicKeyPath(dataDirectory)
        let found = FileManager.default.contents(atPath: path)
        if let found,
            Hex.decode(String(decoding: found, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) != key.publicKey
        {
            // Someone put another key there (to vouch for checkpoints they signed, say).
            logger.warning(
                "audit-public.key did not hold the audit log's public key: it is written again; a copy of it kept elsewhere is what verify should trust",
                metadata: ["audit.public_key": "\(Hex.encode(key.publicKey))"])
        }
        if found != publicKey { try SecretFiles.write(Array(publicKey), to: path) }
        return key
    }

    /// Where the public key is written.
    static func publicKeyPath(_ dataDirectory: String) -> String {
        dataDirectory + "/audit-public.key"
    }
}
