import QueueEngine

/// A decoded SQS API call, the same whichever wire protocol carried it.
public enum SQSRequest: Sendable {
    case createQueue(name: String, attributes: [String: String], tags: [String: String])
    case getQueueUrl(name: String)
    case listQueues(prefix: String?, maxResults: Int?, nextToken: String?)
    case deleteQueue(queue: String)
    case getQueueAttributes(queue: String, names: [String])
    case setQueueAttributes(queue: String, attributes: [String: String])
    case purgeQueue(queue: String)
    case sendMessage(queue: String, OutgoingMessage)
    case sendMessageBatch(queue: String, [BatchEntry<OutgoingMessage>])
    case receiveMessage(queue: String, ReceiveRequest)
    case deleteMessage(queue: String, receiptHandle: String)
    case deleteMessageBatch(queue: String, [BatchEntry<String>])
    case changeMessageVisibility(queue: String, receiptHandle: String, visibilityTimeout: Int)
    case changeMessageVisibilityBatch(queue: String, [BatchEntry<(receiptHandle: String, visibilityTimeout: Int?)>])
    case tagQueue(queue: String, tags: [String: String])
    case untagQueue(queue: String, keys: [String])
    case listQueueTags(queue: String)
    case addPermission(queue: String, label: String, accountIds: [String], actions: [String])
    case removePermission(queue: String, label: String)
    case listDeadLetterSourceQueues(queue: String, maxResults: Int?, nextToken: String?)
    case startMessageMoveTask(sourceArn: String, destinationArn: String?, maxNumberOfMessagesPerSecond: Int?)
    case cancelMessageMoveTask(taskHandle: String)
    case listMessageMoveTasks(sourceArn: String, maxResults: Int?)

    /// The call with the X-Ray trace header of its HTTP request (`X-Amzn-Trace-Id`) as the
    /// `AWSTraceHeader` system attribute of each message it sends that names none: AWS's X-Ray
    /// guide says the header "corresponds to all messages included in a SendMessage or
    /// SendMessageBatch request", and that the message system attribute wins when both are set.
    public func tracing(_ header: String?) -> SQSRequest {
        guard let header, !header.isEmpty else { return self }
        func traced(_ message: OutgoingMessage) -> OutgoingMessage {
            guard message.systemAttributes["AWSTraceHeader"] == nil else { return message }
            var traced = message
            traced.systemAttributes["AWSTraceHeader"] = MessageAttributeValue(dataType: "String", stringValue: header)
            return traced
        }
        switch self {
        case .sendMessage(let queue, let message): return .sendMessage(queue: queue, traced(message))
        case .sendMessageBatch(let queue, let entries):
            return .sendMessageBatch(queue: queue, entries.map { BatchEntry(id: $0.id, payload: traced($0.payload)) })
        default: return self
        }
    }

    /// The queue name a queue ARN ends with (`arn:aws:sqs:REGION:ACCOUNT:NAME`).
    public static func queueName(inArn arn: String) -> String? {
        arn.split(separator: ":").last.map(String.init)
    }

    /// The queue the call acts on, if it names one.
    public var queueName: String? {
        switch self {
        case .createQueue(let name, _, _), .getQueueUrl(let name): return name
        case .listQueues, .cancelMessageMoveTask: return nil
        case .startMessageMoveTask(let arn, _, _), .listMessageMoveTasks(let arn, _):
            return Self.queueName(inArn: arn)
        case .deleteQueue(let queue), .getQueueAttributes(let queue, _), .setQueueAttributes(let queue, _),
            .purgeQueue(let queue), .sendMessage(let queue, _), .sendMessageBatch(let queue, _),
            .receiveMessage(let queue, _), .deleteMessage(let queue, _), .deleteMessageBatch(let queue, _),
            .changeMessageVisibility(let queue, _, _), .changeMessageVisibilityBatch(let queue, _),
            .tagQueue(let queue, _), .untagQueue(let queue, _), .listQueueTags(let queue),
            .addPermission(let queue, _, _, _), .removePermission(let queue, _),
            .listDeadLetterSourceQueues(let queue, _, _):
            return queue
        }
    }
}

/// The SQS actions, by their API names.
public enum SQSAction: String, Sendable, CaseIterable {
    case addPermission = "AddPermission"
    case cancelMessageMoveTask = "CancelMessageMoveTask"
    case changeMessageVisibility = "ChangeMessageVisibility"
    case changeMessageVisibilityBatch = "ChangeMessageVisibilityBatch"
    case createQueue = "CreateQueue"
    case deleteMessage = "DeleteMessage"
    case deleteMessageBatch = "DeleteMessageBatch"
    case deleteQueue = "DeleteQueue"
    case getQueueAttributes = "GetQueueAttributes"
    case getQueueUrl = "GetQueueUrl"
    case listDeadLetterSourceQueues = "ListDeadLetterSourceQueues"
    case listMessageMoveTasks = "ListMessageMoveTasks"
    case listQueueTags = "ListQueueTags"
    case listQueues = "ListQueues"
    case purgeQueue = "PurgeQueue"
    case receiveMessage = "ReceiveMessage"
    case removePermission = "RemovePermission"
    case sendMessage = "SendMessage"
    case sendMessageBatch = "SendMessageBatch"
    case setQueueAttributes = "SetQueueAttributes"
    case startMessageMoveTask = "StartMessageMoveTask"
    case tagQueue = "TagQueue"
    case untagQueue = "UntagQueue"

    /// Whether the action answers a result: in the Query protocol, its `<ActionResult>` element
    /// is written even when empty (an empty receive, a ListQueues matching nothing), as SQS
    /// does and as query-protocol clients expect. The others answer only response metadata.
    public var hasResult: Bool {
        switch self {
        case .addPermission, .changeMessageVisibility, .deleteMessage, .deleteQueue, .purgeQueue, .removePermission,
            .setQueueAttributes, .tagQueue, .untagQueue:
            return false
        default:
            return true
        }
    }

    /// The IAM action a call is authorized as (batches authorize as their single action).
    public var iamAction: String {
        switch self {
        case .sendMessageBatch: return "sqs:SendMessage"
        case .deleteMessageBatch: return "sqs:DeleteMessage"
        case .changeMessageVisibilityBatch: return "sqs:ChangeMessageVisibility"
        default: return "sqs:" + rawValue
        }
    }
}
