import AuditTrail
import Foundation
import SigV4
import Storage
import WireJSON

/// `sealq audit key-usage`: from the audit log, how each KMS key was used — per key, principal,
/// queue (the `aws:sqs:arn` encryption context of uses the queue service made) and operation,
/// the number of successful uses and the first and last.
public enum KeyUsageReport {
    /// One line of the report.
    public struct Row: Codable, Equatable, Sendable {
        /// The key's ARN.
        public var keyArn: String
        /// Who used it.
        public var principalArn: String
        /// The queue it was used for, or nil for calls made directly to KMS.
        public var queueArn: String?
        /// The operation (`GenerateDataKey`, `Decrypt`, `Encrypt`, …).
        public var operation: String
        /// Successful uses.
        public var count: Int
        /// First and last use, as CloudTrail's eventTime.
        public var firstUse: String
        /// Last use.
        public var lastUse: String
    }

    /// A report that cannot be made.
    public struct Failure: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// The cryptographic operations that count as uses of a key.
    static let operations: Set<String> = [
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "VerifyMac",
    ]

    /// The rows for every key, or for `key` (an id, ARN, alias name or alias ARN), counting uses at or after
    /// `since` (to the second, as CloudTrail's eventTime).
    public static func rows(dataDirectory: String, key given: String? = nil, since: Date? = nil) throws -> [Row] {
        // eventTime is `YYYY-MM-DDTHH:MM:SSZ` in UTC, so its text sorts as its time does.
        let since = since.map { AmzDate.iso8601(seconds: Int64($0.timeIntervalSince1970.rounded(.down))) }
        var key = given
        // An alias ARN (`arn:aws:kms:REGION:ACCOUNT:alias/NAME`) names its alias, as KMS takes it.
        if let arn = given, arn.hasPrefix("arn:"), let range = arn.range(of: ":alias/") { key = String(arn[arn.index(after: range.lowerBound)...]) }
        if let name = key, name.hasPrefix("alias/") {
            let keyring = try SQLiteKeyStore.readKeyring(path: dataDirectory + "/sealq.sqlite")
            guard let alias = keyring.aliases[name] else { throw Failure(description: "No alias \(name) in \(dataDirectory).") }
            key = alias.targetKeyId
        }
        var rows: [String: Row] = [:]
        try SQLiteAuditStore.read(
            path: dataDirectory + "/sealq.sqlite", checkpoints: { _, _ in },
            events: { event in
                guard let record = try? JSONParser.parse(event.record), record["eventSource"]?.string == "kms.amazonaws.com",
                    let operation = record["eventName"]?.string, operations.contains(operation), record["errorCode"] == nil,
                    let time = record["eventTime"]?.string, since.map({ time >= $0 }) ?? true,
                    let keyArn = keyArn(of: record), key.map({ keyArn == $0 || keyArn.hasSuffix("/" + $0) }) ?? true
                else { return true }
                let principal = record["userIdentity"]?["arn"]?.string ?? "anonymous"
                // Only the queue service's own uses name a queue: anyone may put an `aws:sqs:arn`
                // context on a direct call.
                let queue = record["userIdentity"]?["invokedBy"]?.string == "sqs.amazonaws.com"
                    ? record["requestParameters"]?["encryptionContext"]?["aws:sqs:arn"]?.string : nil
                let name = [keyArn, principal, queue ?? "", operation].joined(separator: "|")
                var row = rows[name] ?? Row(
                    keyArn: keyArn, principalArn: principal, queueArn: queue, operation: operation, count: 0, firstUse: time, lastUse: time)
                row.count += 1
                row.firstUse = min(row.firstUse, time)
                row.lastUse = max(row.lastUse, time)
                rows[name] = row
                return true
            })
        return rows.values.sorted { ($0.keyArn, $0.principalArn, $0.queueArn ?? "", $0.operation) < ($1.keyArn, $1.principalArn, $1.queueArn ?? "", $1.operation) }
    }

    private static func keyArn(of record: JSONValue) -> String? {
        if case .array(let resources)? = record["resources"] {
            for resource in resources where resource["type"]?.string == "AWS::KMS::Key" { return resource["ARN"]?.string }
        }
        return nil
    }
}
