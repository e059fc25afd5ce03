import Foundation

extension QueueSettings {
    /// Applies attribute values as CreateQueue and SetQueueAttributes receive them.
    ///
    /// Validates every name and value first and changes nothing when one is wrong, so a
    /// request is applied whole or not at all.
    /// - Parameter creating: true for CreateQueue, where `FifoQueue` may be given.
    public mutating func apply(_ attributes: [String: String], creating: Bool) throws(SQSError) {
        var updated = self
        if let key = attributes["KmsMasterKeyId"], !key.isEmpty, attributes["SqsManagedSseEnabled"]?.lowercased() == "true" {
            throw SQSError(
                .invalidAttributeValue,
                "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
        }
        let isFifo = creating ? (attributes["FifoQueue"].map { $0.lowercased() == "true" } ?? false) : fifoQueue
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            guard let attribute = QueueAttributeName(rawValue: name), !attribute.isReadOnly else {
                throw SQSError(.invalidAttributeName, "Unknown Attribute \(name).")
            }
            if attribute.isFifoOnly && !isFifo {
                // AWS's words for these two (as its CreateQueue answers show); the others are unknown names.
                switch attribute {
                case .deduplicationScope:
                    throw SQSError(.invalidAttributeName, "You can specify the DeduplicationScope only when FifoQueue is set to true")
                case .fifoThroughputLimit:
                    throw SQSError(.invalidAttributeName, "You can specify the FifoThroughputLimit only when FifoQueue is set to true.")
                default: throw SQSError(.invalidAttributeName, "Unknown Attribute \(name).")
                }
            }
            try updated.set(attribute, to: value, creating: creating)
        }
        if updated.fifoThroughputLimit == "perMessageGroupId" && updated.deduplicationScope != "messageGroup" {
            throw SQSError(
                .invalidAttributeValue,
                "Invalid value for the parameter FifoThroughputLimit. Reason: To set FifoThroughputLimit to perMessageGroupId, the DeduplicationScope must be messageGroup.")
        }
        self = updated
    }

    private mutating func set(_ attribute: QueueAttributeName, to value: String, creating: Bool) throws(SQSError) {
        switch attribute {
        case .delaySeconds: delaySeconds = try Self.integer(value, attribute, in: 0...900)
        case .maximumMessageSize: maximumMessageSize = try Self.integer(value, attribute, in: 1024...1_048_576)
        case .messageRetentionPeriod: messageRetentionPeriod = try Self.integer(value, attribute, in: 60...1_209_600)
        case .receiveMessageWaitTimeSeconds: receiveMessageWaitTimeSeconds = try Self.integer(value, attribute, in: 0...20)
        case .visibilityTimeout: visibilityTimeout = try Self.integer(value, attribute, in: 0...43_200)
        case .kmsDataKeyReusePeriodSeconds:
            kmsDataKeyReusePeriodSeconds = try Self.integer(value, attribute, in: 60...86_400)
        case .policy: policy = try Self.jsonObject(value, attribute)
        case .redrivePolicy: redrivePolicy = RedrivePolicy.canonical(try Self.jsonObject(value, attribute))
        case .redriveAllowPolicy: redriveAllowPolicy = try Self.jsonObject(value, attribute)
        case .kmsMasterKeyId:
            // Setting a KMS key turns SSE-SQS off; clearing it turns SSE-SQS back on (as AWS does).
            guard value.isEmpty || Self.isKeyIdentifier(value) else { throw Self.invalid(attribute) }
            kmsMasterKeyId = value.isEmpty ? nil : value
            sqsManagedSseEnabled = value.isEmpty
        case .sqsManagedSseEnabled:
            sqsManagedSseEnabled = try Self.boolean(value, attribute)
            if sqsManagedSseEnabled { kmsMasterKeyId = nil }
        case .fifoQueue:
            guard creating else { throw SQSError(.invalidAttributeName, "Unknown Attribute FifoQueue.") }
            fifoQueue = try Self.boolean(value, attribute)
        case .contentBasedDeduplication: contentBasedDeduplication = try Self.boolean(value, attribute)
        case .deduplicationScope:
            deduplicationScope = try Self.oneOf(value, attribute, ["queue", "messageGroup"])
        case .fifoThroughputLimit:
            fifoThroughputLimit = try Self.oneOf(value, attribute, ["perQueue", "perMessageGroupId"])
        case .all, .approximateNumberOfMessages, .approximateNumberOfMessagesNotVisible,
            .approximateNumberOfMessagesDelayed, .createdTimestamp, .lastModifiedTimestamp, .queueArn:
            throw SQSError(.invalidAttributeName, "Unknown Attribute \(attribute.rawValue).")
        }
    }

    /// The stored (settable) attributes as the API reports them; optional ones only when set.
    public func attributeValues() -> [QueueAttributeName: String] {
        var values: [QueueAttributeName: String] = [
            .delaySeconds: String(delaySeconds),
            .maximumMessageSize: String(maximumMessageSize),
            .messageRetentionPeriod: String(messageRetentionPeriod),
            .receiveMessageWaitTimeSeconds: String(receiveMessageWaitTimeSeconds),
            .visibilityTimeout: String(visibilityTimeout),
            .sqsManagedSseEnabled: String(sqsManagedSseEnabled),
        ]
        if let policy { values[.policy] = policy }
        // Canonical as AWS gives it back, stored so or not (queues made before 2e15b7c kept the text sent).
        if let redrivePolicy { values[.redrivePolicy] = RedrivePolicy.canonical(redrivePolicy) }
        if let redriveAllowPolicy { values[.redriveAllowPolicy] = redriveAllowPolicy }
        if let kmsMasterKeyId {
            values[.kmsMasterKeyId] = kmsMasterKeyId
            values[.kmsDataKeyReusePeriodSeconds] = String(kmsDataKeyReusePeriodSeconds)
        }
        if fifoQueue {
            values[.fifoQueue] = "true"
            values[.contentBasedDeduplication] = String(contentBasedDeduplication)
            values[.deduplicationScope] = deduplicationScope
            values[.fifoThroughputLimit] = fifoThroughputLimit
        }
        return values
    }

    /// Whether `value` has the shape of a KMS key identifier: a key id (UUID or `mrk-…`), a key
    /// ARN, `alias/NAME` or an alias ARN. Whether the key exists is found out when it is used.
    static func isKeyIdentifier(_ value: String) -> Bool {
        func isKeyId(_ text: Substring) -> Bool {
            if text.hasPrefix("mrk-") { return text.count == 36 && text.dropFirst(4).allSatisfy(\.isHexDigit) }
            return UUID(uuidString: String(text)) != nil
        }
        func isAlias(_ text: Substring) -> Bool {
            guard text.hasPrefix("alias/"), (7...256).contains(text.count) else { return false }
            return text.dropFirst(6).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_-".contains($0)) }
        }
        let text = Substring(value)
        guard value.hasPrefix("arn:") else { return isKeyId(text) || isAlias(text) }
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[1].hasPrefix("aws"), parts[2] == "kms", !parts[3].isEmpty,
            parts[4].count == 12, parts[4].allSatisfy(\.isNumber)
        else { return false }
        return parts[5].hasPrefix("key/") ? isKeyId(parts[5].dropFirst(4)) : isAlias(parts[5])
    }

    private static func invalid(_ attribute: QueueAttributeName) -> SQSError {
        SQSError(.invalidAttributeValue, "Invalid value for the parameter \(attribute.rawValue).")
    }

    private static func integer(_ value: String, _ attribute: QueueAttributeName, in range: ClosedRange<Int>) throws(SQSError) -> Int {
        guard let number = Int(value), range.contains(number) else { throw invalid(attribute) }
        return number
    }

    private static func boolean(_ value: String, _ attribute: QueueAttributeName) throws(SQSError) -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw invalid(attribute)
        }
    }

    private static func oneOf(_ value: String, _ attribute: QueueAttributeName, _ allowed: [String]) throws(SQSError) -> String {
        guard allowed.contains(value) else { throw invalid(attribute) }
        return value
    }

    private static func jsonObject(_ value: String, _ attribute: QueueAttributeName) throws(SQSError) -> String? {
        if value.isEmpty { return nil }
        guard let data = value.data(using: .utf8),
            (try? JSONSerialization.jsonObject(with: data)) is [String: Any]
        else { throw invalid(attribute) }
        return value
    }
}
