/// The JSON bodies of the SQS requests the benchmark makes, written as text.
enum SQSBodies {
    /// `CreateQueue` of a queue named `name` with `attributes`.
    static func createQueue(name: String, attributes: [String: String]) -> JSONPayload {
        let pairs = attributes.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)):\(JSONText.quoted($0.value))" }
        return JSONPayload("{\"QueueName\":\(JSONText.quoted(name)),\"Attributes\":{\(pairs.joined(separator: ","))}}")
    }

    /// `DeleteQueue` of `queueURL`.
    static func deleteQueue(queueURL: String) -> JSONPayload {
        JSONPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL))}")
    }

    /// `SendMessage` of one message with `body`.
    static func sendMessage(queueURL: String, body: String) -> JSONPayload {
        JSONPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"MessageBody\":\(JSONText.quoted(body))}")
    }

    /// `SendMessageBatch` of `count` messages with the same `body` and ids `0`, `1`, ….
    static func sendMessageBatch(queueURL: String, body: String, count: Int) -> JSONPayload {
        let quotedBody = JSONText.quoted(body)
        let entries = (0..<count).map { "{\"Id\":\"\($0)\",\"MessageBody\":\(quotedBody)}" }
        return JSONPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"Entries\":[\(entries.joined(separator: ","))]}")
    }

    /// `SendMessage` of one FIFO message.
    static func sendFIFOMessage(queueURL: String, message: FIFOMessage) -> JSONPayload {
        JSONPayload(
            "{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"MessageBody\":\(message.quotedBody)"
                + fifoIds(message) + "}")
    }

    /// `SendMessageBatch` of FIFO `messages`, with their positions as entry ids.
    static func sendFIFOMessageBatch(queueURL: String, messages: [FIFOMessage]) -> JSONPayload {
        let entries = messages.enumerated().map { index, message in
            "{\"Id\":\"\(index)\",\"MessageBody\":\(message.quotedBody)" + fifoIds(message) + "}"
        }
        return JSONPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"Entries\":[\(entries.joined(separator: ","))]}")
    }

    /// `ReceiveMessage` of up to 10 messages, long polling for 1 second.
    static func receiveMessage(queueURL: String) -> JSONPayload {
        JSONPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"MaxNumberOfMessages\":10,\"WaitTimeSeconds\":1}")
    }

    /// `ReceiveMessage` of up to 10 messages with `visibilityTimeout` seconds of visibility timeout and
    /// `waitSeconds` of long polling (0: answer at once).
    static func receiveMessage(queueURL: String, visibilityTimeout: Int, waitSeconds: Int) -> JSONPayload {
        JSONPayload(
            "{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"MaxNumberOfMessages\":10,"
                + "\"VisibilityTimeout\":\(visibilityTimeout),\"WaitTimeSeconds\":\(waitSeconds)}")
    }

    /// `DeleteMessageBatch` of `receiptHandles`, with their positions as entry ids.
    static func deleteMessageBatch(queueURL: String, receiptHandles: [String]) -> JSONPayload {
        let entries = receiptHandles.enumerated().map { "{\"Id\":\"\($0)\",\"ReceiptHandle\":\(JSONText.quoted($1))}" }
        return JSONPayload("{\"QueueUrl\":\(JSONText.quoted(queueURL)),\"Entries\":[\(entries.joined(separator: ","))]}")
    }

    /// `,"MessageGroupId":…,"MessageDeduplicationId":…` of `message`.
    private static func fifoIds(_ message: FIFOMessage) -> String {
        ",\"MessageGroupId\":\(JSONText.quoted(message.groupId)),"
            + "\"MessageDeduplicationId\":\(JSONText.quoted(message.deduplicationId))"
    }
}
