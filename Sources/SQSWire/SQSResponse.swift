import QueueEngine

/// The result of an SQS call, before it is encoded for one protocol.
public enum SQSResponse: Sendable {
    /// A call with no result members (DeleteQueue, TagQueue, …).
    case empty
    /// CreateQueue, GetQueueUrl.
    case queueUrl(String)
    /// ListQueues.
    case queueUrls([String], nextToken: String?)
    /// ListDeadLetterSourceQueues (whose JSON member is spelled `queueUrls`).
    case deadLetterSourceQueues([String], nextToken: String?)
    /// GetQueueAttributes.
    case queueAttributes([String: String])
    /// SendMessage: the result and the message as sent (for its checksums).
    case sendMessage(SentMessage, OutgoingMessage)
    /// SendMessageBatch.
    case sendMessageBatch(successes: [(id: String, result: SentMessage, message: OutgoingMessage)], failures: [(id: String, error: SQSError)])
    /// ReceiveMessage.
    case receiveMessage([ReceivedMessage])
    /// DeleteMessageBatch and ChangeMessageVisibilityBatch.
    case batch(successIds: [String], failures: [(id: String, error: SQSError)])
    /// ListQueueTags.
    case tags([String: String])
    /// StartMessageMoveTask.
    case moveTaskStarted(handle: String)
    /// CancelMessageMoveTask.
    case moveTaskCancelled(moved: Int)
    /// ListMessageMoveTasks: each task with its handle while it runs.
    case moveTasks([(task: MessageMoveTask, handle: String?)])
}
