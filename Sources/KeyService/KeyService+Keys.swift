import Foundation
import QueueEngine
import SealCrypto

/// A new key's id is already a key's: refused as an internal failure, never stored over it.
struct KeyIdInUse: Error, CustomStringConvertible {
    /// The id.
    var keyId: String
    var description: String { "the new key's id \(keyId) is already in use" }
}

extension KeyService {
    /// CreateKey: a new key with fresh material (version 1), the default policy unless one is
    /// given, under `keyId` (a fresh one unless the caller chose it beforehand, to name the key
    /// in the call's audit record).
    public func createKey(
        description: String, spec: ManagedKey.Spec, policy: String?, tags: [String: String], keyManager: String = "CUSTOMER",
        keyId: String = RandomIdentifier.uuid(), answering: (ManagedKey) -> Void = { _ in }
    ) async throws -> ManagedKey {
        // A fresh id is never one in use (the random source failing would otherwise hand out
        // one id twice, and the second key's record would stand in for the first's).
        guard keyring.withLock({ $0.keys[keyId] == nil }) else { throw KeyIdInUse(keyId: keyId) }
        try Self.checkTags(tags)
        try Self.checkTagCase(tags)
        let material = SecretBytes(randomCount: 32)
        let key = ManagedKey(
            keyId: keyId, arn: keyArn(keyId), accountId: configuration.accountId, description: description, spec: spec,
            state: .enabled, keyManager: keyManager, createdAt: now(), deletionDate: nil, pendingWindowDays: nil,
            rotationEnabled: keyManager != "CUSTOMER", rotationPeriodDays: 365,
            nextRotationDate: keyManager != "CUSTOMER" ? now() + 365 * 86_400 : nil,
            policy: policy ?? (keyManager == "AWS" ? awsManagedPolicy() : defaultPolicy()),
            tags: tags, versions: [wrap(material, keyId: keyId, version: 1, rotationType: nil)], revision: 1)
        answering(key)
        try await save(key)
        materials.keep(material, keyId: keyId, version: 1)
        return key
    }

    /// ListKeys: every key, ordered by id, `limit` (1–1,000, default 100) at a time after `marker`.
    public func listKeys(limit: Int?, marker: String?) throws(KeyServiceError) -> (keys: [ManagedKey], nextMarker: String?) {
        let all = keyring.withLock { Array($0.keys.values) }.filter { !$0.isOwnedByQueueService }.sorted { $0.keyId < $1.keyId }
        return try Self.page(all, limit: limit, marker: marker, scope: "keys", position: \.keyId)
    }

    /// EnableKey.
    public func enableKey(_ identifier: String) async throws {
        let key = try resolve(identifier, aliases: false)
        try await update(key.keyId) { key throws(KeyServiceError) in
            guard key.state != .pendingDeletion else { throw .pendingDeletion(key.arn) }
            key.state = .enabled
        }
    }

    /// DisableKey.
    public func disableKey(_ identifier: String) async throws {
        let key = try resolve(identifier, aliases: false)
        try await update(key.keyId) { key throws(KeyServiceError) in
            guard key.state != .pendingDeletion else { throw .pendingDeletion(key.arn) }
            key.state = .disabled
        }
    }

    /// ScheduleKeyDeletion: PendingDeletion for `days` (7–30, default 30).
    public func scheduleKeyDeletion(_ identifier: String, days: Int?) async throws -> ManagedKey {
        let key = try resolve(identifier, aliases: false)
        let window = days ?? 30
        guard (7...30).contains(window) else {
            throw KeyServiceError(
                .validation,
                "1 validation error detected: Value '\(window)' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30 and greater than or equal to 7")
        }
        guard key.keyManager == "CUSTOMER" else {
            throw KeyServiceError(.unsupportedOperation, "\(key.arn) is an AWS managed key and cannot be deleted.")
        }
        return try await update(key.keyId) { key throws(KeyServiceError) in
            guard key.state != .pendingDeletion else { throw .pendingDeletion(key.arn) }
            key.state = .pendingDeletion
            key.pendingWindowDays = window
            key.deletionDate = now() + Int64(window) * configuration.deletionDaySeconds
        }
    }

    /// CancelKeyDeletion: back to Disabled, as AWS does.
    public func cancelKeyDeletion(_ identifier: String) async throws -> ManagedKey {
        let key = try resolve(identifier, aliases: false)
        return try await update(key.keyId) { key throws(KeyServiceError) in
            guard key.state == .pendingDeletion else {
                throw KeyServiceError(.invalidState, "\(key.arn) is not pending deletion.")
            }
            key.state = .disabled
            key.deletionDate = nil
            key.pendingWindowDays = nil
        }
    }

    /// A change the key service makes on its own, which the audit log records as an AWS
    /// service event: a key deleted once its waiting period is over, or rotated automatically.
    public struct DueChange: Sendable {
        /// The change, named as CloudTrail names it.
        public enum Kind: String, Sendable {
            case deleteKey = "DeleteKey"
            case rotateKey = "RotateKey"
        }

        /// What happens.
        public var kind: Kind
        /// The key it happens to.
        public var key: ManagedKey
    }

    /// Destroys keys whose deletion date has passed (material, aliases and grants with them) and
    /// rotates keys whose automatic rotation is due; returns how many keys it changed. Each
    /// change runs inside `around(change, run)`, so the caller can record it with the write.
    public func runDueWork(
        around: (DueChange, () async throws -> Void) async throws -> Void = { _, run in try await run() }
    ) async throws -> Int {
        let current = now()
        let keys = keyring.withLock { Array($0.keys.values) }
        var changed = 0
        for key in keys where key.state == .pendingDeletion && (key.deletionDate ?? .max) <= current {
            // Looked at again under the key's lock: a change that got in since the list was
            // taken (CancelKeyDeletion, say) wins, and one still to come finds the key gone.
            let destroyed = try await keyChanges.run(key.keyId) { () async throws -> Bool in
                guard let latest = keyring.withLock({ $0.keys[key.keyId] }), latest.state == .pendingDeletion,
                    (latest.deletionDate ?? .max) <= current
                else { return false }
                try await around(DueChange(kind: .deleteKey, key: latest)) { try await destroy(latest) }
                return true
            }
            if destroyed { changed += 1 }
        }
        for key in keys where key.state == .enabled && key.rotationEnabled && (key.nextRotationDate ?? .max) <= current {
            try await around(DueChange(kind: .rotateKey, key: key)) { _ = try await rotate(key.keyId, type: "AUTOMATIC") }
            changed += 1
        }
        return changed
    }

    /// Destroys `key`, whose deletion date has passed: its material, aliases and grants.
    private func destroy(_ key: ManagedKey) async throws {
        try await store.destroyKey(key.keyId)
        keyring.withLock { ring in
            ring.keys[key.keyId] = nil
            ring.removeAliases(of: key.keyId)
            ring.grants = ring.grants.filter { $0.value.keyId != key.keyId }
        }
        keyringChanged()
        materials.removeAll(keyId: key.keyId)
        logger.notice("key deleted; its material is destroyed", metadata: ["key.id": "\(key.keyId)"])
    }

    /// EnableKeyRotation with a period of 90–2,560 days (default 365).
    public func enableKeyRotation(_ identifier: String, periodDays: Int?) async throws {
        let key = try resolve(identifier, aliases: false)
        // Without a period, the default (365 days), not the one set before.
        let period = periodDays ?? 365
        try await update(key.keyId) { key throws(KeyServiceError) in
            try key.state.check(.rotation, arn: key.arn)
            try Self.requireSymmetric(key)
            key.rotationEnabled = true
            key.rotationPeriodDays = period
            key.nextRotationDate = now() + Int64(period) * 86_400
        }
    }

    /// DisableKeyRotation.
    public func disableKeyRotation(_ identifier: String) async throws {
        let key = try resolve(identifier, aliases: false)
        try await update(key.keyId) { key throws(KeyServiceError) in
            try key.state.check(.rotation, arn: key.arn)
            try Self.requireSymmetric(key)
            guard key.keyManager == "CUSTOMER" else {
                throw KeyServiceError(.unsupportedOperation, "\(key.arn) is an AWS managed key; its rotation cannot be changed.")
            }
            key.rotationEnabled = false
            key.nextRotationDate = nil
        }
    }

    /// RotateKeyOnDemand: a new version now (at most 25 per key, as AWS allows).
    public func rotateKeyOnDemand(_ identifier: String) async throws -> ManagedKey {
        let key = try resolve(identifier, aliases: false)
        try key.state.check(.rotation, arn: key.arn)
        try Self.requireSymmetric(key)
        return try await rotate(key.keyId, type: "ON_DEMAND")
    }

    /// Adds a version of fresh material; every older version keeps decrypting. An on-demand
    /// rotation past the 25th is refused, checked under the key's lock so calls made at once
    /// cannot pass it together.
    @discardableResult
    func rotate(_ keyId: String, type: String) async throws -> ManagedKey {
        let material = SecretBytes(randomCount: 32)
        let rotated = try await update(keyId) { key throws(KeyServiceError) in
            if type == "ON_DEMAND", key.onDemandRotations >= 25 {
                throw KeyServiceError(.limitExceeded, "\(key.arn) has reached the limit of 25 on-demand rotations.")
            }
            let version = key.versions.count + 1
            key.versions.append(wrap(material, keyId: keyId, version: version, rotationType: type))
            // AWS: "On-demand rotations do not change existing automatic rotation schedules."
            if key.rotationEnabled && type == "AUTOMATIC" { key.nextRotationDate = now() + Int64(key.rotationPeriodDays) * 86_400 }
        }
        materials.keep(material, keyId: keyId, version: rotated.versions.count)
        return rotated
    }

    /// PutKeyPolicy (the policy is validated by the caller's authorize stage first).
    public func putKeyPolicy(_ identifier: String, policy: String) async throws {
        let key = try resolve(identifier, aliases: false)
        try await update(key.keyId) { key in key.policy = policy }
    }

    /// TagResource: at most 50 tags per key.
    public func tagKey(_ identifier: String, tags: [String: String]) async throws {
        let key = try resolve(identifier, aliases: false)
        try await update(key.keyId) { key throws(KeyServiceError) in
            try key.state.check(.management, arn: key.arn)
            var merged = key.tags
            merged.merge(tags) { _, new in new }
            // The request's own tags are checked (a tag an earlier release let in stays usable).
            try Self.checkTags(tags, makingTotal: merged.count)
            try Self.checkTagCase(tags, beside: key.tags)
            key.tags = merged
        }
    }

    /// ListKeyRotations: the key's material versions made by rotations (with `includingFirst`, the
    /// original material too), oldest first, `limit` (default 100) at a time after `marker`.
    public func listKeyRotations(
        _ key: ManagedKey, includingFirst: Bool, limit: Int?, marker: String?
    ) throws(KeyServiceError) -> ([ManagedKey.Version], String?) {
        let listed = includingFirst ? key.versions : key.versions.filter { $0.rotationType != nil }
        // Zero-padded, so that positions sort as the versions do.
        return try Self.page(
            listed, limit: limit, marker: marker, scope: "rotations \(key.keyId) \(includingFirst)",
            position: { String(repeating: "0", count: max(0, 10 - String($0.number).count)) + String($0.number) })
    }

    /// ListResourceTags: the key's tags by key, `limit` (1–50, default 50) at a time after `marker`.
    public func listTags(_ identifier: String, limit: Int?, marker: String?) throws(KeyServiceError) -> ([(key: String, value: String)], String?) {
        let key = try resolve(identifier, aliases: false)
        let all = key.tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        return try Self.page(all, limit: limit, defaultLimit: 50, marker: marker, scope: "tags \(key.keyId)", position: \.key)
    }

    /// UpdateKeyDescription.
    public func updateDescription(_ identifier: String, to description: String) async throws {
        let key = try resolve(identifier, aliases: false)
        try await update(key.keyId) { key throws(KeyServiceError) in
            try key.state.check(.management, arn: key.arn)
            key.description = description
        }
    }

    /// `tags`, making a key's `total` tags (theirs alone when nil): at most 50, none under the
    /// `aws:` prefix AWS reserves, of the characters AWS allows in tags.
    static func checkTags(_ tags: [String: String], makingTotal total: Int? = nil) throws(KeyServiceError) {
        guard (total ?? tags.count) <= 50 else { throw KeyServiceError(.tag, "A key can have at most 50 tags.") }
        if let reserved = tags.keys.first(where: { $0.lowercased().hasPrefix("aws:") }) {
            throw KeyServiceError(.tag, "Tag key \(reserved) uses the aws: prefix, which is reserved for AWS use.")
        }
        if let bad = tags.first(where: { !QueueEngine.isTagText($0.key) || !QueueEngine.isTagText($0.value) }) {
            throw KeyServiceError(
                .tag,
                "Tag \(bad.key): tag keys and values can contain only Unicode letters, digits, white space, and these characters: _ . : / = + - @")
        }
    }

    /// Refuses new tag keys that differ only in case from each other or from `existing` ones
    /// (pairs a key already has from an earlier release are left alone): `aws:ResourceTag`
    /// conditions could not tell them apart.
    static func checkTagCase(_ tags: [String: String], beside existing: [String: String] = [:]) throws(KeyServiceError) {
        if let (first, second) = QueueEngine.caseCollision(in: tags.keys, beside: existing.keys) {
            throw KeyServiceError(
                .tag, "Tag keys \(first) and \(second) differ only in case: policies cannot tell them apart (aws:ResourceTag keys ignore case).")
        }
    }

    /// UntagResource.
    public func untagKey(_ identifier: String, keys tagKeys: [String]) async throws {
        let key = try resolve(identifier, aliases: false)
        try await update(key.keyId) { key throws(KeyServiceError) in
            try key.state.check(.management, arn: key.arn)
            for tagKey in tagKeys { key.tags[tagKey] = nil }
        }
    }

    static func requireSymmetric(_ key: ManagedKey) throws(KeyServiceError) {
        guard key.spec == .symmetricDefault else {
            throw KeyServiceError(.unsupportedOperation, "\(key.arn) key spec \(key.spec.rawValue) does not support rotation.")
        }
    }

    /// One page of `items` (in ascending `position` order) of the listing `scope`: from just
    /// after the item `marker` names (the last one of the page before), `limit` (default
    /// `defaultLimit`) at a time. The marker is opaque and carries the listing it belongs to, so
    /// deleting the item it names does not end the listing, and a marker from another listing
    /// is refused.
    static func page<Item>(
        _ items: [Item], limit: Int?, defaultLimit: Int = 100, marker: String?, scope: String, position: (Item) -> String
    ) throws(KeyServiceError) -> ([Item], String?) {
        var start = 0
        if let marker {
            guard let data = Data(base64Encoded: marker), let decoded = String(data: data, encoding: .utf8),
                let separator = decoded.firstIndex(of: "\u{0}"), decoded[..<separator] == scope
            else { throw KeyServiceError(.invalidMarker, "Marker is invalid") }
            let last = String(decoded[decoded.index(after: separator)...])
            start = items.firstIndex { position($0) > last } ?? items.count
        }
        let end = min(items.count, start + (limit ?? defaultLimit))
        guard end < items.count, end > start else { return (Array(items[start..<end]), nil) }
        return (Array(items[start..<end]), Data((scope + "\u{0}" + position(items[end - 1])).utf8).base64EncodedString())
    }

    /// Seals `material` under the root key, bound to the key id and version: a random 24-byte
    /// nonce followed by the XChaCha20-Poly1305 ciphertext and tag.
    func wrap(_ material: SecretBytes, keyId: String, version: Int, rotationType: String?) -> ManagedKey.Version {
        ManagedKey.Version(
            number: version, createdAt: now(), rotationType: rotationType,
            wrappedMaterial: Self.wrap(material, under: rootKeys.withLock { $0.current }, keyId: keyId, version: version))
    }

    /// `material` sealed under `root` (SecretBox: a random nonce, then the ciphertext and tag).
    static func wrap(_ material: SecretBytes, under root: SecretBytes, keyId: String, version: Int) -> [UInt8] {
        SecretBox(key: root).seal(material, context: wrapContext(keyId, version))
    }

    /// The material inside `wrapped`, if `root` sealed it for this key and version.
    static func unwrap(_ wrapped: [UInt8], under root: SecretBytes, keyId: String, version: Int) -> SecretBytes? {
        try? SecretBox(key: root).openSecret(wrapped, context: wrapContext(keyId, version))
    }

    static func wrapContext(_ keyId: String, _ version: Int) -> [UInt8] {
        Array("sealq-kms-material|\(keyId)|\(version)".utf8)
    }
}
