import Foundation
import IdentityWire
import Principals
import Synchronization

/// GenerateCredentialReport and GetCredentialReport: IAM's credential report of the users of
/// `policies/`, their access keys, and each key's last use from the audit log.
///
/// As on IAM, a report is made again only when the newest is four hours old, and a report
/// older than that is expired. The newest is kept in memory: a restarted daemon has none.
final class CredentialReports: Sendable {
    private let directory: PrincipalDirectory
    private let lookup: AuditLookup
    /// `policies/principals.json`: its modification time is the users' creation time (or the root's, when later).
    private let principalsFile: String
    /// `DATA/identity.json`: its modification time (the directory's set-up) is the root's.
    private let identityFile: String
    private let newest = Mutex<(report: CredentialReport, made: Date)?>(nil)

    /// How long a report lasts: IAM makes one at most every four hours.
    static let lifetime: TimeInterval = 4 * 3600

    init(directory: PrincipalDirectory, lookup: AuditLookup, principalsFile: String, identityFile: String) {
        self.directory = directory
        self.lookup = lookup
        self.principalsFile = principalsFile
        self.identityFile = identityFile
    }

    /// GenerateCredentialReport: makes a report unless one less than four hours old exists;
    /// either way one is complete when this returns.
    func generate(now: Date = Date()) async throws {
        if let newest = newest.withLock({ $0 }), now.timeIntervalSince(newest.made) < Self.lifetime { return }
        let report = try await make(at: now)
        newest.withLock { $0 = (report, now) }
    }

    /// GetCredentialReport: the newest report, unless there is none or it has expired.
    func current(now: Date = Date()) throws(IdentityError) -> CredentialReport {
        guard let newest = newest.withLock({ $0 }) else { throw .reportNotPresent }
        guard now.timeIntervalSince(newest.made) < Self.lifetime else { throw .reportExpired }
        return newest.report
    }

    private func make(at now: Date) async throws -> CredentialReport {
        let catalog = directory.catalog
        let stored = try directory.accessKeys.list()
        var keysByUser: [String: [AccessKeyMetadata]] = [:]
        for key in stored { keysByUser[key.userName, default: []].append(key) }
        keysByUser[PrincipalCatalog.adminName, default: []].append(
            AccessKeyMetadata(
                accessKeyId: directory.admin.accessKeyId, userName: PrincipalCatalog.adminName, status: "Active",
                createDate: directory.admin.createDate))
        let users = catalog.principals.values.filter { $0.kind == .user }.sorted { $0.name < $1.name }
        // IAM's report has room for two keys a user: the oldest two (`sealq principals` may make more).
        let reported = Dictionary(uniqueKeysWithValues: users.map { user in
            (user.name, (keysByUser[user.name] ?? []).sorted { ($0.createDate, $0.accessKeyId) < ($1.createDate, $1.accessKeyId) }.prefix(2))
        })
        let lastUses = try await AccessKeyAdministration.lastUses(of: Set(reported.values.joined().map(\.accessKeyId)), in: lookup)
        // A user is made when its definition is written, but not before the account (the data
        // directory's set-up): the copy of `policies/` a checkout makes may be older.
        let accountCreation = Self.modificationTime(of: identityFile) ?? now
        let userCreation = max(Self.modificationTime(of: principalsFile) ?? accountCreation, accountCreation)
        let dates = ISO8601DateFormatter()
        return CredentialReport(
            root: .init(
                name: "<root_account>", arn: "arn:aws:iam::\(catalog.accountId):root", creationTime: dates.string(from: accountCreation),
                accessKeys: []),
            users: users.map { user in
                .init(
                    name: user.name, arn: user.arn, creationTime: dates.string(from: userCreation),
                    accessKeys: (reported[user.name] ?? []).map { key in
                        .init(active: key.status == "Active", createDate: key.createDate, lastUse: lastUses[key.accessKeyId])
                    })
            },
            generatedTime: dates.string(from: now))
    }

    private static func modificationTime(of path: String) -> Date? {
        try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }
}
