/// Which system and user attributes a ReceiveMessage asked for.
struct AttributeSelection {
    /// The names a receive may ask for. SqsManagedSseEnabled is one the older AttributeNames
    /// parameter documents; it names no message attribute, so it is accepted and adds nothing.
    private static let systemNames: Set<String> = [
        "All", "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
        "SequenceNumber", "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
        "SqsManagedSseEnabled",
    ]
    private let system: Set<String>
    private let allMessageAttributes: Bool
    private let messageNames: Set<String>
    private let messagePrefixes: [String]

    /// Validates the requested names.
    init(system: [String], message: [String]) throws(SQSError) {
        for name in system where !Self.systemNames.contains(name) {
            throw SQSError(.invalidAttributeName, "Unknown Attribute \(name).")
        }
        self.system = Set(system)
        allMessageAttributes = message.contains("All") || message.contains(".*")
        messageNames = Set(message.filter { !$0.hasSuffix(".*") })
        messagePrefixes = message.filter { $0.hasSuffix(".*") && $0 != ".*" }.map { String($0.dropLast(1)) }
    }

    private func wants(_ name: String) -> Bool {
        system.contains("All") || system.contains(name)
    }

    /// The requested system attributes of a received message.
    func systemAttributes(of message: StoredMessage, fifo: Bool) -> [String: String] {
        var result: [String: String] = [:]
        let content = message.content
        if wants("SenderId") { result["SenderId"] = content.senderId }
        if wants("SentTimestamp") { result["SentTimestamp"] = String(content.sentAt) }
        if wants("ApproximateReceiveCount") { result["ApproximateReceiveCount"] = String(message.receiveCount) }
        if wants("ApproximateFirstReceiveTimestamp") {
            result["ApproximateFirstReceiveTimestamp"] = String(message.firstReceivedAt)
        }
        if wants("AWSTraceHeader"), let trace = content.systemAttributes["AWSTraceHeader"]?.stringValue {
            result["AWSTraceHeader"] = trace
        }
        if wants("MessageGroupId"), let group = content.groupId { result["MessageGroupId"] = group }
        if wants("MessageDeduplicationId"), let dedup = content.deduplicationId { result["MessageDeduplicationId"] = dedup }
        if wants("DeadLetterQueueSourceArn"), let source = content.deadLetterSourceArn { result["DeadLetterQueueSourceArn"] = source }
        if fifo && wants("SequenceNumber") { result["SequenceNumber"] = SequenceNumber.format(message.sequence) }
        return result
    }

    /// The requested user attributes.
    func messageAttributes(of attributes: [String: MessageAttributeValue]) -> [String: MessageAttributeValue] {
        if allMessageAttributes { return attributes }
        return attributes.filter { name, _ in
            messageNames.contains(name) || messagePrefixes.contains { name.hasPrefix($0) }
        }
    }
}
