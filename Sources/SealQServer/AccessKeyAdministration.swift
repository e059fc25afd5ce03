import Foundation
import IdentityWire
import Principals
import WireFormat

/// IAM's access key operations (CreateAccessKey, ListAccessKeys, UpdateAccessKey,
/// DeleteAccessKey) over the principals' key store, for the users of `policies/`.
///
/// The admin's key comes from the data directory's credentials file (or `SEALQ_ADMIN_*`): it
/// is listed, and counts toward the admin's quota, but cannot be changed through the API.
/// Every change comes back with the change that undoes it, for the request path to apply
/// when the change cannot be recorded (fail-closed).
struct AccessKeyAdministration: Sendable {
    let directory: PrincipalDirectory
    /// The audit log, where GetAccessKeyLastUsed finds a key's last use.
    let lookup: AuditLookup

    /// IAM's quota of access keys per user ("Access keys assigned to an IAM user: 2").
    static let keysPerUser = 2

    /// A change made, and how to take it back.
    struct Outcome {
        /// The answer.
        var result: AccessKeyResult
        /// CloudTrail's `responseElements` for it (the new key, never its secret).
        var responseElements: OutputNode?
        /// Takes the change back; nil when nothing changed.
        var undo: (@Sendable () throws -> Void)?
    }

    /// The ARN `request` is authorized against: its user's, or for GetAccessKeyLastUsed the key
    /// owner's (`*` for a key nobody holds, so that only a caller allowed on every user learns so).
    func resource(of request: AccessKeyRequest, caller: Principal) throws(IdentityError) -> String {
        if case .lastUsed(let accessKeyId) = request { return owner(of: accessKeyId)?.principalArn ?? "*" }
        return userArn(try userName(of: request, caller: caller))
    }

    /// The principal holding `accessKeyId`, if its principal is still defined.
    private func owner(of accessKeyId: String) -> Principal? {
        if accessKeyId == directory.admin.accessKeyId { return directory.catalog.principal(named: PrincipalCatalog.adminName) }
        let key = try? directory.accessKeys.list().first { $0.accessKeyId == accessKeyId }
        return key.flatMap { directory.catalog.principal(named: $0.userName) }
    }

    /// The user `request` acts on: the one it names, or the calling user. A role's session must
    /// name one, as on IAM.
    private func userName(of request: AccessKeyRequest, caller: Principal) throws(IdentityError) -> String {
        if let userName = request.userName { return userName }
        guard caller.kind == .user else { throw .userNameRequired }
        return caller.name
    }

    /// The ARN a request on `userName`'s keys is authorized against (`arn:aws:iam::ACCOUNT:user/PATH/NAME`),
    /// also for a user that does not exist, which IAM refuses only once the caller may ask.
    private func userArn(_ userName: String) -> String {
        if let principal = directory.catalog.principal(named: userName), principal.kind == .user { return principal.principalArn }
        return "arn:aws:iam::\(directory.catalog.accountId):user/\(userName)"
    }

    /// Runs `request` for `caller`.
    func execute(_ request: AccessKeyRequest, caller: Principal) async throws -> Outcome {
        let store = directory.accessKeys
        switch request {
        case .create:
            let user = try user(of: request, caller: caller)
            let created: AccessKeyMetadata
            let secret: String
            do {
                (created, secret) = try store.create(for: user.name, quota: Self.keysPerUser, alreadyHeld: isAdmin(user) ? 1 : 0)
            } catch let failure as AccessKeyStore.Failure where failure.reason == .quotaReached {
                throw IdentityError.limitExceeded("Cannot exceed quota for AccessKeysPerUser: \(Self.keysPerUser)")
            }
            let key = Self.description(created)
            return Outcome(
                result: .created(key, secretAccessKey: secret),
                responseElements: .structure([
                    ("accessKey", .structure([
                        ("accessKeyId", .text(key.accessKeyId)), ("status", .text(key.status)), ("userName", .text(key.userName)),
                        ("createDate", .text(key.createDate)),
                    ]))
                ]),
                undo: { try store.delete(created.accessKeyId) })
        case .list(_, let marker, let maxItems):
            let user = try user(of: request, caller: caller)
            var keys = try store.list().filter { $0.userName == user.name }.map(Self.description)
            if isAdmin(user) {
                keys.append(
                    AccessKeyDescription(
                        userName: user.name, accessKeyId: directory.admin.accessKeyId, status: "Active", createDate: directory.admin.createDate))
            }
            let (page, next) = try Self.page(keys.sorted { $0.accessKeyId < $1.accessKeyId }, of: user.name, marker: marker, maxItems: maxItems)
            return Outcome(result: .listed(page, nextMarker: next))
        case .update(_, let accessKeyId, let status):
            let user = try changeableOwner(of: accessKeyId, request: request, caller: caller)
            let before = try mapped(accessKeyId) { try store.setStatus(accessKeyId, active: status == .active, owner: user.name) }
            return Outcome(result: .done, undo: { try store.setStatus(accessKeyId, active: before.status == "Active") })
        case .delete(_, let accessKeyId):
            let user = try changeableOwner(of: accessKeyId, request: request, caller: caller)
            let deleted = try mapped(accessKeyId) { try store.delete(accessKeyId, owner: user.name) }
            return Outcome(result: .done, undo: { try store.restore(deleted) })
        case .lastUsed(let accessKeyId):
            return Outcome(result: try await lastUse(of: accessKeyId))
        }
    }

    /// The existing user `request` acts on.
    private func user(of request: AccessKeyRequest, caller: Principal) throws(IdentityError) -> Principal {
        let userName = try userName(of: request, caller: caller)
        guard let user = directory.catalog.principal(named: userName), user.kind == .user else {
            throw .noSuchEntity("The user with name \(userName) cannot be found.")
        }
        return user
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
        // A record names the key it was signed with; only an authenticated caller has an ARN.
        let found = try await lookup.newest(of: accessKeyIds) { record in
            let identity = record["userIdentity"]
            return identity?["arn"] == nil ? nil : identity?["accessKeyId"]?.string
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

    private static func description(_ key: AccessKeyMetadata) -> AccessKeyDescription {
        AccessKeyDescription(userName: key.userName, accessKeyId: key.accessKeyId, status: key.status, createDate: key.createDate)
    }

    /// One page of `keys` (in id order): after the key the marker names, at most `maxItems`
    /// (default 100). The marker carries the user whose listing it continues, so it is refused
    /// for another user's.
    private static func page(
        _ keys: [AccessKeyDescription], of userName: String, marker: String?, maxItems: Int?
    ) throws(IdentityError) -> ([AccessKeyDescription], String?) {
        let scope = "access-keys\u{0}\(userName)\u{0}"
        var start = 0
        if let marker {
            guard let data = Data(base64Encoded: marker), let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix(scope) else {
                throw .invalidInput("Invalid Marker.")
            }
            let last = decoded.dropFirst(scope.count)
            start = keys.firstIndex { $0.accessKeyId > last } ?? keys.count
        }
        let end = min(keys.count, start + (maxItems ?? 100))
        let next = end < keys.count ? Data((scope + keys[end - 1].accessKeyId).utf8).base64EncodedString() : nil
        return (Array(keys[start..<end]), next)
    }
}
