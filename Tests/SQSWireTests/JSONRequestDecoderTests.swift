import Testing

@testable import QueueEngine
@testable import SQSWire

@Suite("SQSRequestDecoder: AWS JSON 1.0 actions")
struct JSONRequestDecoderTests {
    let q = #""QueueUrl":"http://localhost:9324/000000000000/q""#

    @Test("The action name is returned with the request")
    func actionReturned() throws {
        let (action, _) = try wireDecoder.decodeJSON(action: "PurgeQueue", body: Array("{\(q)}".utf8))
        #expect(action == .purgeQueue)
    }

    @Test("CreateQueue reads QueueName, Attributes and the lowercase tags map")
    func createQueue() throws {
        let request = try decodeJSON(
            "CreateQueue", #"{"QueueName":"orders","Attributes":{"VisibilityTimeout":"60","DelaySeconds":"5"},"tags":{"team":"a"}}"#)
        guard case .createQueue(let name, let attributes, let tags) = request else { Issue.record("\(request)"); return }
        #expect(name == "orders")
        #expect(attributes == ["VisibilityTimeout": "60", "DelaySeconds": "5"])
        #expect(tags == ["team": "a"])
        guard case .createQueue(_, let none, let noTags) = try decodeJSON("CreateQueue", #"{"QueueName":"x","tags":{}}"#) else {
            Issue.record("not createQueue"); return
        }
        #expect(none.isEmpty && noTags.isEmpty)
    }

    @Test("GetQueueUrl and ListQueues")
    func getUrlAndList() throws {
        guard case .getQueueUrl(let name) = try decodeJSON("GetQueueUrl", #"{"QueueName":"q"}"#) else { Issue.record(); return }
        #expect(name == "q")
        guard case .listQueues(let prefix, let max, let token) = try decodeJSON(
            "ListQueues", #"{"QueueNamePrefix":"al","MaxResults":5,"NextToken":"abc"}"#)
        else { Issue.record(); return }
        #expect(prefix == "al" && max == 5 && token == "abc")
        guard case .listQueues(nil, nil, nil) = try decodeJSON("ListQueues", "") else { Issue.record("empty body is {}"); return }
    }

    @Test("Queue actions take the name from QueueUrl")
    func queueActions() throws {
        guard case .deleteQueue("q") = try decodeJSON("DeleteQueue", "{\(q)}") else { Issue.record(); return }
        guard case .purgeQueue("q") = try decodeJSON("PurgeQueue", "{\(q)}") else { Issue.record(); return }
        guard case .listQueueTags("q") = try decodeJSON("ListQueueTags", "{\(q)}") else { Issue.record(); return }
        guard case .getQueueAttributes("q", let names) = try decodeJSON("GetQueueAttributes", #"{\#(q),"AttributeNames":["All","QueueArn"]}"#)
        else { Issue.record(); return }
        #expect(names == ["All", "QueueArn"])
        guard case .setQueueAttributes("q", let attributes) = try decodeJSON(
            "SetQueueAttributes", #"{\#(q),"Attributes":{"DelaySeconds":"3"}}"#)
        else { Issue.record(); return }
        #expect(attributes == ["DelaySeconds": "3"])
    }

    @Test("SendMessage reads body, delay, typed attributes (base64 binary), system attributes and FIFO ids")
    func sendMessage() throws {
        let request = try decodeJSON(
            "SendMessage",
            #"""
            {\#(q),"MessageBody":"hi \u00fc","DelaySeconds":5,
             "MessageAttributes":{"s":{"DataType":"String.label","StringValue":"v"},"b":{"DataType":"Binary","BinaryValue":"AAH/"},
                                  "n":{"DataType":"Number","StringValue":"1.5"}},
             "MessageSystemAttributes":{"AWSTraceHeader":{"DataType":"String","StringValue":"Root=1"}},
             "MessageGroupId":"g","MessageDeduplicationId":"d"}
            """#)
        guard case .sendMessage("q", let message) = request else { Issue.record("\(request)"); return }
        #expect(message.body == "hi ü")
        #expect(message.delaySeconds == 5)
        #expect(message.attributes["s"] == MessageAttributeValue(dataType: "String.label", stringValue: "v"))
        #expect(message.attributes["b"] == MessageAttributeValue(dataType: "Binary", binaryValue: [0, 1, 255]))
        #expect(message.attributes["n"] == MessageAttributeValue(dataType: "Number", stringValue: "1.5"))
        #expect(message.systemAttributes == ["AWSTraceHeader": MessageAttributeValue(dataType: "String", stringValue: "Root=1")])
        #expect(message.groupId == "g" && message.deduplicationId == "d")
    }

    @Test("SendMessageBatch reads each entry")
    func sendMessageBatch() throws {
        let request = try decodeJSON(
            "SendMessageBatch",
            #"{\#(q),"Entries":[{"Id":"1","MessageBody":"a"},{"Id":"2","MessageBody":"b","DelaySeconds":3,"MessageAttributes":{"k":{"DataType":"String","StringValue":"v"}}}]}"#)
        guard case .sendMessageBatch("q", let entries) = request else { Issue.record("\(request)"); return }
        #expect(entries.map(\.id) == ["1", "2"])
        #expect(entries.map(\.payload.body) == ["a", "b"])
        #expect(entries[1].payload.delaySeconds == 3)
        #expect(entries[1].payload.attributes["k"]?.stringValue == "v")
        guard case .sendMessageBatch("q", let empty) = try decodeJSON("SendMessageBatch", #"{\#(q),"Entries":[]}"#) else {
            Issue.record(); return
        }
        #expect(empty.isEmpty, "the engine reports EmptyBatchRequest, the decoder passes it on")
    }

    @Test("ReceiveMessage reads every parameter; AttributeNames and MessageSystemAttributeNames are merged")
    func receiveMessage() throws {
        let request = try decodeJSON(
            "ReceiveMessage",
            #"{\#(q),"MaxNumberOfMessages":10,"VisibilityTimeout":0,"WaitTimeSeconds":20,"AttributeNames":["All"],"MessageSystemAttributeNames":["SenderId"],"MessageAttributeNames":["color.*"],"ReceiveRequestAttemptId":"try-1"}"#)
        guard case .receiveMessage("q", let receive) = request else { Issue.record("\(request)"); return }
        #expect(receive.maxNumberOfMessages == 10)
        #expect(receive.visibilityTimeout == 0)
        #expect(receive.waitTimeSeconds == 20)
        #expect(Set(receive.systemAttributeNames) == ["All", "SenderId"])
        #expect(receive.messageAttributeNames == ["color.*"])
        #expect(receive.receiveRequestAttemptId == "try-1")
        guard case .receiveMessage("q", let defaults) = try decodeJSON("ReceiveMessage", "{\(q)}") else { Issue.record(); return }
        #expect(defaults.maxNumberOfMessages == nil && defaults.waitTimeSeconds == nil && defaults.visibilityTimeout == nil)
    }

    @Test("DeleteMessage, ChangeMessageVisibility and their batches")
    func deleteAndVisibility() throws {
        guard case .deleteMessage("q", "h1") = try decodeJSON("DeleteMessage", #"{\#(q),"ReceiptHandle":"h1"}"#) else { Issue.record(); return }
        guard case .changeMessageVisibility("q", "h1", 45) = try decodeJSON(
            "ChangeMessageVisibility", #"{\#(q),"ReceiptHandle":"h1","VisibilityTimeout":45}"#)
        else { Issue.record(); return }
        guard case .deleteMessageBatch("q", let deletes) = try decodeJSON(
            "DeleteMessageBatch", #"{\#(q),"Entries":[{"Id":"a","ReceiptHandle":"h1"},{"Id":"b","ReceiptHandle":"h2"}]}"#)
        else { Issue.record(); return }
        #expect(deletes.map(\.id) == ["a", "b"] && deletes.map(\.payload) == ["h1", "h2"])
        guard case .changeMessageVisibilityBatch("q", let changes) = try decodeJSON(
            "ChangeMessageVisibilityBatch",
            #"{\#(q),"Entries":[{"Id":"a","ReceiptHandle":"h1","VisibilityTimeout":0},{"Id":"b","ReceiptHandle":"h2","VisibilityTimeout":9}]}"#)
        else { Issue.record(); return }
        #expect(changes.map(\.id) == ["a", "b"])
        #expect(changes.map(\.payload.receiptHandle) == ["h1", "h2"])
        #expect(changes.map(\.payload.visibilityTimeout) == [0, 9])
    }

    @Test("TagQueue, UntagQueue, AddPermission, RemovePermission")
    func tagsAndPermissions() throws {
        guard case .tagQueue("q", let tags) = try decodeJSON("TagQueue", #"{\#(q),"Tags":{"a":"1","b":""}}"#) else { Issue.record(); return }
        #expect(tags == ["a": "1", "b": ""])
        guard case .untagQueue("q", let keys) = try decodeJSON("UntagQueue", #"{\#(q),"TagKeys":["a","b"]}"#) else { Issue.record(); return }
        #expect(keys == ["a", "b"])
        guard case .addPermission("q", "L", let accounts, let actions) = try decodeJSON(
            "AddPermission", #"{\#(q),"Label":"L","AWSAccountIds":["111122223333"],"Actions":["SendMessage","ReceiveMessage"]}"#)
        else { Issue.record(); return }
        #expect(accounts == ["111122223333"] && actions == ["SendMessage", "ReceiveMessage"])
        guard case .removePermission("q", "L") = try decodeJSON("RemovePermission", #"{\#(q),"Label":"L"}"#) else { Issue.record(); return }
    }

    @Test("Move-task and dead-letter actions decode with their members")
    func moveTaskActions() throws {
        let arn = "arn:aws:sqs:us-east-1:000000000000:dlq"
        guard case .startMessageMoveTask(arn, "d", 5) = try decodeJSON(
            "StartMessageMoveTask", #"{"SourceArn":"\#(arn)","DestinationArn":"d","MaxNumberOfMessagesPerSecond":5}"#)
        else { Issue.record(); return }
        guard case .cancelMessageMoveTask("h") = try decodeJSON("CancelMessageMoveTask", #"{"TaskHandle":"h"}"#) else {
            Issue.record(); return
        }
        guard case .listMessageMoveTasks(arn, 3) = try decodeJSON("ListMessageMoveTasks", #"{"SourceArn":"\#(arn)","MaxResults":3}"#)
        else { Issue.record(); return }
        guard case .listDeadLetterSourceQueues("q", 2, "t") = try decodeJSON(
            "ListDeadLetterSourceQueues", #"{\#(q),"MaxResults":2,"NextToken":"t"}"#)
        else { Issue.record(); return }
        expectWireError("MissingParameter") { _ = try decodeJSON("StartMessageMoveTask", "{}") }
    }

    @Test("null members count as absent")
    func nullIsAbsent() throws {
        guard case .listQueues(nil, nil, nil) = try decodeJSON("ListQueues", #"{"QueueNamePrefix":null,"MaxResults":null}"#) else {
            Issue.record(); return
        }
        expectWireError("MissingParameter") { _ = try decodeJSON("GetQueueUrl", #"{"QueueName":null}"#) }
    }

    @Test("Every SQS action name decodes (none falls through to an error)", arguments: SQSAction.allCases)
    func everyActionKnown(action: SQSAction) throws {
        let body = #"{\#(q),"QueueName":"q","Attributes":{"A":"1"},"Tags":{"k":"v"},"TagKeys":["k"],"Label":"L","ReceiptHandle":"h","VisibilityTimeout":1,"MessageBody":"b","Entries":[],"SourceArn":"arn:aws:sqs:us-east-1:000000000000:q","TaskHandle":"h"}"#
        let (decoded, request) = try wireDecoder.decodeJSON(action: action.rawValue, body: Array(body.utf8))
        #expect(decoded == action)
        let queueless: Set<SQSAction> = [.listQueues, .cancelMessageMoveTask]
        #expect(request.queueName == (queueless.contains(action) ? nil : "q"))
    }
}
