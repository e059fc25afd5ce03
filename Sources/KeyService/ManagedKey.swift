import Foundation
import SealCrypto

/// A KMS key as the service keeps it: metadata, policy, tags, rotation settings and the
/// versions of its material (wrapped by the root key; never stored in the clear).
public struct ManagedKey: Sendable, Codable {
    /// What the key is for.
    public enum Spec: String, Sendable, Codable {
        /// AES-256-GCM encryption.
        case symmetricDefault = "SYMMETRIC_DEFAULT"
        /// HMAC-SHA-256 MACs.
        case hmac256 = "HMAC_256"

        /// The key usage this spec implies.
        public var usage: String { self == .symmetricDefault ? "ENCRYPT_DECRYPT" : "GENERATE_VERIFY_MAC" }
    }

    /// One version of the key material.
    public struct Version: Sendable, Codable, Equatable {
        /// 1 for the original material, +1 per rotation.
        public var number: Int
        /// When it was made, seconds since the epoch.
        public var createdAt: Int64
        /// `AUTOMATIC`, `ON_DEMAND`, or nil for the original material.
        public var rotationType: String?
        /// The material sealed by the root key, bound to the key id and version.
        public var wrappedMaterial: [UInt8]
    }

    /// The key id (a UUID).
    public var keyId: String
    /// `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    public var arn: String
    /// The owning account.
    public var accountId: String
    /// Free text.
    public var description: String
    /// The key spec.
    public var spec: Spec
    /// Enabled, Disabled or PendingDeletion.
    public var state: KeyState
    /// `CUSTOMER`, `AWS` for `alias/aws/…` keys the service made itself, or
    /// `queueServiceOwnedMarker` for the key behind SSE-SQS.
    public var keyManager: String
    /// Creation time, seconds since the epoch.
    public var createdAt: Int64
    /// When a pending deletion happens, seconds since the epoch.
    public var deletionDate: Int64?
    /// The waiting period of a pending deletion, in days.
    public var pendingWindowDays: Int?
    /// Whether automatic rotation is on.
    public var rotationEnabled: Bool
    /// Days between automatic rotations.
    public var rotationPeriodDays: Int
    /// When the next automatic rotation is due, seconds since the epoch.
    public var nextRotationDate: Int64?
    /// The key policy (JSON text).
    public var policy: String
    /// Tags.
    public var tags: [String: String]
    /// Every version of the material, oldest first; the last encrypts.
    public var versions: [Version]
    /// Bumped by every change, so the store keeps the newest record when saves race.
    public var revision: Int

    /// The `keyManager` of the key the queue service owns for SSE-SQS: like an AWS owned key,
    /// never listed, described or usable through the KMS API.
    public static let queueServiceOwnedMarker = "SEALQ_QUEUE_SERVICE"

    /// Whether this is the queue service's own key.
    public var isOwnedByQueueService: Bool { keyManager == Self.queueServiceOwnedMarker }

    /// The version new ciphertexts use.
    public var currentVersion: Version { versions[versions.count - 1] }

    /// KMS's `KeyMaterialId` of `version`: 64 lowercase hex digits, the SHA-256 of the key id
    /// and version number (names the material without revealing anything of it).
    public func keyMaterialId(version: Int) -> String {
        Hex.encode(Digest.sha256(Array("sealq key material id v1\u{0}\(keyId)\u{0}\(version)".utf8)))
    }

    /// On-demand rotations so far.
    public var onDemandRotations: Int { versions.filter { $0.rotationType == "ON_DEMAND" }.count }
}
