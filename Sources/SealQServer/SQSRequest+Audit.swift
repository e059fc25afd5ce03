import AuditTrail
import QueueEngine
import SQSWire
import WireFormat

extension SQSRequest {
    /// The call's CloudTrail `requestParameters`: the queue's URL (its name, for CreateQueue) and,
    /// for queue management, the attributes, tags, labels, accounts and tasks it names. Message
    /// bodies appear as `HIDDEN_DUE_TO_SECURITY_REASONS`; per-message values stay out, so the
    /// records of one caller's sends to one queue share a template (the audit log stores it
    /// once), and only what a send made (`sendResponseElements`) is stored with each event.
    func auditParameters(queueUrl: String?) -> OutputNode? {
        var parameters: [(String, OutputNode)] = []
        if case .createQueue(let name, _, _) = self {
            parameters.append(("queueName", .text(name)))
        } else if let queueUrl {
            parameters.append(("queueUrl", .text(queueUrl)))
        }
        func map(_ pairs: [String: String]) -> OutputNode {
            .structure(pairs.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value)) })
        }
        func texts(_ values: [String]) -> OutputNode { .list(itemName: "", values.map { .text($0) }) }
        switch self {
        case .createQueue(_, let attributes, let tags):
            if !attributes.isEmpty { parameters.append(("attributes", map(attributes))) }
            if !tags.isEmpty { parameters.append(("tags", map(tags))) }
        case .setQueueAttributes(_, let attributes): parameters.append(("attributes", map(attributes)))
        case .tagQueue(_, let tags): parameters.append(("tags", map(tags)))
        case .untagQueue(_, let keys): parameters.append(("tagKeys", texts(keys)))
        case .addPermission(_, let label, let accountIds, let actions):
            parameters += [("label", .text(label)), ("aWSAccountIds", texts(accountIds)), ("actions", texts(actions))]
        case .removePermission(_, let label): parameters.append(("label", .text(label)))
        case .sendMessage, .sendMessageBatch: parameters.append(("messageBody", .text(AuditEvent.hidden)))
        case .listQueues(let prefix, _, _): if let prefix { parameters.append(("queueNamePrefix", .text(prefix))) }
        case .startMessageMoveTask(let source, let destination, let rate):
            parameters.append(("sourceArn", .text(source)))
            if let destination { parameters.append(("destinationArn", .text(destination))) }
            if let rate { parameters.append(("maxNumberOfMessagesPerSecond", .number(Int64(rate)))) }
        case .listMessageMoveTasks(let source, _): parameters.append(("sourceArn", .text(source)))
        default: break
        }
        return parameters.isEmpty ? nil : .structure(parameters)
    }

    /// Whether the call's record names what it made in responseElements of its own.
    var recordsWhatItStored: Bool {
        switch self {
        case .sendMessage, .sendMessageBatch: true
        default: false
        }
    }

    /// CloudTrail's responseElements of a send that stored `items`: for each message its id,
    /// the MD5s the caller was answered with and, on a FIFO queue, its sequence number; a batch
    /// lists them under `successful` with their entry ids. Nil for other calls.
    func sendResponseElements(_ items: [StoredSends.Item]) -> OutputNode? {
        func described(_ sent: SentMessage, _ message: OutgoingMessage, entryId: String?) -> OutputNode {
            var members: [(String, OutputNode)] = entryId.map { [("id", .text($0))] } ?? []
            if let digest = MessageDigests.attributes(message.attributes) { members.append(("mD5OfMessageAttributes", .text(digest))) }
            members.append(("mD5OfMessageBody", .text(MessageDigests.body(message.body))))
            if let digest = MessageDigests.attributes(message.systemAttributes) {
                members.append(("mD5OfMessageSystemAttributes", .text(digest)))
            }
            members.append(("messageId", .text(sent.messageId)))
            if let sequence = sent.sequenceNumber { members.append(("sequenceNumber", .text(sequence))) }
            return .structure(members)
        }
        switch self {
        case .sendMessage(_, let message):
            return items.first.map { described($0.sent, message, entryId: nil) }
        case .sendMessageBatch(_, let entries):
            let payloads = Dictionary(entries.map { ($0.id, $0.payload) }, uniquingKeysWith: { first, _ in first })
            let successful = items.compactMap { item in
                item.entryId.flatMap { payloads[$0] }.map { described(item.sent, $0, entryId: item.entryId) }
            }
            return .structure([("successful", .list(itemName: "", successful))])
        default:
            return nil
        }
    }
}
