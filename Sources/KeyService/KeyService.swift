import Foundation
import Logging
import SealCrypto
import QueueEngine
import Synchronization

/// The local key service: AWS KMS's keys, aliases, grants and cryptographic operations, with
/// key states enforced, rotation that keeps old ciphertexts readable, and material that exists
/// in the clear only in guarded memory.
///
/// Key material is wrapped by the root key (XChaCha20-Poly1305, bound to key id and version)
/// before it reaches the store; data is sealed with AES-256-GCM. Authorization is not decided
/// here: the request path's authorize stage evaluates key policies, IAM policies and grants
/// (`grants(of:)`) before a call gets this far.
public final class KeyService: Sendable {
    /// Where keys live and how long deletions wait.
    public struct Configuration: Sendable {
        /// The account that owns every key.
        public var accountId: String
        /// The region in key ARNs.
        public var region: String
        /// How many seconds a day of a ScheduleKeyDeletion window lasts: 86,400, fewer only so
        /// that tests can watch a deletion happen.
        public var deletionDaySeconds: Int64

        /// A configuration with real days.
        public init(accountId: String, region: String, deletionDaySeconds: Int64 = 86_400) {
            self.accountId = accountId
            self.region = region
            self.deletionDaySeconds = deletionDaySeconds
        }
    }

    let configuration: Configuration
    let store: any KeyStore
    /// The root key that wraps every version's material (XChaCha20-Poly1305), and during a
    /// root rotation the one it replaces, still good for unwrapping.
    let rootKeys: Mutex<(current: SecretBytes, previous: SecretBytes?)>
    let keyring = Mutex(Keyring())
    /// Grants made before tokens were derived answered CreateGrant with their token secret,
    /// which stays a valid token: the grant id of each such secret, by its SHA-256 (hex), built
    /// at start so that a token is looked up, not searched for. Grants made since never gave
    /// their secret out.
    let grantsBySecretDigest = Mutex<[String: String]>([:])
    /// Serializes the changes to each alias, so memory and the store see them in one order.
    let aliasChanges = NamedSerialLock()
    /// Serializes the changes to each key likewise (see `update`).
    let keyChanges = NamedSerialLock()
    /// Bumped after every change to the keyring (keys, aliases, grants), so users of cached
    /// resolutions (the envelope sealer) know when to look again.
    private let keyringChanges = Atomic<Int>(0)
    /// Unwrapped material of the versions used most recently, in guarded memory.
    let materials = KeyMaterialCache()
    let now: @Sendable () -> Int64
    let logger: Logger

    /// A service over `store`, wrapping material with `rootKey`; `now` gives seconds since the epoch.
    public init(
        configuration: Configuration, store: any KeyStore, rootKey: SecretBytes, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.configuration = configuration
        self.store = store
        self.rootKeys = Mutex((rootKey, nil))
        self.logger = logger
        self.now = now
    }

    /// Loads the keyring and makes sure the AWS-managed key behind `alias/aws/sqs` and the
    /// queue service's own key (SSE-SQS) exist.
    public func start() async throws {
        let loaded = try await store.loadKeyring()
        keyring.withLock { $0 = loaded }
        grantsBySecretDigest.withLock { index in
            for grant in loaded.grants.values { index[KeyGrant.digest(ofSecret: grant.tokenSecret)] = grant.grantId }
        }
        keyringChanged()
        if keyring.withLock({ ring in !ring.keys.values.contains { $0.isOwnedByQueueService } }) {
            _ = try await createKey(
                description: "Owned by the queue service for SSE-SQS", spec: .symmetricDefault, policy: nil, tags: [:],
                keyManager: ManagedKey.queueServiceOwnedMarker)
        }
        if alias(named: KeyAlias.sqsManaged) == nil {
            // A first start stopped between making the key and its alias left the key: it is the one.
            var key = keyring.withLock { ring in ring.keys.values.first { $0.keyManager == "AWS" } }
            if key == nil {
                key = try await createKey(
                    description: "Default key that protects my SQS messages when no other key is defined", spec: .symmetricDefault,
                    policy: nil, tags: [:], keyManager: "AWS")
            }
            try await saveAlias(KeyAlias(name: KeyAlias.sqsManaged, targetKeyId: key!.keyId, createdAt: now(), updatedAt: now()))
        }
        logger.info("key service started", metadata: ["keys.count": "\(keyring.withLock { $0.keys.count })"])
    }

    /// `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    public func keyArn(_ keyId: String) -> String {
        "arn:aws:kms:\(configuration.region):\(configuration.accountId):key/\(keyId)"
    }

    /// `arn:aws:kms:REGION:ACCOUNT:alias/NAME` for `alias/NAME`.
    public func aliasArn(_ name: String) -> String {
        "arn:aws:kms:\(configuration.region):\(configuration.accountId):\(name)"
    }

    /// The policy of an AWS-managed key, as AWS writes it for `aws/sqs`: use only through SQS,
    /// and only reading its metadata directly — so customers can neither use it directly nor
    /// disable, re-tag, delete or re-police it.
    public func awsManagedPolicy() -> String {
        let account = configuration.accountId
        return #"{"Version":"2012-10-17","Id":"auto-sqs-2","Statement":[{"Sid":"Allow access through Simple Queue Service (SQS) for all principals in the account that are authorized to use SQS","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"\#(account)","kms:ViaService":"sqs.\#(configuration.region).amazonaws.com"}}},{"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(account):root"},"Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"}]}"#
    }

    /// The default key policy: the account's IAM policies decide (as AWS's default does).
    public func defaultPolicy() -> String {
        #"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(configuration.accountId):root"},"Action":"kms:*","Resource":"*"}]}"#
    }

    /// The key `identifier` names: a key id, key ARN, `alias/NAME` or alias ARN (aliases only
    /// where `aliases` is true, as AWS allows them only for some operations).
    public func resolve(_ identifier: String, aliases: Bool = true) throws(KeyServiceError) -> ManagedKey {
        let keyPrefix = "arn:aws:kms:\(configuration.region):\(configuration.accountId):key/"
        let aliasPrefix = "arn:aws:kms:\(configuration.region):\(configuration.accountId):"
        var keyId = identifier
        if identifier.hasPrefix("arn:") {
            if identifier.hasPrefix(keyPrefix) {
                keyId = String(identifier.dropFirst(keyPrefix.count))
                // `key/alias/NAME` is no ARN form: an alias ARN has no `key/`.
                guard !keyId.hasPrefix("alias/") else { throw .notFound(identifier) }
            } else if identifier.hasPrefix(aliasPrefix + "alias/") {
                keyId = String(identifier.dropFirst(aliasPrefix.count))
            } else if identifier.hasPrefix("arn:aws:kms:") {
                throw .notFound(identifier)
            } else {
                throw KeyServiceError(.invalidArn, "\(identifier) is not a valid KMS ARN")
            }
        }
        if keyId.hasPrefix("alias/") {
            guard aliases else { throw KeyServiceError(.notFound, "Alias \(keyId) is not valid for this operation") }
            guard let alias = alias(named: keyId), let key = key(keyId: alias.targetKeyId) else {
                throw .aliasNotFound(aliasArn(keyId))
            }
            return key
        }
        guard let key = key(keyId: keyId.lowercased()), !key.isOwnedByQueueService else { throw .notFound(keyArn(keyId)) }
        return key
    }

    /// The key the queue service owns for SSE-SQS (made at start).
    func queueServiceKey() throws(KeyServiceError) -> ManagedKey {
        guard let key = keyring.withLock({ ring in ring.keys.values.first { $0.isOwnedByQueueService } }) else {
            throw KeyServiceError(.notFound, "The queue service key does not exist.")
        }
        return key
    }

    /// How many times the keyring has changed: equal values mean nothing changed in between.
    public var keyringVersion: Int { keyringChanges.load(ordering: .acquiring) }

    /// Records a change to the keyring (call after making it).
    func keyringChanged() {
        keyringChanges.add(1, ordering: .releasing)
    }

    /// The key `keyId`, if it exists (the queue service's own key included).
    func key(keyId: String) -> ManagedKey? {
        keyring.withLock { $0.keys[keyId] }
    }

    /// The alias `name`, if it exists.
    func alias(named name: String) -> KeyAlias? {
        keyring.withLock { $0.aliases[name] }
    }

    /// Persists `key` and then shows it; a newer revision already shown is kept.
    func save(_ key: ManagedKey) async throws {
        try await store.saveKey(key)
        keyring.withLock { ring in
            if let current = ring.keys[key.keyId], current.revision > key.revision { return }
            ring.keys[key.keyId] = key
        }
        keyringChanged()
    }

    /// Applies `change` to the newest record of `keyId`, saves it, and only then shows it: a
    /// change that cannot be stored (a full disk) is not acted on either, then or after a restart.
    /// Changes to one key run one at a time, so none is built on a record another is replacing.
    @discardableResult
    func update(_ keyId: String, _ change: (inout ManagedKey) throws(KeyServiceError) -> Void) async throws -> ManagedKey {
        try await keyChanges.run(keyId) {
            let updated = try keyring.withLock { ring throws(KeyServiceError) -> ManagedKey in
                guard var key = ring.keys[keyId] else { throw .notFound(keyId) }
                try change(&key)
                key.revision += 1
                return key
            }
            try await store.saveKey(updated)
            keyring.withLock { ring in
                if let current = ring.keys[keyId], current.revision >= updated.revision { return }
                ring.keys[keyId] = updated
            }
            keyringChanged()
            return updated
        }
    }

    func saveAlias(_ alias: KeyAlias) async throws {
        try await store.saveAlias(alias)
        keyring.withLock { $0.setAlias(alias) }
        keyringChanged()
    }
}
