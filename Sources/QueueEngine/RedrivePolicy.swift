import Foundation
import WireJSON

/// A queue's RedrivePolicy attribute: where messages go after too many receives.
public struct RedrivePolicy: Sendable, Equatable {
    /// ARN of the dead-letter queue.
    public var deadLetterTargetArn: String
    /// Receives after which a message moves (1–1,000).
    public var maxReceiveCount: Int

    /// A RedrivePolicy as AWS gives it back: `{"deadLetterTargetArn":…,"maxReceiveCount":N}`,
    /// the count a number. Text that is not a valid policy is kept for validation to refuse.
    static func canonical(_ text: String?) -> String? {
        guard let text, let policy = try? RedrivePolicy(json: text) else { return text }
        let object: [String: Any] = ["deadLetterTargetArn": policy.deadLetterTargetArn, "maxReceiveCount": policy.maxReceiveCount]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return text
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses the attribute's JSON; throws `InvalidParameterValue` naming what is wrong.
    public init(json text: String) throws(SQSError) {
        guard let object = Self.object(text) else { throw Self.invalid(text, "Redrive policy is not a valid JSON map.") }
        // AWS asks for maxReceiveCount first ("{}" is told about it), then deadLetterTargetArn.
        guard object["maxReceiveCount"] != nil else {
            throw Self.invalid(text, "Redrive policy does not contain mandatory attribute: maxReceiveCount.")
        }
        guard let arn = object["deadLetterTargetArn"]?.string, !arn.isEmpty else {
            throw Self.invalid(text, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
        }
        guard RedriveAllowPolicy.isQueueArn(arn) else { throw Self.invalid(text, "Invalid value for deadLetterTargetArn.") }
        // AWS accepts the count as a JSON number or a numeric string.
        let count: Int?
        switch object["maxReceiveCount"] {
        case .number(let number)? where number.rounded() == number && abs(number) < 1e9: count = Int(number)
        case .string(let digits)?: count = Int(digits)
        default: count = nil
        }
        guard let count else {
            throw Self.invalid(text, "Invalid value for maxReceiveCount: it must be a whole number from 1 to 1000.")
        }
        guard (1...1000).contains(count) else {
            throw Self.invalid(text, "Invalid value for maxReceiveCount: \(count), valid values are from 1 to 1000 both inclusive.")
        }
        deadLetterTargetArn = arn
        maxReceiveCount = count
    }

    /// The members of a JSON object, or nil when `text` is not one.
    static func object(_ text: String) -> [String: JSONValue]? {
        guard case .object(let members)? = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        return members
    }

    static func invalid(_ text: String, _ reason: String) -> SQSError {
        SQSError.invalidParameter("RedrivePolicy", value: text, reason: reason)
    }
}

/// A queue's RedriveAllowPolicy attribute: which source queues may use it as their DLQ.
public struct RedriveAllowPolicy: Sendable, Equatable {
    /// `allowAll`, `denyAll` or `byQueue`.
    public var permission: String
    /// With `byQueue`, the allowed source queue ARNs (1–10).
    public var sourceQueueArns: [String]

    /// Parses the attribute's JSON; throws `InvalidParameterValue` naming what is wrong.
    public init(json text: String) throws(SQSError) {
        guard let object = RedrivePolicy.object(text) else {
            throw Self.invalid(text, "Redrive allow policy is not a valid JSON map.")
        }
        guard let permission = object["redrivePermission"]?.string, ["allowAll", "denyAll", "byQueue"].contains(permission) else {
            throw Self.invalid(text, "Invalid value for redrivePermission. Valid values are allowAll, denyAll and byQueue.")
        }
        let arns = object["sourceQueueArns"]
        if permission == "byQueue" {
            let list = arns?.array?.compactMap(\.string).filter(Self.isQueueArn) ?? []
            guard list.count == arns?.array?.count, (1...10).contains(list.count) else {
                throw Self.invalid(
                    text, "sourceQueueArns must be a list of 1 to 10 queue ARNs when redrivePermission is byQueue.")
            }
            sourceQueueArns = list
        } else {
            guard arns == nil else {
                throw Self.invalid(text, "sourceQueueArns is allowed only when redrivePermission is byQueue.")
            }
            sourceQueueArns = []
        }
        self.permission = permission
    }

    /// Whether a queue with ARN `source` may dead-letter into the queue holding this policy.
    public func allows(_ source: String) -> Bool {
        switch permission {
        case "allowAll": return true
        case "byQueue": return sourceQueueArns.contains(source)
        default: return false
        }
    }

    private static func invalid(_ text: String, _ reason: String) -> SQSError {
        SQSError.invalidParameter("RedriveAllowPolicy", value: text, reason: reason)
    }

    /// Whether `text` has the form of an SQS queue ARN (`arn:PARTITION:sqs:REGION:ACCOUNT:NAME`).
    static func isQueueArn(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && !parts[1].isEmpty && parts[2] == "sqs" && !parts[3].isEmpty
            && parts[4].count == 12 && parts[4].allSatisfy { $0.isASCII && $0.isNumber } && !parts[5].isEmpty
    }
}
