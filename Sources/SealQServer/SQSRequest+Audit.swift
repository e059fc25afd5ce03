import AuditTrail
import SQSWire
import WireFormat

extension SQSRequest {
    /// The call's CloudTrail `requestParameters`: the queue's URL (its name, for CreateQueue) and,
    /// for queue management, the attributes, tags, labels, accounts and tasks it names. Message
    /// bodies appear as `HIDDEN_DUE_TO_SECURITY_REASONS`; per-message ids stay out, so the records
    /// of one caller's sends to one queue read alike (the audit log stores such records once).
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
}
