import Foundation
import QueueEngine
import WireFormat

/// The two SQS wire protocols.
public enum SQSProtocol: Sendable {
    /// AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Action>`).
    case json
    /// The Query protocol with XML answers.
    case query
}

/// Encodes SQS results and errors in the protocol the caller spoke.
public struct SQSResponseEncoder: Sendable {
    private static let namespace = "http://queue.amazonaws.com/doc/2012-11-05/"
    /// The account the queue URLs name.
    public let accountId: String

    /// An encoder that builds queue URLs for `accountId`.
    public init(accountId: String) {
        self.accountId = accountId
    }

    /// Encodes a successful result; `baseURL` is how the client reached the server.
    public func encode(
        _ response: SQSResponse, action: SQSAction, protocol wireProtocol: SQSProtocol, baseURL: String, requestId: String
    ) -> EncodedResponse {
        let node = SQSResultTree(accountId: accountId, baseURL: baseURL).node(for: response, action: action)
        var body: [UInt8] = []
        switch wireProtocol {
        case .json:
            JSONWriter.write(node, into: &body)
            return EncodedResponse(
                status: 200, headers: [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", requestId)],
                body: body)
        case .query:
            let name = action.rawValue
            body += Array("<?xml version=\"1.0\"?><\(name)Response xmlns=\"\(Self.namespace)\">".utf8)
            if action.hasResult { XMLWriter.element("\(name)Result", node, into: &body) }
            body += Array("<ResponseMetadata><RequestId>\(requestId)</RequestId></ResponseMetadata></\(name)Response>".utf8)
            return EncodedResponse(status: 200, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: body)
        }
    }

    /// Encodes an error.
    public func encode(_ error: WireError, protocol wireProtocol: SQSProtocol, requestId: String) -> EncodedResponse {
        var body: [UInt8] = []
        let fault = error.senderFault ? "Sender" : "Receiver"
        switch wireProtocol {
        case .json:
            JSONWriter.write(.structure([("__type", .text(error.jsonType)), ("message", .text(error.message))]), into: &body)
            return EncodedResponse(
                status: error.status,
                headers: [
                    ("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", requestId),
                    ("x-amzn-query-error", "\(error.queryCode);\(fault)"),
                ],
                body: body)
        case .query:
            body += Array("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"\(Self.namespace)\"><Error>".utf8)
            XMLWriter.write(
                .structure([("Type", .text(fault)), ("Code", .text(error.queryCode)), ("Message", .text(error.message))]),
                into: &body)
            body += Array("<Detail/></Error><RequestId>\(requestId)</RequestId></ErrorResponse>".utf8)
            return EncodedResponse(
                status: error.status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: body)
        }
    }
}

/// Builds the protocol-neutral result tree of each SQS response, with the model's member names.
struct SQSResultTree {
    let accountId: String
    let baseURL: String

    func node(for response: SQSResponse, action: SQSAction) -> OutputNode {
        switch response {
        case .empty:
            return .structure([])
        case .queueUrl(let name):
            return .structure([("QueueUrl", .text(url(name)))])
        case .queueUrls(let names, let nextToken):
            var members: [(String, OutputNode)] = []
            if !names.isEmpty { members.append(("QueueUrls", .list(itemName: "QueueUrl", names.map { .text(url($0)) }))) }
            if let nextToken { members.append(("NextToken", .text(nextToken))) }
            return .structure(members)
        case .deadLetterSourceQueues(let names, let nextToken):
            var members: [(String, OutputNode)] = [("queueUrls", .list(itemName: "QueueUrl", names.map { .text(url($0)) }))]
            if let nextToken { members.append(("NextToken", .text(nextToken))) }
            return .structure(members)
        case .queueAttributes(let attributes):
            return .structure([("Attributes", stringMap(attributes, entry: "Attribute", key: "Name"))])
        case .sendMessage(let sent, let message):
            return .structure(sendResult(sent, message))
        case .sendMessageBatch(let successes, let failures):
            let entries = successes.map { OutputNode.structure([("Id", .text($0.id))] + sendResult($0.result, $0.message)) }
            return batchResult("SendMessageBatchResultEntry", entries, failures)
        case .receiveMessage(let messages):
            // Like SQS, an empty receive has no Messages member at all.
            return .structure(messages.isEmpty ? [] : [("Messages", .list(itemName: "Message", messages.map(message)))])
        case .batch(let successIds, let failures):
            let entries = successIds.map { OutputNode.structure([("Id", .text($0))]) }
            return batchResult("\(action.rawValue)ResultEntry", entries, failures)
        case .tags(let tags):
            return .structure([("Tags", stringMap(tags, entry: "Tag", key: "Key"))])
        case .moveTaskStarted(let handle):
            return .structure([("TaskHandle", .text(handle))])
        case .moveTaskCancelled(let moved):
            return .structure([("ApproximateNumberOfMessagesMoved", .number(Int64(moved)))])
        case .moveTasks(let tasks):
            return .structure([("Results", .list(itemName: "ListMessageMoveTasksResultEntry", tasks.map(moveTask)))])
        }
    }

    /// A batch's answer. Like SQS, it leaves out an empty list: `Failed` when every entry
    /// succeeded, `Successful` when every entry failed (SDKs such as Java's v2 test `hasFailed()`).
    private func batchResult(_ entryName: String, _ successes: [OutputNode], _ failures: [(id: String, error: SQSError)]) -> OutputNode {
        var members: [(String, OutputNode)] = []
        if !successes.isEmpty { members.append(("Successful", .list(itemName: entryName, successes))) }
        if !failures.isEmpty { members.append(("Failed", .list(itemName: "BatchResultErrorEntry", failures.map(failure)))) }
        return .structure(members)
    }

    private func url(_ name: String) -> String {
        QueueURL.make(baseURL: baseURL, accountId: accountId, name: name)
    }

    private func stringMap(_ values: [String: String], entry: String, key: String) -> OutputNode {
        .map(entryName: entry, keyName: key, valueName: "Value", values.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value)) })
    }

    private func sendResult(_ sent: SentMessage, _ message: OutgoingMessage) -> [(String, OutputNode)] {
        var members: [(String, OutputNode)] = [("MessageId", .text(sent.messageId)), ("MD5OfMessageBody", .text(MessageDigests.body(message.body)))]
        if let digest = MessageDigests.attributes(message.attributes) { members.append(("MD5OfMessageAttributes", .text(digest))) }
        if let digest = MessageDigests.attributes(message.systemAttributes) {
            members.append(("MD5OfMessageSystemAttributes", .text(digest)))
        }
        if let sequence = sent.sequenceNumber { members.append(("SequenceNumber", .text(sequence))) }
        return members
    }

    private func failure(_ item: (id: String, error: SQSError)) -> OutputNode {
        let (code, _) = WireError.queryCodeAndStatus(item.error.code)
        return .structure([
            ("Id", .text(item.id)), ("SenderFault", .boolean(!item.error.isServerFault)), ("Code", .text(code)),
            ("Message", .text(item.error.message)),
        ])
    }

    private func moveTask(_ item: (task: MessageMoveTask, handle: String?)) -> OutputNode {
        let task = item.task
        var members: [(String, OutputNode)] = []
        if let handle = item.handle { members.append(("TaskHandle", .text(handle))) }
        members.append(("Status", .text(task.status.rawValue)))
        members.append(("SourceArn", .text(task.sourceArn)))
        if let destination = task.destinationArn { members.append(("DestinationArn", .text(destination))) }
        if let rate = task.maxNumberOfMessagesPerSecond { members.append(("MaxNumberOfMessagesPerSecond", .number(Int64(rate)))) }
        members.append(("ApproximateNumberOfMessagesMoved", .number(Int64(task.moved))))
        members.append(("ApproximateNumberOfMessagesToMove", .number(Int64(task.toMove))))
        if let reason = task.failureReason { members.append(("FailureReason", .text(reason))) }
        members.append(("StartedTimestamp", .number(task.startedAt)))
        return .structure(members)
    }

    private func message(_ message: ReceivedMessage) -> OutputNode {
        var members: [(String, OutputNode)] = [
            ("MessageId", .text(message.messageId)), ("ReceiptHandle", .text(message.receiptHandle)),
            ("MD5OfBody", .text(MessageDigests.body(message.body))), ("Body", .text(message.body)),
        ]
        if !message.attributes.isEmpty { members.append(("Attributes", stringMap(message.attributes, entry: "Attribute", key: "Name"))) }
        if let digest = MessageDigests.attributes(message.messageAttributes) {
            members.append(("MD5OfMessageAttributes", .text(digest)))
            let entries = message.messageAttributes.sorted { $0.key < $1.key }.map { name, value -> (String, OutputNode) in
                var fields: [(String, OutputNode)] = []
                if let text = value.stringValue { fields.append(("StringValue", .text(text))) }
                if let bytes = value.binaryValue { fields.append(("BinaryValue", .text(Data(bytes).base64EncodedString()))) }
                fields.append(("DataType", .text(value.dataType)))
                return (name, .structure(fields))
            }
            members.append(("MessageAttributes", .map(entryName: "MessageAttribute", keyName: "Name", valueName: "Value", entries)))
        }
        return .structure(members)
    }
}
