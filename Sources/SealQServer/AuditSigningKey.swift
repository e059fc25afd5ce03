import Foundation
import KeyService
import Principals
import SealCrypto

/// The Ed25519 key that signs the audit log's checkpoints. Its seed lives in
/// DATA/audit-signing.key sealed under the queue service's own key (so root-key rotations keep
/// it readable and nothing on disk reveals it); its public key is written in hex to
/// DATA/audit-public.key for `sealq audit verify`, which needs nothing else.
enum AuditSigningKey {
    static let context = ["sealq:purpose": "audit-signing-key"]

    /// The signing key of `dataDirectory`, made on first use.
    static func loadOrCreate(dataDirectory: String, keys: KeyService) throws -> Ed25519.SigningKey {
        let sealedPath = dataDirectory + "/audit-signing.key"
        let key: Ed25519.SigningKey
        if let sealed = FileManager.default.contents(atPath: sealedPath) {
            key = Ed25519.SigningKey(seed: try keys.openServiceSecret([UInt8](sealed), context: context))
        } else {
            key = Ed25519.SigningKey()
            try SecretFiles.write(try keys.sealServiceSecret(key.seed, context: context), to: sealedPath)
        }
        try Data((Hex.encode(key.publicKey) + "\n").utf8).write(to: URL(fileURLWithPath: publicKeyPath(dataDirectory)))
        return key
    }

    /// Where the public key is written.
    static func publicKeyPath(_ dataDirectory: String) -> String {
        dataDirectory + "/audit-public.key"
    }
}
