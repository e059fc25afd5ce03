import Foundation

/// A queue's RedrivePolicy attribute: where messages go after too many receives.
public struct RedrivePolicy: Sendable, Equatable {
    /// ARN of the dead-letter queue.
    public var deadLetterTargetArn: String
    /// Receives after which a message moves (1–1,000).
    public var maxReceiveCount: Int

    /// Parses the attribute's JSON; throws `InvalidParameterValue` naming what is wrong.
    public init(json text: String) throws(SQSError) {
        guard let object = Self.object(text) else { throw Self.invalid(text, "Redrive policy is not a valid JSON map.") }
        guard let arn = object["deadLetterTargetArn"] as? String, !arn.isEmpty else {
            throw Self.invalid(text, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
        }
        guard let count = Self.integer(in: text, member: "maxReceiveCount") else { throw Self.invalid(text, "Redrive policy does not contain mandatory attribute: maxReceiveCount.") }
        guard (1...1000).contains(count) else {
            throw Self.invalid(text, "Invalid value for maxReceiveCount: \(count), valid values are from 1 to 1000 both inclusive.")
        }
        deadLetterTargetArn = arn
        maxReceiveCount = count
    }

    /// An integer member given as a JSON number or a numeric string (AWS accepts both).
    private static func integer(in text: String, member: String) -> Int? {
        struct Member: Decodable {
            let value: Int?
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                value = (try? container.decode(Int.self)) ?? (try? container.decode(String.self)).flatMap { Int($0) }
            }
        }
        let members = try? JSONDecoder().decode([String: Member].self, from: Data(text.utf8))
        return members?[member]?.value
    }

    static func object(_ text: String) -> [String: Any]? {
        guard let data = text.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
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
        guard let permission = object["redrivePermission"] as? String, ["allowAll", "denyAll", "byQueue"].contains(permission) else {
            throw Self.invalid(text, "Invalid value for redrivePermission. Valid values are allowAll, denyAll and byQueue.")
        }
        let arns = object["sourceQueueArns"]
        if permission == "byQueue" {
            guard let list = arns as? [String], (1...10).contains(list.count) else {
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
}
