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

    /// Whether the call is recorded once answered rather than with its first change.
    var recordedWhenAnswered: Bool {
        if case .receiveMessage = self { true } else { false }
    }

    /// Whether the call's record names what it made in responseElements of its own.
    var recordsWhatItStored: Bool {
        switch self {
        case .sendMessage, .sendMessageBatch: true
        default: false
        }
    }

    /// CloudTrail's responseElements (JSON) of a send that stored `items`: the message's id, the
    /// MD5s the caller was answered with (on a queue with SSE off) and, on a FIFO queue, its
    /// sequence number; a batch lists
    /// under `successful` each entry's id with its message's id (and sequence number). Nil for
    /// other calls. Written straight to bytes, and lean for batches: every send pays for it.
    func sendResponseElements(_ items: [StoredSends.Item]) -> [UInt8]? {
        var json: [UInt8] = []
        json.reserveCapacity(96 * max(items.count, 1))
        func member(_ name: StaticString, _ value: String) {
            if json.last != UInt8(ascii: "{") { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { json.append(contentsOf: $0) }
            json.append(contentsOf: "\":".utf8)
            JSONWriter.writeString(value, into: &json)
        }
        switch self {
        case .sendMessage(_, let message):
            guard let item = items.first else { return nil }
            let sent = item.sent
            json.append(UInt8(ascii: "{"))
            // Beside sealed messages an MD5 would let whoever holds the file confirm a guessed
            // body (a yes/no verdict, a card number): CloudTrail's digests are kept only for
            // queues with SSE off.
            if !item.sealed {
                if let digest = MessageDigests.attributes(message.attributes) { member("mD5OfMessageAttributes", digest) }
                member("mD5OfMessageBody", MessageDigests.body(message.body))
                if let digest = MessageDigests.attributes(message.systemAttributes) { member("mD5OfMessageSystemAttributes", digest) }
            }
            member("messageId", sent.messageId)
            if let sequence = sent.sequenceNumber { member("sequenceNumber", sequence) }
            json.append(UInt8(ascii: "}"))
        case .sendMessageBatch:
            json.append(contentsOf: #"{"successful":["#.utf8)
            for item in items {
                guard let entryId = item.entryId else { continue }
                if json.last == UInt8(ascii: "}") { json.append(UInt8(ascii: ",")) }
                json.append(UInt8(ascii: "{"))
                member("id", entryId)
                member("messageId", item.sent.messageId)
                if let sequence = item.sent.sequenceNumber { member("sequenceNumber", sequence) }
                json.append(UInt8(ascii: "}"))
            }
            json.append(contentsOf: "]}".utf8)
        default:
            return nil
        }
        return json
    }
}
