import Foundation
import QueueEngine
import SealCrypto
import Synchronization

/// The data keys and space keys an `EnvelopeSealer` caches: fetched from the key service on a
/// caller's behalf (authorized and recorded), reused for the reuse period, bounded in number
/// and dropped when idle.
extension EnvelopeSealer {
    /// A cached data key. Its mutable fields change only under the lock of the cache holding it.
    final class CachedKey: @unchecked Sendable {
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
    struct BlobTag: Hashable {
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
    struct CacheName: Hashable {
        var queueArn: String
        var caller: String
        var identifier: String = ""
        var tag = BlobTag([])
    }

    /// What a message's key is derived from: the data key's blob and the HKDF pseudorandom key
    /// of the data key and the message space, and the associated data's common start.
    struct DerivationKey: Sendable {
        var blob: [UInt8]
        var pseudorandomKey: HMACSHA256Key
        var associatedPrefix: [UInt8]
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

    private func resolve(_ protection: SealingProtection) throws(KeyServiceError) -> ManagedKey {
        switch protection {
        case .queueServiceKey: return try keys.queueServiceKey()
        case .kmsKey(let identifier): return try keys.resolve(identifier)
        }
    }

    /// The data key the next messages of the context's queue are sealed with, and for how many of
    /// the `uses` wanted (at least one): the caller's cached one while it is fresh, not used up
    /// and its KMS key unchanged; else a new one, authorized.
    func encryptionKey(
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
        var keyUses = ["GenerateDataKey", "Decrypt"].map {
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
            for index in keyUses.indices { keyUses[index].keyMaterialId = key.keyMaterialId(version: sealed.keyVersion) }
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
    func decryptionKey(blob named: UnsafeRawBufferPointer, _ context: SealingContext) throws(KeyServiceError) -> DerivationKey {
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
        var use = KeyUse(operation: "Decrypt", key: key, caller: context.caller, encryptionContext: encryptionContext)
        if !key.isOwnedByQueueService { try attempt(use) { () throws(KeyServiceError) in try authorize(use) } }
        let opened = try attempt(use) { () throws(KeyServiceError) in try keys.decrypt(parsed, under: key, context: encryptionContext) }
        if !key.isOwnedByQueueService {
            usage.withLock { $0.decrypt += 1 }
            use.keyMaterialId = key.keyMaterialId(version: opened.keyVersion)
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

    /// The message space's key for deduplication ids, derived once per queue and space and kept
    /// beside the space key (so it leaves the cache with it).
    func deduplicationHashKey(_ context: SealingContext) throws(KeyServiceError) -> HMACSHA256Key {
        let name = CacheName(queueArn: context.queueArn, caller: "", tag: BlobTag(context.spaceKey))
        let material = try spaceKey(context)
        if let cached = spaceKeys.withLock({ $0[name]?.deduplication }) { return cached }
        let derived = HMACSHA256Key(
            key: HKDF.expand(pseudorandomKey: material, info: Self.deduplicationLabel, count: HKDF.pseudorandomKeyLength))
        spaceKeys.withLock { $0[name]?.deduplication = derived }
        return derived
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
            cache[name] = (material, now, nil)
        }
        return material
    }
}
