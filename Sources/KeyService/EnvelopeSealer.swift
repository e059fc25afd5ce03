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
    }

    /// Key-service calls made so far, for tests and figures.
    public struct Usage: Sendable, Equatable {
        /// GenerateDataKey calls (one per data key a sender obtains).
        public var generateDataKey = 0
        /// Decrypt calls: one with each GenerateDataKey, and one per data key a reader opens.
        public var decrypt = 0
    }

    /// A cached data key. Its mutable fields change only under the lock of the cache holding it.
    private final class CachedKey: @unchecked Sendable {
        let plaintext: SecretBytes
        let blob: [UInt8]
        /// The KMS key's revision when the data key was obtained: any change drops the entry.
        let keyRevision: Int
        let expiresAt: Int64
        /// Under the queue service's own key (SSE-SQS): fetching it again costs no KMS call.
        let isQueueServiceKey: Bool
        var uses: Int
        /// The key service's keyring version when the entry was last checked against it.
        var keyringVersion: Int
        /// What messages are derived from in the space last used, and that space's key.
        var derivation: DerivationKey?
        var spaceTag = BlobTag([])

        init(
            plaintext: SecretBytes, blob: [UInt8], under key: ManagedKey, expiresAt: Int64, uses: Int, keyringVersion: Int
        ) {
            self.plaintext = plaintext
            self.blob = blob
            self.keyRevision = key.revision
            self.isQueueServiceKey = key.isOwnedByQueueService
            self.expiresAt = expiresAt
            self.uses = uses
            self.keyringVersion = keyringVersion
        }

        /// The derivation for the space `tag` names, if already made (call under the lock).
        func derivation(for tag: BlobTag) -> DerivationKey? {
            spaceTag == tag ? derivation : nil
        }
    }

    /// A short name for a wrapped key: its blob's 16-byte authentication tag, unique per key.
    private struct BlobTag: Hashable {
        var high: UInt64
        var low: UInt64

        init(_ blob: some Collection<UInt8>) {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (index, byte) in blob.suffix(16).enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self.high = high
            self.low = low
        }
    }

    /// Names a cached key: its queue, the caller (or none), and which key: the identifier the
    /// queue names its KMS key by (encryption), or the tag of a data key's or space key's blob.
    private struct CacheName: Hashable {
        var queueArn: String
        var caller: String
        var identifier: String = ""
        var tag = BlobTag([])
    }

    /// What a message's key is derived from: the data key's blob and the HKDF pseudorandom key
    /// of the data key and the message space, and the associated data's common start.
    private struct DerivationKey: Sendable {
        var blob: [UInt8]
        var pseudorandomKey: HMACSHA256Key
        var associatedPrefix: [UInt8]
    }

    private static let marker: [UInt8] = [0x45, 0x01]
    /// The length of the key commitment stored beside each ciphertext.
    static let commitmentLength = 32

    let keys: KeyService
    /// A data key seals at most this many messages, however long its reuse period.
    public let maximumMessagesPerDataKey: Int
    private let authorize: @Sendable (KeyUse) throws(KeyServiceError) -> Void
    let record: @Sendable (KeyUse) -> Void
    /// Held while a data key is fetched from the key service, so concurrent callers that all
    /// missed the cache wait for the one fetch instead of each making their own.
    private let fetching = Mutex<Void>(())
    private let encryptCache = Mutex<[CacheName: CachedKey]>([:])
    private let decryptCache = Mutex<[CacheName: CachedKey]>([:])
    private let spaceKeys = Mutex<[CacheName: (key: SecretBytes, lastUsed: Int64)]>([:])
    private let usage = Mutex(Usage())
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
        var sealed = Data(count: headerCount + plaintext.count + AEAD.aes256GCM.tagLength)
        sealed.withUnsafeMutableBytes { output in
            write(plaintext, sealedUnder: dataKey, messageId: messageId, associatedData: associated, into: output)
        }
        return sealed
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

    /// Forgets every cached data key and space key of `queueArn`.
    public func forget(queueArn: String) {
        encryptCache.withLock { cache in cache = cache.filter { $0.key.queueArn != queueArn } }
        decryptCache.withLock { cache in cache = cache.filter { $0.key.queueArn != queueArn } }
        spaceKeys.withLock { cache in cache = cache.filter { $0.key.queueArn != queueArn } }
    }

    /// Drops the data keys past their reuse period and the space keys unused for
    /// `spaceKeyIdleSeconds`, so the caches hold the queues in use, not every queue ever used.
    public func forgetIdleKeys() {
        let now = keys.now()
        encryptCache.withLock { cache in cache = cache.filter { $0.value.expiresAt > now } }
        decryptCache.withLock { cache in cache = cache.filter { $0.value.expiresAt > now } }
        spaceKeys.withLock { cache in cache = cache.filter { now - $0.value.lastUsed < Self.spaceKeyIdleSeconds } }
    }

    /// The number of entries in each cache (sealing, opening, space keys), for tests.
    var cachedCounts: (encryption: Int, decryption: Int, space: Int) {
        (encryptCache.withLock { $0.count }, decryptCache.withLock { $0.count }, spaceKeys.withLock { $0.count })
    }

    // MARK: - Data keys

    private func resolve(_ protection: SealingProtection) throws(KeyServiceError) -> ManagedKey {
        switch protection {
        case .queueServiceKey: return try keys.queueServiceKey()
        case .kmsKey(let identifier): return try keys.resolve(identifier)
        }
    }

    /// The data key the next messages of the context's queue are sealed with, and for how many of
    /// the `uses` wanted (at least one): the caller's cached one while it is fresh, not used up
    /// and its KMS key unchanged; else a new one, authorized.
    private func encryptionKey(
        _ protection: SealingProtection, _ context: SealingContext, uses wanted: Int
    ) throws(KeyServiceError) -> (DerivationKey, uses: Int) {
        let identifier: String
        switch protection {
        case .queueServiceKey: identifier = ""
        case .kmsKey(let text): identifier = text
        }
        let name = CacheName(queueArn: context.queueArn, caller: Self.callerName(context.caller), identifier: identifier)
        let now = keys.now()
        let version = keys.keyringVersion
        let space = BlobTag(context.spaceKey)
        if let (entry, uses, ready) = takeUses(wanted, of: name, now: now, space: space, ifKeyringIs: version, orKey: nil) {
            if let ready { return (ready, uses) }
            return (try derivationKey(entry, in: encryptCache, context), uses)
        }
        // The keyring changed since the entry was checked (or there is none): resolve again.
        let key = try resolve(protection)
        let (entry, uses) = try fetching.withLock { _ throws(KeyServiceError) -> (CachedKey, Int) in
            if let (entry, uses, _) = takeUses(wanted, of: name, now: now, space: space, ifKeyringIs: version, orKey: key) {
                return (entry, uses)
            }
            let uses = min(wanted, maximumMessagesPerDataKey)
            return (try generateDataKey(under: key, as: name, uses: uses, now: now, version: version, context), uses)
        }
        if let ready = encryptCache.withLock({ _ in entry.derivation(for: space) }) { return (ready, uses) }
        return (try derivationKey(entry, in: encryptCache, context), uses)
    }

    /// Makes a new data key under `key` for the context's queue and caller (authorized and
    /// recorded as a use on the caller's behalf), counts `uses` messages on it and caches it as `name`.
    private func generateDataKey(
        under key: ManagedKey, as name: CacheName, uses: Int, now: Int64, version: Int, _ context: SealingContext
    ) throws(KeyServiceError) -> CachedKey {
        let encryptionContext = ["aws:sqs:arn": context.queueArn]
        // As on AWS, a send that refreshes its data key calls GenerateDataKey and then Decrypt
        // on it, so a producer needs both permissions.
        let keyUses = ["GenerateDataKey", "Decrypt"].map {
            KeyUse(
                operation: $0, key: key, caller: context.caller, encryptionContext: encryptionContext,
                requestedAs: $0 == "GenerateDataKey" ? name.identifier : nil)
        }
        if !key.isOwnedByQueueService { for use in keyUses { try attempt(use) { () throws(KeyServiceError) in try authorize(use) } } }
        let (sealed, plaintext) = try attempt(keyUses[0]) { () throws(KeyServiceError) in
            try keys.generateDataKey(under: key, count: 32, context: encryptionContext)
        }
        if !key.isOwnedByQueueService {
            usage.withLock {
                $0.generateDataKey += 1
                $0.decrypt += 1
            }
            keyUses.forEach(record)
        }
        let entry = CachedKey(
            plaintext: plaintext, blob: sealed.ciphertextBlob, under: key, expiresAt: now + context.reusePeriodSeconds,
            uses: uses, keyringVersion: version)
        store(entry, as: name, in: encryptCache, now: now)
        return entry
    }

    /// Counts up to `wanted` more messages on the cached data key `name`, as many as it has left,
    /// and returns it with that count (and its derivation for `space`, when made), if it is fresh
    /// and not used up, and either the keyring is still at `version` or its KMS key is `key` at
    /// the same revision (the entry is then marked as checked at `version`).
    private func takeUses(
        _ wanted: Int, of name: CacheName, now: Int64, space: BlobTag, ifKeyringIs version: Int, orKey key: ManagedKey?
    ) -> (CachedKey, uses: Int, DerivationKey?)? {
        encryptCache.withLock { cache -> (CachedKey, uses: Int, DerivationKey?)? in
            guard let entry = cache[name], entry.expiresAt > now, entry.uses < maximumMessagesPerDataKey else { return nil }
            if entry.keyringVersion != version {
                guard let key, CiphertextBlob(parsing: entry.blob)?.keyId == key.keyId, entry.keyRevision == key.revision else {
                    return nil
                }
                entry.keyringVersion = version
            }
            let uses = min(wanted, maximumMessagesPerDataKey - entry.uses)
            entry.uses += uses
            return (entry, uses, entry.derivation(for: space))
        }
    }

    /// The data key a sealed message names by its blob: the caller's cached one while it is
    /// fresh and its KMS key unchanged; else Decrypt, authorized.
    private func decryptionKey(blob named: UnsafeRawBufferPointer, _ context: SealingContext) throws(KeyServiceError) -> DerivationKey {
        let name = CacheName(queueArn: context.queueArn, caller: Self.callerName(context.caller), tag: BlobTag(named))
        let now = keys.now()
        let version = keys.keyringVersion
        let space = BlobTag(context.spaceKey)
        let fresh = decryptCache.withLock { cache -> (CachedKey, DerivationKey?)? in
            guard let entry = cache[name], entry.expiresAt > now, entry.keyringVersion == version, entry.blob.elementsEqual(named) else {
                return nil
            }
            return (entry, entry.derivation(for: space))
        }
        if let (entry, ready) = fresh {
            if let ready { return ready }
            return try derivationKey(entry, in: decryptCache, context)
        }
        let blob = Array(named)
        guard let parsed = CiphertextBlob(parsing: blob) else { throw .invalidCiphertext }
        // A key destroyed since (deletion) is gone for good: what it protected is unreadable.
        guard let key = keys.key(keyId: parsed.keyId) else { throw .notFound(keys.keyArn(parsed.keyId)) }
        let entry = try fetching.withLock { _ throws(KeyServiceError) -> CachedKey in
            try cachedOrDecrypted(blob, parsed: parsed, key: key, as: name, now: now, version: version, context)
        }
        if let ready = decryptCache.withLock({ _ in entry.derivation(for: space) }) { return ready }
        return try derivationKey(entry, in: decryptCache, context)
    }

    /// The cached data key `name` if its KMS key is unchanged, else the blob opened with
    /// Decrypt (authorized and recorded as a use on the caller's behalf) and cached.
    private func cachedOrDecrypted(
        _ blob: [UInt8], parsed: CiphertextBlob, key: ManagedKey, as name: CacheName, now: Int64, version: Int,
        _ context: SealingContext
    ) throws(KeyServiceError) -> CachedKey {
        let checked = decryptCache.withLock { cache -> CachedKey? in
            guard let entry = cache[name], entry.expiresAt > now, entry.keyRevision == key.revision, entry.blob == blob else {
                return nil
            }
            entry.keyringVersion = version
            return entry
        }
        if let checked { return checked }
        let encryptionContext = ["aws:sqs:arn": context.queueArn]
        let use = KeyUse(operation: "Decrypt", key: key, caller: context.caller, encryptionContext: encryptionContext)
        if !key.isOwnedByQueueService { try attempt(use) { () throws(KeyServiceError) in try authorize(use) } }
        let opened = try attempt(use) { () throws(KeyServiceError) in try keys.decrypt(parsed, under: key, context: encryptionContext) }
        if !key.isOwnedByQueueService {
            usage.withLock { $0.decrypt += 1 }
            record(use)
        }
        let entry = CachedKey(
            plaintext: SecretBytes(copying: opened.plaintext), blob: blob, under: key,
            expiresAt: now + context.reusePeriodSeconds, uses: 0, keyringVersion: version)
        store(entry, as: name, in: decryptCache, now: now)
        return entry
    }

    /// Caches `entry`; a full cache first drops its expired entries, then, if still full, a data
    /// key under the queue service's own key (its next fetch costs no KMS call), else any one at
    /// random (senders taking turns over more queues than fit would find none of theirs left if
    /// the oldest went each time).
    private func store(_ entry: CachedKey, as name: CacheName, in cache: borrowing Mutex<[CacheName: CachedKey]>, now: Int64) {
        cache.withLock { cache in
            if cache[name] == nil, cache.count >= cacheCapacity {
                cache = cache.filter { $0.value.expiresAt > now }
                if cache.count >= cacheCapacity,
                    let evicted = cache.first(where: { $0.value.isQueueServiceKey })?.key ?? cache.keys.randomElement()
                {
                    cache[evicted] = nil
                }
            }
            cache[name] = entry
        }
    }

    /// The derivation of a cached data key for the context's message space: made once per data
    /// key and space (the space key unwrapped, HKDF-Extract) and kept with the entry.
    private func derivationKey(
        _ entry: CachedKey, in cache: borrowing Mutex<[CacheName: CachedKey]>, _ context: SealingContext
    ) throws(KeyServiceError) -> DerivationKey {
        let space = BlobTag(context.spaceKey)
        let derivation = DerivationKey(
            blob: entry.blob,
            pseudorandomKey: HMACSHA256Key(key: HKDF.extract(salt: try spaceKey(context), inputKeyMaterial: entry.plaintext)),
            associatedPrefix: Self.associatedPrefix(queueArn: context.queueArn, blob: entry.blob))
        cache.withLock { _ in
            entry.derivation = derivation
            entry.spaceTag = space
        }
        return derivation
    }

    /// The clear key of the message space, unwrapped once per queue and space (needed only when
    /// a data key meets a space for the first time).
    private func spaceKey(_ context: SealingContext) throws(KeyServiceError) -> SecretBytes {
        let name = CacheName(queueArn: context.queueArn, caller: "", tag: BlobTag(context.spaceKey))
        let now = keys.now()
        let cached = spaceKeys.withLock { cache -> SecretBytes? in
            cache[name]?.lastUsed = now
            return cache[name]?.key
        }
        if let cached { return cached }
        let material = try keys.openServiceSecret(context.spaceKey, context: Self.spaceKeyContext(context.queueArn))
        spaceKeys.withLock { cache in
            if cache.count >= cacheCapacity, let idlest = cache.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                cache[idlest.key] = nil
            }
            cache[name] = (material, now)
        }
        return material
    }
}
