import Foundation
import SealCrypto
import Synchronization

/// Envelope encryption of queue payloads with data keys from the key service, as SQS uses KMS:
/// a data key per queue, caller and KMS key, generated with the encryption context
/// `{"aws:sqs:arn": QUEUE_ARN}` and reused for the reuse period (and at most
/// `maximumMessagesPerDataKey` messages); each message gets its own subkey derived (HKDF-SHA256)
/// from the data key and the message id, is sealed with AES-256-GCM, and carries a key
/// commitment. The queue ARN, the message id and any extra binding (FIFO group and
/// deduplication ids) are authenticated, so a ciphertext moved to another message or queue
/// fails to open.
///
/// Sealed layout (format 1): `0x45 0x01`, the data key's ciphertext blob (2-byte big-endian
/// length, then the blob), the 12-byte nonce, the 32-byte commitment, then ciphertext and tag.
public final class EnvelopeSealer: Sendable {
    /// One queue's encryption settings.
    public struct Settings: Sendable, Hashable {
        /// The KMS key (id, ARN, alias or alias ARN).
        public var kmsKeyId: String
        /// How long a data key is reused, in seconds (60–86,400).
        public var reusePeriodSeconds: Int64

        /// Settings as given.
        public init(kmsKeyId: String, reusePeriodSeconds: Int64) {
            self.kmsKeyId = kmsKeyId
            self.reusePeriodSeconds = reusePeriodSeconds
        }
    }

    /// Key-service calls made so far, for tests and figures.
    public struct Usage: Sendable, Equatable {
        /// GenerateDataKey calls.
        public var generateDataKey = 0
        /// Decrypt calls.
        public var decrypt = 0
    }

    private struct EncryptKey {
        var plaintext: SecretBytes
        var blob: [UInt8]
        var expiresAt: Int64
        var uses: Int
    }

    private struct DecryptKey {
        var plaintext: SecretBytes
        var expiresAt: Int64
    }

    private static let marker: [UInt8] = [0x45, 0x01]
    private static let commitmentLength = 32
    private static let subkeyInfo = Array("sealq sqs message key v1".utf8)
    private static let commitmentInfo = Array("sealq sqs message key commitment v1".utf8)

    let keys: KeyService
    /// A data key seals at most this many messages, however short its reuse period.
    public let maximumMessagesPerDataKey: Int
    private let encryptCache = Mutex<[String: EncryptKey]>([:])
    private let decryptCache = Mutex<[String: DecryptKey]>([:])
    private let usage = Mutex(Usage())

    /// A sealer over `keys`.
    public init(keys: KeyService, maximumMessagesPerDataKey: Int = 100_000) {
        self.keys = keys
        self.maximumMessagesPerDataKey = maximumMessagesPerDataKey
    }

    /// The key-service calls made so far.
    public var callCount: Usage { usage.withLock { $0 } }

    /// Seals `plaintext` for the message `messageId` of `queueArn`, for `caller`.
    public func seal(
        _ plaintext: [UInt8], queueArn: String, messageId: String, binding: [String] = [], settings: Settings, caller: String
    ) throws(KeyServiceError) -> [UInt8] {
        let (dataKey, blob) = try encryptionKey(queueArn: queueArn, settings: settings, caller: caller)
        let (subkey, commitment) = Self.subkey(dataKey, messageId: messageId)
        let nonce = SecureRandom.bytes(AEAD.aes256GCM.nonceLength)
        let associated = Self.associatedData(queueArn: queueArn, messageId: messageId, binding: binding, blob: blob)
        let sealed = AEAD.aes256GCM.seal(plaintext, key: subkey, nonce: nonce, associatedData: associated)
        var output = Self.marker
        output += [UInt8(blob.count >> 8), UInt8(blob.count & 0xFF)] + blob + nonce + commitment + sealed
        return output
    }

    /// Opens what `seal` made for the same queue, message and binding; any change is
    /// InvalidCiphertextException.
    public func open(
        _ sealed: [UInt8], queueArn: String, messageId: String, binding: [String] = [], caller: String, reusePeriodSeconds: Int64 = 300
    ) throws(KeyServiceError) -> [UInt8] {
        guard sealed.count > 4, Array(sealed.prefix(2)) == Self.marker else { throw .invalidCiphertext }
        let blobLength = Int(sealed[2]) << 8 | Int(sealed[3])
        let nonceStart = 4 + blobLength
        let commitmentStart = nonceStart + AEAD.aes256GCM.nonceLength
        let bodyStart = commitmentStart + Self.commitmentLength
        guard sealed.count >= bodyStart + AEAD.aes256GCM.tagLength else { throw .invalidCiphertext }
        let blob = Array(sealed[4..<nonceStart])
        let dataKey = try decryptionKey(blob: blob, queueArn: queueArn, caller: caller, reusePeriodSeconds: reusePeriodSeconds)
        let (subkey, commitment) = Self.subkey(dataKey, messageId: messageId)
        guard HMAC.constantTimeEquals(commitment, Array(sealed[commitmentStart..<bodyStart])) else { throw .invalidCiphertext }
        let associated = Self.associatedData(queueArn: queueArn, messageId: messageId, binding: binding, blob: blob)
        do {
            return try AEAD.aes256GCM.open(
                Array(sealed[bodyStart...]), key: subkey, nonce: Array(sealed[nonceStart..<commitmentStart]), associatedData: associated)
        } catch {
            throw .invalidCiphertext
        }
    }

    /// Forgets every cached data key of `queueArn` (queue deleted or purged), so what it sealed
    /// needs the key service again.
    public func forget(queueArn: String) {
        encryptCache.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(queueArn + "|") } }
        decryptCache.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(queueArn + "|") } }
    }

    private func encryptionKey(queueArn: String, settings: Settings, caller: String) throws(KeyServiceError) -> (SecretBytes, [UInt8]) {
        let name = "\(queueArn)|\(caller)|\(settings.kmsKeyId)"
        let now = keys.now()
        let cached = encryptCache.withLock { cache -> (SecretBytes, [UInt8])? in
            guard var entry = cache[name], entry.expiresAt > now, entry.uses < maximumMessagesPerDataKey else { return nil }
            entry.uses += 1
            cache[name] = entry
            return (entry.plaintext, entry.blob)
        }
        if let cached { return cached }
        let (sealed, plaintext) = try keys.generateDataKey(settings.kmsKeyId, count: 32, context: ["aws:sqs:arn": queueArn])
        usage.withLock { $0.generateDataKey += 1 }
        let dataKey = SecretBytes(copying: plaintext)
        encryptCache.withLock {
            $0[name] = EncryptKey(plaintext: dataKey, blob: sealed.ciphertextBlob, expiresAt: now + settings.reusePeriodSeconds, uses: 1)
        }
        decryptCache.withLock {
            $0["\(queueArn)|\(caller)|\(Hex.encode(Digest.sha256(sealed.ciphertextBlob)))"] =
                DecryptKey(plaintext: dataKey, expiresAt: now + settings.reusePeriodSeconds)
        }
        return (dataKey, sealed.ciphertextBlob)
    }

    private func decryptionKey(
        blob: [UInt8], queueArn: String, caller: String, reusePeriodSeconds: Int64
    ) throws(KeyServiceError) -> SecretBytes {
        let name = "\(queueArn)|\(caller)|\(Hex.encode(Digest.sha256(blob)))"
        let now = keys.now()
        if let cached = decryptCache.withLock({ cache -> SecretBytes? in
            guard let entry = cache[name], entry.expiresAt > now else { return nil }
            return entry.plaintext
        }) {
            return cached
        }
        let opened = try keys.decrypt(blob, identifier: nil, context: ["aws:sqs:arn": queueArn])
        usage.withLock { $0.decrypt += 1 }
        let dataKey = SecretBytes(copying: opened.plaintext)
        decryptCache.withLock { $0[name] = DecryptKey(plaintext: dataKey, expiresAt: now + reusePeriodSeconds) }
        return dataKey
    }

    /// The message's AES-256-GCM key and its commitment, both from HKDF over the data key.
    private static func subkey(_ dataKey: SecretBytes, messageId: String) -> (SecretBytes, [UInt8]) {
        let salt = Array(messageId.utf8)
        let key = HKDF.deriveKey(inputKeyMaterial: dataKey, salt: salt, info: subkeyInfo, count: 32)
        let commitment = HKDF.deriveKey(inputKeyMaterial: dataKey, salt: salt, info: commitmentInfo, count: commitmentLength)
        return (key, commitment.withUnsafeBytes { Array($0) })
    }

    /// Length-prefixed queue ARN, message id, bindings and the data key blob.
    private static func associatedData(queueArn: String, messageId: String, binding: [String], blob: [UInt8]) -> [UInt8] {
        var output = Array("sealq sqs v1".utf8)
        for part in [Array(queueArn.utf8), Array(messageId.utf8)] + binding.map { Array($0.utf8) } + [blob] {
            let count = UInt32(part.count)
            output += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)] + part
        }
        return output
    }
}
