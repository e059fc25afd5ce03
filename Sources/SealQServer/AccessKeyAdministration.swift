import Foundation
import IdentityWire
import Logging
import Principals
import QueueEngine
import Storage
import WireFormat
import WireJSON

/// IAM's access key operations (CreateAccessKey, ListAccessKeys, UpdateAccessKey,
/// DeleteAccessKey, GetAccessKeyLastUsed) over the principals' key store, for the users of
/// `policies/`.
///
/// The admin's key comes from the data directory's credentials file (or `SEALQ_ADMIN_*`): it
/// is listed, and counts toward the admin's quota, but cannot be changed through the API.
///
/// Changes are fail-closed and run one at a time: a change is described in the store's journal
/// and made, then recorded; a change that cannot be recorded is undone (unless any write touched
/// the key since) before the next change starts, and a journal left by a daemon that stopped,
/// or by an undo that failed, is settled at the next start or before the next change
/// (`settleUnsettledChange`). The key file's lock and writes are taken off the task pool, so a
/// stalled writer holds up only these calls.
struct AccessKeyAdministration: Sendable {
    let directory: PrincipalDirectory
    /// The audit log, where GetAccessKeyLastUsed finds a key's last use.
    let lookup: AuditLookup
    /// The records of one request, by its id: whether a change was recorded before a restart.
    let recordsOfRequest: @Sendable (String) async throws -> [[UInt8]]
    let logger: Logger
    /// Holds each change until it is recorded or undone.
    private let changes = NamedSerialLock()
    /// Runs the key file's locking and writing, which block.
    private static let fileWork = DispatchQueue(label: "sealq.access-keys")

    init(directory: PrincipalDirectory, audit: SQLiteAuditStore, logger: Logger) {
        self.directory = directory
        lookup = AuditLookup(store: audit)
        recordsOfRequest = { try await audit.records(ofRequest: $0) }
        self.logger = logger
    }

    /// IAM's quota of access keys per user ("Access keys assigned to an IAM user: 2").
    static let keysPerUser = 2

    /// An operation's answer, what its record says of it, and the change it made.
    struct Outcome: Sendable {
        /// The answer.
        var result: AccessKeyResult
        /// CloudTrail's `responseElements` for it (the new key, never its secret).
        var responseElements: OutputNode?
        /// The change made; nil when nothing changed.
        var change: AccessKeyStore.Change?
    }

    /// The ARN `request` is authorized against, with that user's tags (`aws:ResourceTag/…` and
    /// `iam:ResourceTag/…`): its user's, or for GetAccessKeyLastUsed the key owner's (`*` for a
    /// key nobody holds, so that only a caller allowed on every user learns so).
    func resource(of request: AccessKeyRequest, caller: Principal) throws(IdentityError) -> (arn: String, tags: [String: String]) {
        if case .lastUsed(let accessKeyId) = request {
            return owner(of: accessKeyId).map { ($0.principalArn, $0.tags) } ?? ("*", [:])
        }
        return directory.catalog.userResource(named: try PrincipalCatalog.userName(request.userName, caller: caller))
    }

    /// The principal holding `accessKeyId`, if its principal is still defined.
    private func owner(of accessKeyId: String) -> Principal? {
        if accessKeyId == directory.admin.accessKeyId { return directory.catalog.principal(named: PrincipalCatalog.adminName) }
        let key = try? directory.accessKeys.list().first { $0.accessKeyId == accessKeyId }
        return key.flatMap { directory.catalog.principal(named: $0.userName) }
    }

    /// Runs `request` for `caller` as request `requestId`, handing its outcome to `record`
    /// (which makes it durable in the audit log) before answering; a change `record` fails for
    /// is undone.
    func execute(
        _ request: AccessKeyRequest, caller: Principal, requestId: String, record: (Outcome) async throws -> Void
    ) async throws -> AccessKeyResult {
        let outcome: Outcome
        switch request {
        case .list(_, let marker, let maxItems):
            outcome = try list(of: try user(of: request, caller: caller), marker: marker, maxItems: maxItems)
        case .lastUsed(let accessKeyId):
            outcome = Outcome(result: try await lastUse(of: accessKeyId))
        case .create:
            let user = try user(of: request, caller: caller)
            return try await change(requestId, record: record) { try self.createKey(for: user, journal: $0) }
        case .update(_, let accessKeyId, let status):
            let user = try changeableOwner(of: accessKeyId, request: request, caller: caller)
            return try await change(requestId, record: record) { journal in
                let change = try self.mapped(accessKeyId) {
                    try self.directory.accessKeys.setStatus(accessKeyId, active: status == .active, owner: user.name, journal: journal)
                }
                return Outcome(result: .done, change: change)
            }
        case .delete(_, let accessKeyId):
            let user = try changeableOwner(of: accessKeyId, request: request, caller: caller)
            return try await change(requestId, record: record) { journal in
                let change = try self.mapped(accessKeyId) {
                    try self.directory.accessKeys.delete(accessKeyId, owner: user.name, journal: journal)
                }
                return Outcome(result: .done, change: change)
            }
        }
        try await record(outcome)
        return outcome.result
    }

    /// Makes a change (`make`, journaled under `requestId`, off the task pool) and records it,
    /// undoing it when the record fails, while no other change runs.
    private func change(
        _ requestId: String, record: (Outcome) async throws -> Void, make: @escaping @Sendable (String) throws -> Outcome
    ) async throws -> AccessKeyResult {
        let store = directory.accessKeys
        return try await changes.run("access-keys") {
            // A change whose undo failed left its journal: it is settled first, or nothing changes.
            try await settleUnsettledChange()
            let outcome = try await Self.offPool { try make(requestId) }
            do { try await record(outcome) } catch {
                do {
                    let undone = try await Self.offPool {
                        let undone = try outcome.change.map { try store.undo($0) } ?? true
                        try store.settle()
                        return undone
                    }
                    if !undone {
                        logger.warning(
                            "an access key change that could not be recorded was left in force: the key was written again meanwhile",
                            metadata: ["request.id": "\(requestId)", "access.key.id": "\(outcome.change?.accessKeyId ?? "-")"])
                    }
                } catch let undoFailure {
                    // The journal stays: a retry within a second, the next change or the next start takes the change back.
                    logger.error(
                        "an access key change that could not be recorded could not be undone either",
                        metadata: ["request.id": "\(requestId)", "error": "\(undoFailure)"])
                }
                throw error
            }
            do { try await Self.offPool { try store.settle() } } catch {
                // Recorded: a journal left behind is settled by the next change or start, which find the record.
                logger.warning("access key journal not removed", metadata: ["request.id": "\(requestId)", "error": "\(error)"])
            }
            return outcome.result
        }
    }

    /// `settleUnsettledChange()` while no change runs, when the journal holds one: for the
    /// background retry of an undo that failed (`AccessKeyJournalService`).
    func settleLeftChange() async throws {
        guard directory.accessKeys.hasUnsettledChange else { return }
        try await changes.run("access-keys") { try await settleUnsettledChange() }
    }

    /// Settles a change left unsettled (see `execute`) by a daemon that stopped, or by an undo
    /// that failed: kept when the audit log holds its successful record, else undone (unless
    /// the key was touched since). Called at start, before each change, and every second while
    /// one is left (`settleLeftChange()`).
    func settleUnsettledChange() async throws {
        let store = directory.accessKeys
        guard let journal = try await Self.offPool({ try store.unsettledChange() }) else { return }
        let records = try await recordsOfRequest(journal.tag).compactMap { try? JSONParser.parse($0) }
        let recorded = records.contains { $0["eventSource"]?.string == RequestRecorder.iamEventSource && $0["errorCode"] == nil }
        if !recorded {
            let undone = try await Self.offPool { try store.undo(journal.change) }
            logger.warning(
                "an access key change was interrupted before its record was written: \(undone ? "taken back" : "left, as the key changed since")",
                metadata: ["request.id": "\(journal.tag)", "access.key.id": "\(journal.change.accessKeyId)"])
        }
        try await Self.offPool { try store.settle() }
    }

    /// ListAccessKeys: `user`'s keys (the admin's fixed one too), a page at a time.
    private func list(of user: Principal, marker: String?, maxItems: Int?) throws -> Outcome {
        var keys = try directory.accessKeys.list().filter { $0.userName == user.name }.map(Self.description)
        if isAdmin(user) {
            keys.append(
                AccessKeyDescription(
                    userName: user.name, accessKeyId: directory.admin.accessKeyId, status: "Active", createDate: directory.admin.createDate))
        }
        let page = try IAMPage.of(
            keys.sorted { $0.accessKeyId < $1.accessKeyId }, key: \.accessKeyId, scope: "access-keys\u{0}\(user.name)", marker: marker,
            maxItems: maxItems)
        return Outcome(result: .listed(page.items, nextMarker: page.nextMarker))
    }

    /// CreateAccessKey for `user`, journaled under `journal`, within IAM's quota.
    private func createKey(for user: Principal, journal: String) throws -> Outcome {
        let created: AccessKeyStore.Change
        let secret: String
        do {
            (created, secret) = try directory.accessKeys.create(
                for: user.name, quota: Self.keysPerUser, alreadyHeld: isAdmin(user) ? 1 : 0, journal: journal)
        } catch let failure as AccessKeyStore.Failure where failure.reason == .quotaReached {
            throw IdentityError.limitExceeded("Cannot exceed quota for AccessKeysPerUser: \(Self.keysPerUser)")
        }
        let key = Self.description(created.metadata!)
        return Outcome(
            result: .created(key, secretAccessKey: secret),
            responseElements: .structure([
                ("accessKey", .structure([
                    ("accessKeyId", .text(key.accessKeyId)), ("status", .text(key.status)), ("userName", .text(key.userName)),
                    ("createDate", .text(Self.cloudTrailDate(key.createDate))),
                ]))
            ]),
            change: created)
    }

    /// Runs blocking file work on the store's own thread, off the task pool.
    private static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            fileWork.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// The existing user `request` acts on.
    private func user(of request: AccessKeyRequest, caller: Principal) throws(IdentityError) -> Principal {
        try directory.catalog.existingUser(named: try PrincipalCatalog.userName(request.userName, caller: caller))
    }

    private func isAdmin(_ user: Principal) -> Bool { user.name == PrincipalCatalog.adminName }

    /// The user whose key `accessKeyId` a change acts on; the admin's own key is not changeable.
    private func changeableOwner(of accessKeyId: String, request: AccessKeyRequest, caller: Principal) throws(IdentityError) -> Principal {
        let user = try user(of: request, caller: caller)
        if isAdmin(user), accessKeyId == directory.admin.accessKeyId {
            throw .unmodifiableEntity(
                "The admin's access key \(accessKeyId) is set by the data directory's admin-credentials file (or SEALQ_ADMIN_ACCESS_KEY_ID) and cannot be changed through the API.")
        }
        return user
    }

    /// GetAccessKeyLastUsed, from the audit log: the newest request the key signed (a refused
    /// signature is no use of it), to the minute as IAM reports it. Uses older than the log's
    /// retention are archived, so the key reads as unused again (`N/A`).
    private func lastUse(of accessKeyId: String) async throws -> AccessKeyResult {
        guard let owner = owner(of: accessKeyId) else {
            throw IdentityError.noSuchEntity("The Access Key with id \(accessKeyId) cannot be found.")
        }
        return .lastUsed(userName: owner.name, try await Self.lastUses(of: [accessKeyId], in: lookup)[accessKeyId])
    }

    /// The last uses of `accessKeyIds` in the audit log (see GetAccessKeyLastUsed), in one scan.
    static func lastUses(of accessKeyIds: Set<String>, in lookup: AuditLookup) async throws -> [String: AccessKeyLastUse] {
        // A record names the key it was signed with; only an authenticated caller has an ARN. A
        // key use a service made for the caller (`invokedBy`) is not a request the key signed.
        let found = try await lookup.newest(of: accessKeyIds) { record in
            let identity = record["userIdentity"]
            return identity?["arn"] == nil || identity?["invokedBy"] != nil ? nil : identity?["accessKeyId"]?.string
        }
        return found.compactMapValues { use in
            guard let source = use.record["eventSource"]?.string, let region = use.record["awsRegion"]?.string else { return nil }
            let minute = Date(timeIntervalSince1970: TimeInterval(use.eventTime / 60_000 * 60))
            return AccessKeyLastUse(
                lastUsedDate: ISO8601DateFormatter().string(from: minute), serviceName: String(source.prefix { $0 != "." }), region: region)
        }
    }

    /// Runs a change of `accessKeyId`, answering a key the user does not hold as IAM does.
    private func mapped<Result>(_ accessKeyId: String, _ change: () throws -> Result) throws -> Result {
        do { return try change() } catch let failure as AccessKeyStore.Failure where failure.reason == .noSuchKey {
            throw IdentityError.noSuchEntity("The Access Key with id \(accessKeyId) cannot be found.")
        }
    }

    /// A date as IAM's CloudTrail records write it in `responseElements` (`Jan 1, 2025 3:04:05 PM`,
    /// UTC), from ISO 8601.
    static func cloudTrailDate(_ iso: String) -> String {
        guard let date = ISO8601DateFormatter().date(from: iso) else { return iso }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "MMM d, yyyy h:mm:ss a"
        return format.string(from: date)
    }

    private static func description(_ key: AccessKeyMetadata) -> AccessKeyDescription {
        AccessKeyDescription(userName: key.userName, accessKeyId: key.accessKeyId, status: key.status, createDate: key.createDate)
    }
}
