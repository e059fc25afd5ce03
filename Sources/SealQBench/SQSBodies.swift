/// The JSON bodies of the SQS requests the benchmark makes, written as text.
enum SQSBodies {
    /// `CreateQueue` of a standard queue named `name`.
    static func createQueue(name: String) -> SQSPayload {
        SQSPayload("{\"QueueName\":\(JSONText.quoted(name))}")
    }

    /// `DeleteQueue` of `queueURL`.
    static func deleteQueue(queueURL: String) -> SQSPayload {
        SQSPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL))}")
    }

    /// `SendMessage` of one message with `body`.
    static func sendMessage(queueURL: String, body: String) -> SQSPayload {
        SQSPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"MessageBody\":\(JSONText.quoted(body))}")
    }

    /// `SendMessageBatch` of `count` messages with the same `body` and ids `0`, `1`, ….
    static func sendMessageBatch(queueURL: String, body: String, count: Int) -> SQSPayload {
        let quotedBody = JSONText.quoted(body)
        let entries = (0..<count).map { "{\"Id\":\"\($0)\",\"MessageBody\":\(quotedBody)}" }
        return SQSPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"Entries\":[\(entries.joined(separator: ","))]}")
    }

    /// `ReceiveMessage` of up to 10 messages, long polling for 1 second.
    static func receiveMessage(queueURL: String) -> SQSPayload {
        SQSPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"MaxNumberOfMessages\":10,\"WaitTimeSeconds\":1}")
    }

    /// `DeleteMessageBatch` of `receiptHandles`, with their positions as entry ids.
    static func deleteMessageBatch(queueURL: String, receiptHandles: [String]) -> SQSPayload {
        let entries = receiptHandles.enumerated().map { "{\"Id\":\"\($0)\",\"ReceiptHandle\":\(JSONText.quoted($1))}" }
        return SQSPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"Entries\":[\(entries.joined(separator: ","))]}")
    }
}
