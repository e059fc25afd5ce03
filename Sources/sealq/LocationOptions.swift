import ArgumentParser
import Foundation
import Principals
import SealQServer

/// Where SealQ keeps its state and configuration, and the account and region its ARNs name:
/// shared by the daemon and the tools that evaluate policies as it does.
struct LocationOptions: ParsableArguments {
    @OptionGroup var data: DataDirectoryOption
    @Option(name: .customLong("policies"), help: "Principal and policy definitions directory [env: SEALQ_POLICIES] (default: ./policies).")
    var policiesDirectory: String?
    @Option(name: .customLong("account-id"), help: "12-digit account id [env: SEALQ_ACCOUNT_ID] (default: 000000000000).")
    var accountId: String?
    @Option(help: "Region in ARNs [env: SEALQ_REGION] (default: us-east-1).")
    var region: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The policies directory: flag, then `SEALQ_POLICIES`, then `./policies`.
    var resolvedPoliciesDirectory: String { policiesDirectory ?? environment["SEALQ_POLICIES"] ?? "./policies" }

    /// The principals of the policies directory, as the daemon loads them; a directory that does
    /// not exist (a typo, or the wrong working directory) is said on standard error, as the
    /// daemon warns of it: its answers would then know the admin alone.
    func principalCatalog(accountId: String) throws -> PrincipalCatalog {
        let directory = resolvedPoliciesDirectory
        if !FileManager.default.fileExists(atPath: directory) {
            FileHandle.standardError.write(
                Data("warning: policies directory \(directory) does not exist: the admin (AdministratorAccess) is the only principal\n".utf8))
        }
        return try PrincipalCatalog.load(directory: directory, accountId: accountId)
    }

    func validate() throws {
        _ = try Setting.value(policiesDirectory, option: "--policies", variable: "SEALQ_POLICIES")
    }
    /// The region: flag, then `SEALQ_REGION`, then `us-east-1`; shaped like `us-east-1`,
    /// `us-gov-west-1` or `cn-north-1` (lowercase words and a number, joined by hyphens).
    func resolvedRegion() throws -> String {
        let region = region ?? environment["SEALQ_REGION"] ?? "us-east-1"
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, region.count <= 32, parts.dropLast().allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }),
            let number = parts.last, !number.isEmpty, number.allSatisfy(\.isASCII), number.allSatisfy(\.isNumber)
        else { throw ValidationError("--region (or SEALQ_REGION) must be a region name such as us-east-1, not '\(region)'.") }
        return region
    }

    /// The account id: flag, then `SEALQ_ACCOUNT_ID`, then `000000000000`; 12 digits.
    func resolvedAccountId() throws -> String {
        let account = accountId ?? environment["SEALQ_ACCOUNT_ID"] ?? "000000000000"
        guard account.count == 12, account.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ValidationError("--account-id (or SEALQ_ACCOUNT_ID) must be 12 digits.")
        }
        return account
    }

    /// The account and region of an offline tool: the ones the data directory recorded, as the
    /// daemon on it uses them; an --account-id or --region (or its variable) that contradicts
    /// them is refused, as `sealq serve` refuses it. Without a record, the given ones or the defaults.
    func resolvedIdentity() throws -> DataDirectoryIdentity.Record {
        let given = DataDirectoryIdentity.Record(accountId: try resolvedAccountId(), region: try resolvedRegion())
        guard let recorded = try data.recordedIdentity() else { return given }
        let accountGiven = (accountId ?? environment["SEALQ_ACCOUNT_ID"]) != nil
        let regionGiven = (region ?? environment["SEALQ_REGION"]) != nil
        guard (!accountGiven || given.accountId == recorded.accountId) && (!regionGiven || given.region == recorded.region) else {
            throw ValidationError(
                """
                the data directory \(data.resolved) belongs to account \(recorded.accountId) in region \(recorded.region): \
                give --account-id \(recorded.accountId) --region \(recorded.region), or leave them out
                """)
        }
        return recorded
    }
}
