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
    private let dates: PrincipalDates
    private let newest = Mutex<(report: CredentialReport, made: Date)?>(nil)

    /// How long a report lasts: IAM makes one at most every four hours.
    static let lifetime: TimeInterval = 4 * 3600

    init(directory: PrincipalDirectory, lookup: AuditLookup, dates: PrincipalDates) {
        self.directory = directory
        self.lookup = lookup
        self.dates = dates
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
        let format = ISO8601DateFormatter()
        let userCreation = format.string(from: dates.userCreation(now: now))
        return CredentialReport(
            root: .init(
                name: "<root_account>", arn: "arn:aws:iam::\(catalog.accountId):root",
                creationTime: format.string(from: dates.accountCreation(now: now)), accessKeys: []),
            users: users.map { user in
                .init(
                    name: user.name, arn: user.arn, creationTime: userCreation,
                    accessKeys: (reported[user.name] ?? []).map { key in
                        .init(active: key.status == "Active", createDate: key.createDate, lastUse: lastUses[key.accessKeyId])
                    })
            },
            generatedTime: format.string(from: now))
    }
}
