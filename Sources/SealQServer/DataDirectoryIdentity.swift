import Foundation
import Principals
import Storage

/// The account and region a data directory was set up for, kept in `DATA/identity.json`.
///
/// Queue and key ARNs, and the associated data of every encrypted message, name them. A daemon
/// started on the directory with another `--account-id` or `--region` would fail on every queue
/// already there, so it refuses to start instead.
public enum DataDirectoryIdentity {
    /// The directory belongs to another account or region.
    struct Mismatch: Error, CustomStringConvertible {
        /// What differs, and how to start instead.
        var description: String
    }

    /// An account and region.
    public struct Record: Codable, Equatable, Sendable {
        /// The 12-digit account id in every ARN.
        public var accountId: String
        /// The region in every ARN.
        public var region: String

        /// A record of `accountId` and `region`.
        public init(accountId: String, region: String) {
            self.accountId = accountId
            self.region = region
        }
    }

    /// The account and region recorded in `dataDirectory`, nil when it has none (it was never
    /// set up, or by a SealQ from before the record existed); for the offline tools.
    public static func recorded(in dataDirectory: String) throws -> Record? {
        let path = dataDirectory + "/identity.json"
        guard let data = try SecretFiles.read(path).map({ Data($0) }) else { return nil }
        guard let record = try? JSONDecoder().decode(Record.self, from: data) else {
            throw Mismatch(description: "\(path) is not an account and region record; restore it, or start the daemon to check it")
        }
        return record
    }

    /// Records the account and region of `configuration` on a first start; afterwards checks that
    /// they are the ones recorded. A directory from before `identity.json` existed is checked
    /// against the ARNs of the keys it holds first, so an upgrade cannot record the wrong ones.
    static func bind(_ configuration: ServerConfiguration) throws {
        let path = configuration.dataDirectory + "/identity.json"
        let current = Record(accountId: configuration.accountId, region: configuration.region)
        guard let data = try SecretFiles.read(path).map({ Data($0) }) else {
            if let arn = try SQLiteKeyStore.anyKeyArn(path: configuration.databasePath), let found = Record(arn: arn), found != current {
                throw Mismatch(
                    description: """
                        the data directory \(configuration.dataDirectory) holds keys made for account \(found.accountId) in \
                        region \(found.region), whose ARNs its queues, keys and encrypted messages name: start with \
                        --account-id \(found.accountId) --region \(found.region), or use another --data-dir
                        """)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try SecretFiles.write(Array(try encoder.encode(current)), to: path)
            return
        }
        guard let stored = try? JSONDecoder().decode(Record.self, from: data) else {
            throw Mismatch(description: "\(path) is not an account and region record; restore it or remove it to record the current ones")
        }
        guard stored == current else {
            throw Mismatch(
                description: """
                    the data directory \(configuration.dataDirectory) belongs to account \(stored.accountId) in region \
                    \(stored.region), whose ARNs its queues, keys and encrypted messages name: start with --account-id \
                    \(stored.accountId) --region \(stored.region), or use another --data-dir
                    """)
        }
    }
}

extension DataDirectoryIdentity.Record {
    /// The account and region an ARN (`arn:aws:kms:REGION:ACCOUNT:…`) names.
    init?(arn: String) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count > 5, !parts[3].isEmpty, !parts[4].isEmpty else { return nil }
        self.init(accountId: String(parts[4]), region: String(parts[3]))
    }
}
