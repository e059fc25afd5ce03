import Foundation
import QueueEngine
import SealCrypto
import Synchronization

/// Server-side encryption of queue payloads with data keys from the key service, as SQS uses
/// KMS: the engine's `PayloadSealer`.
///
/// A data key is generated under the queue's KMS key (or, for SSE-SQS, the queue service's own
/// key) with the encryption context `{"aws:sqs:arn": QUEUE_ARN}`, and reused per queue, caller
/// and key for the reuse period and at most `maximumMessagesPerDataKey` messages; readers
/// cache what Decrypt gave them the same way, per caller. Each message gets its own AES-256-GCM
/// key and a key commitment, both from HKDF-SHA256 over the data key, salted with the message
/// space's key and bound to the message id. The queue ARN, the message id, the binding (FIFO
/// group and deduplication ids) and the data key's blob (naming key id and version) are
/// authenticated, so a ciphertext moved to another message, queue or space fails to open.
///
/// Customer keys are used on the caller's behalf: each GenerateDataKey and Decrypt is first
/// put to `authorize` (the key policy, IAM and grants) and then handed to `record`. A cached
/// data key is dropped as soon as its KMS key changes (disabled, deletion scheduled, new
/// policy), so key states reach queues at once.
///
/// Sealed layout (format 1): `0x45 0x01`, the data key's ciphertext blob (2-byte big-endian
/// length, then the blob), the 12-byte nonce, the 32-byte commitment, then ciphertext and tag.
public final class EnvelopeSealer: PayloadSealer {
    /// A use of a KMS key made by the queue service on a caller's behalf.
    public struct KeyUse: Sendable {
        /// `GenerateDataKey` or `Decrypt`.
        public var operation: String
        /// The key used.
        public var key: ManagedKey
        /// On whose behalf.
        public var caller: Caller
        /// The encryption context (`aws:sqs:arn`).
        public var encryptionContext: [String: String]
    }

    /// Key-service calls made so far, for tests and figures.
    public struct Usage: Sendable, Equatable {
        /// GenerateDataKey calls.
        public var generateDataKey = 0
        /// Decrypt calls.
        public var decrypt = 0
    }

    private struct CachedKey {
        var plaintext: SecretBytes
        var blob: [UInt8]
        /// The KMS key's revision when the data key was obtained: any change drops the entry.
        var keyRevision: Int
        var expiresAt: Int64
        var uses: Int
    }

    private static let marker: [UInt8] = [0x45, 0x01]
    private static let commitmentLength = 32
    private static let derivationLabel = Array("sealq sqs message key v1".utf8)
    private static let spaceKeyContext = "sealq:message-space"

    let keys: KeyService
    /// A data key seals at most this many messages, however long its reuse period.
    public let maximumMessagesPerDataKey: Int
    private let authorize: @Sendable (KeyUse) throws(KeyServiceError) -> Void
    private let record: @Sendable (KeyUse) -> Void
    private let encryptCache = Mutex<[String: CachedKey]>([:])
    private let decryptCache = Mutex<[String: CachedKey]>([:])
    private let spaceKeys = Mutex<[String: SecretBytes]>([:])
    private let usage = Mutex(Usage())

    /// A sealer over `keys`. `authorize` decides each use of a customer key on a caller's
    /// behalf (throwing `AccessDeniedException` to refuse), and `record` is told of each use.
    public init(
        keys: KeyService, maximumMessagesPerDataKey: Int = 100_000,
        authorize: @escaping @Sendable (KeyUse) throws(KeyServiceError) -> Void,
        record: @escaping @Sendable (KeyUse) -> Void = { _ in }
    ) {
        self.keys = keys
        self.maximumMessagesPerDataKey = maximumMessagesPerDataKey
        self.authorize = authorize
        self.record = record
    }

    /// The key-service calls made so far on callers' behalf (space keys aside).
    public var callCount: Usage { usage.withLock { $0 } }

    /// A random 32-byte space key sealed under the queue service's own key.
    public func makeSpaceKey(queueArn: String) throws(SQSError) -> [UInt8] {
        try sqsErrors { () throws(KeyServiceError) in
            let key = try keys.queueServiceKey()
            return try keys.encrypt(under: key, plaintext: SecureRandom.bytes(32), context: Self.spaceKeyContext(queueArn)).ciphertextBlob
        }
    }

    /// Seals `payload` for one message.
    public func seal(_ payload: [UInt8], protection: SealingProtection, _ context: SealingContext) throws(SQSError) -> [UInt8] {
        try sqsErrors { () throws(KeyServiceError) in
            let dataKey = try encryptionKey(under: try resolve(protection), context)
            let (subkey, commitment) = try messageKey(dataKey.plaintext, context)
            let nonce = SecureRandom.bytes(AEAD.aes256GCM.nonceLength)
            let associated = Self.associatedData(context, blob: dataKey.blob)
            let sealed = AEAD.aes256GCM.seal(payload, key: subkey, nonce: nonce, associatedData: associated)
            var output = Self.marker
            output.reserveCapacity(4 + dataKey.blob.count + nonce.count + commitment.count + sealed.count)
            output += [UInt8(dataKey.blob.count >> 8), UInt8(dataKey.blob.count & 0xFF)]
            output += dataKey.blob
            output += nonce
            output += commitment
            output += sealed
            return output
        }
    }

    /// Opens what `seal` made for the same message; a changed or moved ciphertext is an
    /// integrity failure (InternalError), a key that cannot be used its Kms* error.
    public func open(_ sealed: [UInt8], _ context: SealingContext) throws(SQSError) -> [UInt8] {
        try sqsErrors { () throws(KeyServiceError) in
            guard sealed.count > 4, sealed[0] == Self.marker[0], sealed[1] == Self.marker[1] else { throw .invalidCiphertext }
            let nonceStart = 4 + (Int(sealed[2]) << 8 | Int(sealed[3]))
            let commitmentStart = nonceStart + AEAD.aes256GCM.nonceLength
            let bodyStart = commitmentStart + Self.commitmentLength
            guard sealed.count >= bodyStart + AEAD.aes256GCM.tagLength else { throw .invalidCiphertext }
            let blob = Array(sealed[4..<nonceStart])
            let dataKey = try decryptionKey(blob: blob, context)
            let (subkey, commitment) = try messageKey(dataKey, context)
            guard HMAC.constantTimeEquals(commitment, sealed[commitmentStart..<bodyStart]) else { throw .invalidCiphertext }
            do {
                return try AEAD.aes256GCM.open(
                    Array(sealed[bodyStart...]), key: subkey, nonce: Array(sealed[nonceStart..<commitmentStart]),
                    associatedData: Self.associatedData(context, blob: blob))
            } catch {
                throw .invalidCiphertext
            }
        }
    }

    /// Forgets every cached data key and space key of `queueArn`.
    public func forget(queueArn: String) {
        let prefix = queueArn + "|"
        encryptCache.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(prefix) } }
        decryptCache.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(prefix) } }
        spaceKeys.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(prefix) } }
    }

    // MARK: - Data keys

    private func resolve(_ protection: SealingProtection) throws(KeyServiceError) -> ManagedKey {
        switch protection {
        case .queueServiceKey: return try keys.queueServiceKey()
        case .kmsKey(let identifier): return try keys.resolve(identifier)
        }
    }

    private func encryptionKey(under key: ManagedKey, _ context: SealingContext) throws(KeyServiceError) -> CachedKey {
        let name = "\(context.queueArn)|\(Self.callerName(context.caller))|\(key.keyId)"
        let now = keys.now()
        let cached = encryptCache.withLock { cache -> CachedKey? in
            guard var entry = cache[name], entry.expiresAt > now, entry.uses < maximumMessagesPerDataKey,
                entry.keyRevision == key.revision
            else { return nil }
            entry.uses += 1
            cache[name] = entry
            return entry
        }
        if let cached { return cached }
        let encryptionContext = ["aws:sqs:arn": context.queueArn]
        let use = KeyUse(operation: "GenerateDataKey", key: key, caller: context.caller, encryptionContext: encryptionContext)
        if !key.isOwnedByQueueService { try authorize(use) }
        let (sealed, plaintext) = try keys.generateDataKey(under: key, count: 32, context: encryptionContext)
        if !key.isOwnedByQueueService {
            usage.withLock { $0.generateDataKey += 1 }
            record(use)
        }
        let entry = CachedKey(
            plaintext: plaintext, blob: sealed.ciphertextBlob, keyRevision: key.revision, expiresAt: now + context.reusePeriodSeconds,
            uses: 1)
        encryptCache.withLock { $0[name] = entry }
        return entry
    }

    private func decryptionKey(blob: [UInt8], _ context: SealingContext) throws(KeyServiceError) -> SecretBytes {
        guard let parsed = CiphertextBlob(parsing: blob) else { throw .invalidCiphertext }
        // A key destroyed since (deletion) is gone for good: what it protected is unreadable.
        guard let key = keys.key(keyId: parsed.keyId) else { throw .notFound(keys.keyArn(parsed.keyId)) }
        let name = "\(context.queueArn)|\(Self.callerName(context.caller))|\(Hex.encode(Digest.sha256(blob)))"
        let now = keys.now()
        if let cached = decryptCache.withLock({ cache -> SecretBytes? in
            guard let entry = cache[name], entry.expiresAt > now, entry.keyRevision == key.revision else { return nil }
            return entry.plaintext
        }) {
            return cached
        }
        let encryptionContext = ["aws:sqs:arn": context.queueArn]
        let use = KeyUse(operation: "Decrypt", key: key, caller: context.caller, encryptionContext: encryptionContext)
        if !key.isOwnedByQueueService { try authorize(use) }
        let opened = try keys.decrypt(parsed, under: key, context: encryptionContext)
        if !key.isOwnedByQueueService {
            usage.withLock { $0.decrypt += 1 }
            record(use)
        }
        let dataKey = SecretBytes(copying: opened.plaintext)
        let entry = CachedKey(
            plaintext: dataKey, blob: blob, keyRevision: key.revision, expiresAt: now + context.reusePeriodSeconds, uses: 0)
        decryptCache.withLock { $0[name] = entry }
        return dataKey
    }

    // MARK: - Message keys

    /// The clear key of the message space, unwrapped once per queue and space.
    private func spaceKey(_ context: SealingContext) throws(KeyServiceError) -> SecretBytes {
        let name = "\(context.queueArn)|\(Hex.encode(Digest.sha256(context.spaceKey)))"
        if let cached = spaceKeys.withLock({ $0[name] }) { return cached }
        guard let parsed = CiphertextBlob(parsing: context.spaceKey), let key = keys.key(keyId: parsed.keyId),
            key.isOwnedByQueueService
        else { throw .invalidCiphertext }
        let opened = try keys.decrypt(parsed, under: key, context: Self.spaceKeyContext(context.queueArn))
        let material = SecretBytes(copying: opened.plaintext)
        spaceKeys.withLock { $0[name] = material }
        return material
    }

    /// The message's AES-256-GCM key and its commitment: HKDF-SHA256 with the space key as
    /// salt, the data key as input, and the message id in the info.
    private func messageKey(_ dataKey: SecretBytes, _ context: SealingContext) throws(KeyServiceError) -> (SecretBytes, [UInt8]) {
        let pseudorandomKey = HKDF.extract(salt: try spaceKey(context), inputKeyMaterial: dataKey)
        var info = Self.derivationLabel
        Self.appendField(Array(context.messageId.utf8), to: &info)
        let output = HKDF.expand(pseudorandomKey: pseudorandomKey, info: info, count: 32 + Self.commitmentLength)
        return output.withUnsafeBytes { bytes in
            (SecretBytes(copying: bytes[0..<32]), Array(bytes[32...]))
        }
    }

    // MARK: - Helpers

    private static func spaceKeyContext(_ queueArn: String) -> [String: String] {
        ["aws:sqs:arn": queueArn, spaceKeyContext: "1"]
    }

    private static func callerName(_ caller: Caller) -> String {
        caller.principalArn ?? "anonymous"
    }

    /// Length-prefixed queue ARN, message id, bindings and the data key blob.
    private static func associatedData(_ context: SealingContext, blob: [UInt8]) -> [UInt8] {
        var output = Array("sealq sqs v1".utf8)
        appendField(Array(context.queueArn.utf8), to: &output)
        appendField(Array(context.messageId.utf8), to: &output)
        for part in context.binding { appendField(Array(part.utf8), to: &output) }
        appendField(blob, to: &output)
        return output
    }

    private static func appendField(_ field: [UInt8], to output: inout [UInt8]) {
        let count = UInt32(field.count)
        output += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
        output += field
    }

    /// Runs `work`, answering key-service failures in SQS's terms.
    private func sqsErrors<T>(_ work: () throws(KeyServiceError) -> T) throws(SQSError) -> T {
        do {
            return try work()
        } catch {
            throw Self.sqsError(error)
        }
    }

    /// The SQS error a key-service failure surfaces as on a queue call.
    static func sqsError(_ error: KeyServiceError) -> SQSError {
        switch error.code {
        case .disabled: return SQSError(.kmsDisabled, error.message)
        case .invalidState: return SQSError(.kmsInvalidState, error.message)
        case .notFound: return SQSError(.kmsNotFound, error.message)
        case .accessDenied: return SQSError(.kmsAccessDenied, error.message)
        case .invalidKeyUsage: return SQSError(.kmsInvalidKeyUsage, error.message)
        case .invalidArn: return SQSError(.kmsNotFound, error.message)
        default: return SQSError(.internalError, "A stored message failed its integrity check and cannot be read.")
        }
    }
}
