import Foundation
import SealCrypto
import Synchronization

/// Access keys of the principals defined in `policies/`, kept in the data directory.
///
/// `access-keys.json` (mode 0600) lists each key with its secret sealed by XChaCha20-Poly1305
/// under `access-keys.key` (32 random bytes, mode 0600), bound to its access key id, so the
/// file alone reveals no secret and sealed secrets cannot be swapped between keys. The CLI
/// writes the file under an exclusive lock; a running daemon notices the change (file size,
/// modification time and inode) and reloads, so a new, disabled or deleted key acts at once.
public final class AccessKeyStore: Sendable {
    /// A key that is not in the store, a quota reached, or a store file that cannot be read.
    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        /// What kind of failure this is.
        public enum Reason: Sendable, Equatable {
            /// No such access key (or none belonging to the principal named).
            case noSuchKey
            /// The principal already holds the most keys allowed.
            case quotaReached
            /// The store's files cannot be read, opened or written.
            case unusable
        }

        /// What went wrong, in words that never include a secret.
        public var description: String
        /// What kind of failure this is.
        public var reason: Reason = .unusable
    }


    /// A key as the verifier needs it.
    public struct ActiveKey: Sendable {
        /// The principal the key belongs to.
        public var userName: String
        /// The secret access key.
        public var secretAccessKey: String
    }

    /// A key as the file holds it: its metadata and its sealed secret.
    struct StoredKey: Codable, Sendable, Equatable {
        var metadata: AccessKeyMetadata
        var sealedSecret: String
        /// Bumped by every write that names the key, the CLI's included (even one that leaves it
        /// as it was), so an undo can tell that the key was touched since; nil in keys written
        /// before revisions existed.
        var revision: Int?

        enum CodingKeys: String, CodingKey { case metadata = "Key", sealedSecret = "SealedSecret", revision = "Revision" }

        /// The key with its revision bumped past `revision`.
        func touched(after revision: Int?) -> StoredKey {
            var key = self
            key.revision = (revision ?? 0) + 1
            return key
        }
    }

    private struct Snapshot {
        var stamp: FileStamp?
        var checkedAt: ContinuousClock.Instant
        var keys: [StoredKey]
        var active: [String: ActiveKey]
    }

    private struct FileStamp: Equatable {
        var size: Int64
        var modified: Int
        var modifiedNanoseconds: Int
        var inode: UInt64
    }

    let path: String
    /// Where a change the daemon has not recorded yet is described (see `Journal`).
    let journalPath: String
    private let lockPath: String
    private let box: SecretBox
    private let snapshot: Mutex<Snapshot>
    /// How long a successful lookup trusts the loaded file before looking at it again.
    private static let recheckInterval: Duration = .milliseconds(250)

    /// Opens (creating the sealing key if needed) the store in `dataDirectory`.
    public init(dataDirectory: String) throws {
        try SecretFiles.ensureDirectory(dataDirectory)
        path = dataDirectory + "/access-keys.json"
        lockPath = dataDirectory + "/access-keys.lock"
        journalPath = dataDirectory + "/access-keys.journal"
        // Made under the lock: processes starting together on a fresh directory must agree on one key.
        let keyPath = dataDirectory + "/access-keys.key"
        let keysPath = path
        box = SecretBox(
            key: try Self.locked(lockPath) {
                if !FileManager.default.fileExists(atPath: keyPath), FileManager.default.fileExists(atPath: keysPath) {
                    throw SecretFiles.Failure(
                        description: "\(keyPath) is missing, but \(keysPath) holds secrets sealed by it: restore it from a backup")
                }
                return try SecretFiles.readOrCreate(keyPath, length: SecretBox.keyLength) { SecureRandom.bytes(SecretBox.keyLength) }
            })
        snapshot = Mutex(Snapshot(stamp: nil, checkedAt: .now, keys: [], active: [:]))
        try snapshot.withLock { try reload(&$0) }
    }

    /// The active key `accessKeyId`, if there is one: looks at the file again when the key is
    /// unknown or the last look is older than a quarter of a second.
    public func activeKey(_ accessKeyId: String) -> ActiveKey? {
        snapshot.withLock { state in
            let stale = ContinuousClock.now - state.checkedAt > Self.recheckInterval
            if stale || state.active[accessKeyId] == nil { try? reloadIfChanged(&state) }
            return state.active[accessKeyId]
        }
    }

    /// Every key, without secrets, oldest first.
    public func list() throws -> [AccessKeyMetadata] {
        try snapshot.withLock { state in
            try reloadIfChanged(&state)
            return state.keys.map(\.metadata)
        }
    }

    /// Creates an active key for `userName` and returns it with its secret, which is shown once
    /// and kept only sealed. With `quota`, refuses (`quotaReached`) when `userName` already
    /// holds that many keys, counted under the file lock with `alreadyHeld` more held elsewhere.
    /// With `journal`, the change is first described in the journal under that tag.
    public func create(
        for userName: String, quota: Int? = nil, alreadyHeld: Int = 0, journal: String? = nil, now: Date = Date()
    ) throws -> (Change, secretAccessKey: String) {
        let accessKeyId = AccessKeyFactory.newAccessKeyId()
        let secret = AccessKeyFactory.newSecretAccessKey()
        let metadata = AccessKeyMetadata(
            accessKeyId: accessKeyId, userName: userName, status: "Active",
            createDate: ISO8601DateFormatter().string(from: now))
        let sealed = box.seal(Array(secret.utf8), context: Array(accessKeyId.utf8))
        let change = try update(journal: journal) { keys in
            if let quota, keys.count(where: { $0.metadata.userName == userName }) + alreadyHeld >= quota {
                throw Failure(description: "\(userName) already holds \(quota) access keys", reason: .quotaReached)
            }
            let key = StoredKey(metadata: metadata, sealedSecret: Data(sealed).base64EncodedString(), revision: 1)
            keys.append(key)
            return Change(accessKeyId: accessKeyId, before: nil, after: key)
        }
        return (change, secret)
    }

    /// Marks `accessKeyId` `Active` or `Inactive` (only when it belongs to `owner`, if given).
    /// This store refuses an inactive key at once; another process's store does so after
    /// `waitUntilOthersLook()`. With `journal`, the change is first described in the journal.
    @discardableResult
    public func setStatus(_ accessKeyId: String, active: Bool, owner: String? = nil, journal: String? = nil) throws -> Change {
        try update(journal: journal) { keys in
            let index = try Self.index(of: accessKeyId, owner: owner, in: keys)
            let before = keys[index]
            keys[index] = before.touched(after: before.revision)
            keys[index].metadata.status = active ? "Active" : "Inactive"
            return Change(accessKeyId: accessKeyId, before: before, after: keys[index])
        }
    }

    /// Deletes `accessKeyId` (only when it belongs to `owner`, if given). This store refuses
    /// the key at once; another process's store does so after `waitUntilOthersLook()`. With
    /// `journal`, the change is first described in the journal.
    @discardableResult
    public func delete(_ accessKeyId: String, owner: String? = nil, journal: String? = nil) throws -> Change {
        try update(journal: journal) { keys in
            let removed = keys.remove(at: try Self.index(of: accessKeyId, owner: owner, in: keys))
            return Change(accessKeyId: accessKeyId, before: removed, after: nil)
        }
    }

    private static func index(of accessKeyId: String, owner: String?, in keys: [StoredKey]) throws -> Int {
        guard let index = keys.firstIndex(where: { $0.metadata.accessKeyId == accessKeyId }), owner.map({ $0 == keys[index].metadata.userName }) ?? true
        else { throw Failure(description: "no access key \(accessKeyId)", reason: .noSuchKey) }
        return index
    }

    /// Returns once a daemon reading this file is sure to look at it again before it takes
    /// another call: a key another process disabled or deleted is refused by then.
    public static func waitUntilOthersLook() {
        let (seconds, attoseconds) = recheckInterval.components
        usleep(useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000) + 10_000)
    }

    /// Applies `edit` to the key list under the file lock and writes it back atomically.
    func update<Result>(_ edit: (inout [StoredKey]) throws -> Result) throws -> Result {
        try update(edit, beforeWriting: { _ in })
    }

    /// `update`, making the change `edit` describes durable in the journal under `tag` first
    /// (when there is a tag).
    func update(journal tag: String?, _ edit: (inout [StoredKey]) throws -> Change) throws -> Change {
        try update(edit) { change in
            guard let tag else { return }
            try SecretFiles.write(Array(try JSONEncoder().encode(Journal(tag: tag, change: change))), to: journalPath)
        }
    }

    /// Applies `edit` to the key list under the file lock and, after `beforeWriting` saw its
    /// result, writes it back atomically.
    /// The files are written holding the file lock only: lookups (every signed call makes one)
    /// go on with the keys as they were until the new file is in place.
    func update<Result>(_ edit: (inout [StoredKey]) throws -> Result, beforeWriting: (Result) throws -> Void) throws -> Result {
        try Self.locked(lockPath) {
            var keys = try snapshot.withLock { state in
                try reload(&state)
                return state.keys
            }
            let result = try edit(&keys)
            try beforeWriting(result)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try SecretFiles.write(Array(try encoder.encode(["AccessKeys": keys])), to: path)
            try snapshot.withLock { try reload(&$0) }
            return result
        }
    }

    /// Runs `body` holding the store's exclusive file lock (across processes).
    /// Runs `body` holding the lock that serializes changes to the store's files in
    /// `dataDirectory`, so what it reads of them is one state (a backup copies them so).
    public static func whileLocked<Result>(dataDirectory: String, _ body: () throws -> Result) throws -> Result {
        try locked(dataDirectory + "/access-keys.lock", body)
    }

    private static func locked<Result>(_ lockPath: String, _ body: () throws -> Result) throws -> Result {
        let lock = open(lockPath, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw Failure(description: "cannot open \(lockPath)") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw Failure(description: "cannot lock \(lockPath)") }
        return try body()
    }

    private func reloadIfChanged(_ state: inout Snapshot) throws {
        if Self.stamp(path) != state.stamp { try reload(&state) }
        state.checkedAt = .now
    }

    private func reload(_ state: inout Snapshot) throws {
        let stamp = Self.stamp(path)
        var keys: [StoredKey] = []
        if stamp != nil, let data = FileManager.default.contents(atPath: path) {
            do {
                keys = try JSONDecoder().decode([String: [StoredKey]].self, from: data)["AccessKeys"] ?? []
            } catch {
                throw Failure(description: "\(path) is not a valid access key file")
            }
        }
        var active: [String: ActiveKey] = [:]
        for key in keys where key.metadata.status == "Active" {
            guard let sealed = Data(base64Encoded: key.sealedSecret),
                let secret = try? box.open([UInt8](sealed), context: Array(key.metadata.accessKeyId.utf8))
            else { throw Failure(description: "\(path): the secret of \(key.metadata.accessKeyId) does not open with access-keys.key") }
            active[key.metadata.accessKeyId] = ActiveKey(userName: key.metadata.userName, secretAccessKey: String(decoding: secret, as: UTF8.self))
        }
        state = Snapshot(stamp: stamp, checkedAt: .now, keys: keys, active: active)
    }

    private static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(
            size: Int64(info.st_size), modified: info.st_mtim.tv_sec, modifiedNanoseconds: info.st_mtim.tv_nsec,
            inode: UInt64(info.st_ino))
    }
}
