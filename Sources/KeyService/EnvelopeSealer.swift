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
/// space's key and bound to the message id. The queue ARN, the data key's blob (naming key id
/// and version), the message id and the binding (FIFO group and deduplication ids) are
/// authenticated, so a ciphertext moved to another message, queue or space fails to open.
///
/// Customer keys are used on the caller's behalf: each GenerateDataKey and Decrypt is first
/// put to `authorize` (the key policy, IAM and grants) and then handed to `record`. As on AWS,
/// a sender's data key refresh is a GenerateDataKey and a Decrypt, a reader's a Decrypt. A cached
/// data key is checked again whenever the keyring has changed, and dropped when its KMS key
/// did (disabled, deletion scheduled, new policy, rotated), so key states reach queues at once.
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
        /// How the call named its key, when it named one: the queue's `KmsMasterKeyId` for the
        /// GenerateDataKey of a send (a Decrypt names only its ciphertext).
        public var requestedAs: String? = nil
        /// Why the use failed (`AccessDeniedException`, `DisabledException`, …); nil when it succeeded.
        public var errorCode: String? = nil
        /// The failure's message.
        public var errorMessage: String? = nil
        /// KMS's `KeyMaterialId` of the key material used, when the use succeeded.
        public var keyMaterialId: String? = nil
    }

    /// Key-service calls made so far, for tests and figures.
    public struct Usage: Sendable, Equatable {
        /// GenerateDataKey calls (one per data key a sender obtains).
        public var generateDataKey = 0
        /// Decrypt calls: one with each GenerateDataKey, and one per data key a reader opens.
        public var decrypt = 0
    }

    private static let marker: [UInt8] = [0x45, 0x01]
    /// The length of the key commitment stored beside each ciphertext.
    static let commitmentLength = 32

    let keys: KeyService
    /// A data key seals at most this many messages, however long its reuse period.
    public let maximumMessagesPerDataKey: Int
    let authorize: @Sendable (KeyUse) throws(KeyServiceError) -> Void
    let record: @Sendable (KeyUse) -> Void
    /// Held while a data key is fetched from the key service, so concurrent callers that all
    /// missed the cache wait for the one fetch instead of each making their own.
    let fetching = Mutex<Void>(())
    let encryptCache = Mutex<[CacheName: CachedKey]>([:])
    let decryptCache = Mutex<[CacheName: CachedKey]>([:])
    /// Clear space keys, each with the deduplication-id key derived from it once needed.
    let spaceKeys = Mutex<[CacheName: (key: SecretBytes, lastUsed: Int64, deduplication: HMACSHA256Key?)]>([:])
    let usage = Mutex(Usage())
    /// The most entries each cache (data keys for sealing, for opening, space keys) holds. Each
    /// secret is its own guarded allocation (a few memory mappings, a locked page): unbounded,
    /// thousands of queues in use exhaust the process's mappings. Past it an SSE-SQS data key
    /// makes room first, else one at random (the least recently used space key), and is fetched
    /// again when next needed.
    public let cacheCapacity: Int
    /// Seconds a space key stays cached unused.
    static let spaceKeyIdleSeconds: Int64 = 300

    /// A sealer over `keys`. `authorize` decides each use of a customer key on a caller's
    /// behalf (throwing `AccessDeniedException` to refuse), and `record` is told of each use.
    public init(
        keys: KeyService, maximumMessagesPerDataKey: Int = 100_000, cacheCapacity: Int = 1_024,
        authorize: @escaping @Sendable (KeyUse) throws(KeyServiceError) -> Void,
        record: @escaping @Sendable (KeyUse) -> Void = { _ in }
    ) {
        self.keys = keys
        self.maximumMessagesPerDataKey = maximumMessagesPerDataKey
        self.cacheCapacity = cacheCapacity
        self.authorize = authorize
        self.record = record
    }

    /// The key-service calls made so far on callers' behalf (space keys aside).
    public var callCount: Usage { usage.withLock { $0 } }

    /// A random 32-byte space key sealed under the queue service's own key.
    public func makeSpaceKey(queueArn: String) throws(SQSError) -> [UInt8] {
        try sqsErrors { () throws(KeyServiceError) in
            try keys.sealServiceSecret(SecretBytes(randomCount: 32), context: Self.spaceKeyContext(queueArn))
        }
    }

    /// Seals the payloads of messages one caller sends to one queue together, looking the data
    /// key up once for as many of them as its message bound allows. Each encoding is written
    /// straight into its sealed layout and encrypted there in place, so the only copy of the
    /// plaintext is the one it replaces.
    ///
    /// - Precondition: one context per payload, all of the same queue, space and caller.
    public func seal(_ payloads: [MessagePayload], protection: SealingProtection, _ contexts: [SealingContext]) throws(SQSError) -> [Data] {
        precondition(payloads.count == contexts.count, "one sealing context per payload")
        var sealed: [Data] = []
        sealed.reserveCapacity(payloads.count)
        while sealed.count < payloads.count {
            let next = sealed.count
            let (dataKey, uses) = try sqsErrors { () throws(KeyServiceError) in
                try encryptionKey(protection, contexts[next], uses: payloads.count - next)
            }
            for index in next..<next + uses { sealed.append(Self.seal(payloads[index], under: dataKey, contexts[index])) }
        }
        return sealed
    }

    /// One payload sealed under `dataKey`.
    private static func seal(_ payload: MessagePayload, under dataKey: DerivationKey, _ context: SealingContext) -> Data {
        let associated = associatedData(dataKey.associatedPrefix, context)
        let plaintext = payload.encoding
        let headerCount = 4 + dataKey.blob.count + AEAD.aes256GCM.nonceLength + commitmentLength
        let messageId = context.messageId
        // Every byte is written below, so the buffer is not zeroed first (a copy of the payload's size).
        let count = headerCount + plaintext.count + AEAD.aes256GCM.tagLength
        guard let start = malloc(count) else { fatalError("out of memory sealing a message") }
        write(
            plaintext, sealedUnder: dataKey, messageId: messageId, associatedData: associated,
            into: UnsafeMutableRawBufferPointer(start: start, count: count))
        return Data(bytesNoCopy: start, count: count, deallocator: .free)
    }

    /// Writes the sealed layout of `plaintext` into `output`, which is exactly its size.
    private static func write(
        _ plaintext: MessagePayload.Encoding, sealedUnder dataKey: DerivationKey, messageId: String, associatedData: [UInt8],
        into output: UnsafeMutableRawBufferPointer
    ) {
        let nonceStart = 4 + dataKey.blob.count
        let commitmentStart = nonceStart + AEAD.aes256GCM.nonceLength
        let bodyStart = commitmentStart + commitmentLength
        output[0] = marker[0]
        output[1] = marker[1]
        output[2] = UInt8(dataKey.blob.count >> 8)
        output[3] = UInt8(dataKey.blob.count & 0xFF)
        UnsafeMutableRawBufferPointer(rebasing: output[4..<nonceStart]).copyBytes(from: dataKey.blob)
        let nonce = UnsafeMutableRawBufferPointer(rebasing: output[nonceStart..<commitmentStart])
        SecureRandom.fillWithPublicBytes(nonce)
        let body = UnsafeMutableRawBufferPointer(rebasing: output[bodyStart..<bodyStart + plaintext.count])
        plaintext.write(into: body)
        withMessageKey(dataKey.pseudorandomKey, messageId: messageId) { subkey, commitment in
            UnsafeMutableRawBufferPointer(rebasing: output[commitmentStart..<bodyStart]).copyMemory(from: commitment)
            associatedData.withUnsafeBytes { associatedData in
                AEAD.aes256GCM.seal(
                    UnsafeRawBufferPointer(body), key: subkey, nonce: UnsafeRawBufferPointer(nonce), associatedData: associatedData,
                    into: UnsafeMutableRawBufferPointer(rebasing: output[bodyStart...]))
            }
        }
    }

    /// HMAC-SHA-256 of `deduplicationId` under a key derived (HKDF) from the message space's key,
    /// in hex: what a sealed FIFO queue's deduplication window keeps. A purge (a new space)
    /// starts afresh, as its deduplication history does.
    public func deduplicationKey(of deduplicationId: String, _ context: SealingContext) throws(SQSError) -> String {
        let key = try sqsErrors { () throws(KeyServiceError) in try deduplicationHashKey(context) }
        return Hex.encode(key.authenticationCode(Array(deduplicationId.utf8)))
    }

    /// Opens what `seal` made for the same message; a changed or moved ciphertext is an
    /// integrity failure (InternalError), a key that cannot be used its Kms* error.
    public func open(_ sealed: Data, _ context: SealingContext) throws(SQSError) -> MessagePayload {
        let opened = sealed.withUnsafeBytes { sealed in Result { () throws(KeyServiceError) in try open(sealed, context) } }
        return try sqsErrors { () throws(KeyServiceError) in try opened.get() }
    }

    private func open(_ sealed: UnsafeRawBufferPointer, _ context: SealingContext) throws(KeyServiceError) -> MessagePayload {
        guard sealed.count > 4, sealed[0] == Self.marker[0], sealed[1] == Self.marker[1] else { throw .invalidCiphertext }
        let nonceStart = 4 + (Int(sealed[2]) << 8 | Int(sealed[3]))
        let commitmentStart = nonceStart + AEAD.aes256GCM.nonceLength
        let bodyStart = commitmentStart + Self.commitmentLength
        guard sealed.count >= bodyStart + AEAD.aes256GCM.tagLength else { throw .invalidCiphertext }
        let dataKey = try decryptionKey(blob: UnsafeRawBufferPointer(rebasing: sealed[4..<nonceStart]), context)
        let associated = Self.associatedData(dataKey.associatedPrefix, context)
        let ciphertext = UnsafeRawBufferPointer(rebasing: sealed[bodyStart...])
        let payload = Self.withMessageKey(dataKey.pseudorandomKey, messageId: context.messageId) { subkey, commitment -> MessagePayload? in
            guard HMAC.constantTimeEquals(commitment, UnsafeRawBufferPointer(rebasing: sealed[commitmentStart..<bodyStart])) else {
                return nil
            }
            let count = ciphertext.count - AEAD.aes256GCM.tagLength
            return withUnsafeTemporaryAllocation(byteCount: count, alignment: 16) { plaintext -> MessagePayload? in
                let authentic = associated.withUnsafeBytes { associated in
                    AEAD.aes256GCM.open(
                        ciphertext, key: subkey, nonce: UnsafeRawBufferPointer(rebasing: sealed[nonceStart..<commitmentStart]),
                        associatedData: associated, into: plaintext)
                }
                return authentic ? MessagePayload(decoding: UnsafeRawBufferPointer(plaintext)) : nil
            }
        }
        guard let payload else { throw .invalidCiphertext }
        return payload
    }
}
