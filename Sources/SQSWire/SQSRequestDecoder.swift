import WireJSON
import Foundation
import QueueEngine

/// Decodes SQS requests of both wire protocols into `SQSRequest`s.
public struct SQSRequestDecoder: Sendable {
    private let accountId: String

    /// A decoder for queues of `accountId`.
    public init(accountId: String) {
        self.accountId = accountId
    }

    /// Decodes an AWS JSON 1.0 request (`X-Amz-Target: AmazonSQS.<Action>`).
    public func decodeJSON(action name: String, body: [UInt8]) throws(WireError) -> (SQSAction, SQSRequest) {
        guard let action = SQSAction(rawValue: name) else { throw WireError.invalidAction(name) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body.isEmpty ? Array("{}".utf8) : body, loneSurrogates: .noncharacter)
        } catch {
            throw WireError.serialization("The request body is not valid JSON.")
        }
        guard case .object(let object) = value else { throw WireError.serialization("The request body must be a JSON object.") }
        return (action, try decode(action, JSONParameters(object: object), pathQueue: .none))
    }

    /// Decodes a Query request from its merged query-string and form parameters; `path` may name the queue.
    public func decodeQuery(parameters: [String: String], path: String) throws(WireError) -> (SQSAction, SQSRequest) {
        guard let name = parameters["Action"], !name.isEmpty else { throw WireError.missingAction }
        guard let action = SQSAction(rawValue: name) else { throw WireError.invalidAction(name) }
        let pathQueue: PathQueue =
            if let name = QueueURL.queueName(in: path, accountId: accountId) { .named(name) } else if QueueURL.isQueuePath(path) {
                .elsewhere
            } else { .none }
        return (action, try decode(action, QueryParameters(values: parameters), pathQueue: pathQueue))
    }

    /// What a Query request's path says of its queue: none, one of this account, or one of
    /// another account (which does not exist here).
    private enum PathQueue {
        case none
        case named(String)
        case elsewhere
    }

    private func queue(_ parameters: any RequestParameters, pathQueue: PathQueue) throws(WireError) -> String {
        guard let url = try parameters.string("QueueUrl") else {
            switch pathQueue {
            case .named(let name): return name
            case .elsewhere: throw WireError(SQSError.queueDoesNotExist)
            case .none: throw WireError(SQSError.missingParameter("QueueUrl"))
            }
        }
        guard let name = QueueURL.queueName(in: url, accountId: accountId) else { throw WireError(SQSError.queueDoesNotExist) }
        return name
    }

    private func decode(_ action: SQSAction, _ p: any RequestParameters, pathQueue: PathQueue) throws(WireError) -> SQSRequest {
        switch action {
        case .createQueue:
            return .createQueue(
                name: try p.requiredString("QueueName"),
                attributes: try p.stringMap("Attributes", query: "Attribute", key: "Name", value: "Value"),
                tags: try p.stringMap("tags", query: "Tag", key: "Key", value: "Value"))
        case .getQueueUrl:
            let name = try p.requiredString("QueueName")
            // This endpoint holds one account's queues: another owner's queue does not exist here.
            if let owner = try p.string("QueueOwnerAWSAccountId"), owner != accountId { throw WireError(SQSError.queueDoesNotExist) }
            return .getQueueUrl(name: name)
        case .listQueues:
            return .listQueues(
                prefix: try p.string("QueueNamePrefix"), maxResults: try p.integer("MaxResults"),
                nextToken: try p.string("NextToken"))
        case .deleteQueue:
            return .deleteQueue(queue: try queue(p, pathQueue: pathQueue))
        case .getQueueAttributes:
            return .getQueueAttributes(
                queue: try queue(p, pathQueue: pathQueue), names: try p.strings("AttributeNames", query: "AttributeName"))
        case .setQueueAttributes:
            let queue = try queue(p, pathQueue: pathQueue)
            let attributes = try p.stringMap("Attributes", query: "Attribute", key: "Name", value: "Value")
            guard !attributes.isEmpty else { throw WireError(SQSError.missingParameter("Attributes")) }
            return .setQueueAttributes(queue: queue, attributes: attributes)
        case .purgeQueue:
            return .purgeQueue(queue: try queue(p, pathQueue: pathQueue))
        case .sendMessage:
            return .sendMessage(queue: try queue(p, pathQueue: pathQueue), try outgoingMessage(p, operation: action.rawValue))
        case .sendMessageBatch:
            let queue = try queue(p, pathQueue: pathQueue)
            var entries: [BatchEntry<OutgoingMessage>] = []
            for entry in try p.structures("Entries", query: "SendMessageBatchRequestEntry") {
                entries.append(BatchEntry(id: try entry.requiredString("Id"), payload: try outgoingMessage(entry, operation: action.rawValue)))
            }
            return .sendMessageBatch(queue: queue, entries)
        case .receiveMessage:
            let queue = try queue(p, pathQueue: pathQueue)
            let systemNames = try p.strings("MessageSystemAttributeNames", query: "MessageSystemAttributeName")
                + p.strings("AttributeNames", query: "AttributeName")
            return .receiveMessage(
                queue: queue,
                ReceiveRequest(
                    maxNumberOfMessages: try p.integer("MaxNumberOfMessages"),
                    visibilityTimeout: try p.integer("VisibilityTimeout"), waitTimeSeconds: try p.integer("WaitTimeSeconds"),
                    systemAttributeNames: systemNames,
                    messageAttributeNames: try p.strings("MessageAttributeNames", query: "MessageAttributeName"),
                    receiveRequestAttemptId: try p.string("ReceiveRequestAttemptId")))
        case .deleteMessage:
            return .deleteMessage(queue: try queue(p, pathQueue: pathQueue), receiptHandle: try p.requiredString("ReceiptHandle"))
        case .deleteMessageBatch:
            let queue = try queue(p, pathQueue: pathQueue)
            var entries: [BatchEntry<String>] = []
            for entry in try p.structures("Entries", query: "DeleteMessageBatchRequestEntry") {
                entries.append(BatchEntry(id: try entry.requiredString("Id"), payload: try entry.requiredString("ReceiptHandle")))
            }
            return .deleteMessageBatch(queue: queue, entries)
        case .changeMessageVisibility:
            return .changeMessageVisibility(
                queue: try queue(p, pathQueue: pathQueue), receiptHandle: try p.requiredString("ReceiptHandle"),
                visibilityTimeout: try p.requiredInteger("VisibilityTimeout"))
        case .changeMessageVisibilityBatch:
            let queue = try queue(p, pathQueue: pathQueue)
            var entries: [BatchEntry<(receiptHandle: String, visibilityTimeout: Int?)>] = []
            for entry in try p.structures("Entries", query: "ChangeMessageVisibilityBatchRequestEntry") {
                entries.append(
                    BatchEntry(
                        id: try entry.requiredString("Id"),
                        payload: (try entry.requiredString("ReceiptHandle"), try entry.integer("VisibilityTimeout"))))
            }
            return .changeMessageVisibilityBatch(queue: queue, entries)
        case .tagQueue:
            return .tagQueue(
                queue: try queue(p, pathQueue: pathQueue), tags: try p.stringMap("Tags", query: "Tag", key: "Key", value: "Value"))
        case .untagQueue:
            return .untagQueue(queue: try queue(p, pathQueue: pathQueue), keys: try p.strings("TagKeys", query: "TagKey"))
        case .listQueueTags:
            return .listQueueTags(queue: try queue(p, pathQueue: pathQueue))
        case .addPermission:
            return .addPermission(
                queue: try queue(p, pathQueue: pathQueue), label: try p.requiredString("Label"),
                accountIds: try p.strings("AWSAccountIds", query: "AWSAccountId"),
                actions: try p.strings("Actions", query: "ActionName"))
        case .removePermission:
            return .removePermission(queue: try queue(p, pathQueue: pathQueue), label: try p.requiredString("Label"))
        case .listDeadLetterSourceQueues:
            return .listDeadLetterSourceQueues(
                queue: try queue(p, pathQueue: pathQueue), maxResults: try p.integer("MaxResults"),
                nextToken: try p.string("NextToken"))
        case .startMessageMoveTask:
            return .startMessageMoveTask(
                sourceArn: try p.requiredString("SourceArn"), destinationArn: try p.string("DestinationArn"),
                maxNumberOfMessagesPerSecond: try p.integer("MaxNumberOfMessagesPerSecond"))
        case .cancelMessageMoveTask:
            return .cancelMessageMoveTask(taskHandle: try p.requiredString("TaskHandle"))
        case .listMessageMoveTasks:
            return .listMessageMoveTasks(sourceArn: try p.requiredString("SourceArn"), maxResults: try p.integer("MaxResults"))
        }
    }

    private func outgoingMessage(_ p: any RequestParameters, operation: String) throws(WireError) -> OutgoingMessage {
        OutgoingMessage(
            body: try p.requiredString("MessageBody"), delaySeconds: try p.integer("DelaySeconds"),
            attributes: try p.attributeValues("MessageAttributes", query: "MessageAttribute", operation: operation),
            systemAttributes: try p.attributeValues("MessageSystemAttributes", query: "MessageSystemAttribute", operation: operation),
            groupId: try p.string("MessageGroupId"), deduplicationId: try p.string("MessageDeduplicationId"))
    }
}
