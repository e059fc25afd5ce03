import Testing

@testable import QueueEngine
@testable import SQSWire

@Suite("SQSRequestDecoder: Query protocol actions")
struct QueryRequestDecoderTests {
    private func query(_ action: String, _ parameters: [String: String] = [:], withQueue: Bool = true) -> [String: String] {
        var all = parameters
        all["Action"] = action
        all["Version"] = "2012-11-05"
        if withQueue { all["QueueUrl"] = queueURL }
        return all
    }

    @Test("CreateQueue reads Attribute.N.Name/Value and Tag.N.Key/Value")
    func createQueue() throws {
        let request = try decodeQuery(query("CreateQueue", [
            "QueueName": "orders", "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "60",
            "Attribute.2.Name": "DelaySeconds", "Attribute.2.Value": "5", "Tag.1.Key": "team", "Tag.1.Value": "a",
            "Tag.2.Key": "env", "Tag.2.Value": "dev",
        ], withQueue: false))
        guard case .createQueue("orders", let attributes, let tags) = request else { Issue.record("\(request)"); return }
        #expect(attributes == ["VisibilityTimeout": "60", "DelaySeconds": "5"])
        #expect(tags == ["team": "a", "env": "dev"])
    }

    @Test("GetQueueUrl and ListQueues with an integer MaxResults")
    func getUrlAndList() throws {
        guard case .getQueueUrl("q") = try decodeQuery(query("GetQueueUrl", ["QueueName": "q"], withQueue: false)) else { Issue.record(); return }
        guard case .listQueues("al", 7, "tok") = try decodeQuery(
            query("ListQueues", ["QueueNamePrefix": "al", "MaxResults": "7", "NextToken": "tok"], withQueue: false))
        else { Issue.record(); return }
    }

    @Test("GetQueueAttributes reads AttributeName.N in numeric order")
    func getQueueAttributes() throws {
        var parameters: [String: String] = [:]
        for index in 1...11 { parameters["AttributeName.\(index)"] = "N\(index)" }
        guard case .getQueueAttributes("q", let names) = try decodeQuery(query("GetQueueAttributes", parameters)) else {
            Issue.record(); return
        }
        #expect(names == (1...11).map { "N\($0)" })
    }

    @Test("SetQueueAttributes, DeleteQueue, PurgeQueue, ListQueueTags")
    func queueActions() throws {
        guard case .setQueueAttributes("q", let attributes) = try decodeQuery(
            query("SetQueueAttributes", ["Attribute.1.Name": "Policy", "Attribute.1.Value": "{}"]))
        else { Issue.record(); return }
        #expect(attributes == ["Policy": "{}"])
        guard case .deleteQueue("q") = try decodeQuery(query("DeleteQueue")) else { Issue.record(); return }
        guard case .purgeQueue("q") = try decodeQuery(query("PurgeQueue")) else { Issue.record(); return }
        guard case .listQueueTags("q") = try decodeQuery(query("ListQueueTags")) else { Issue.record(); return }
    }

    @Test("SendMessage reads MessageAttribute.N.Name / .Value.DataType / .Value.StringValue / .Value.BinaryValue")
    func sendMessage() throws {
        let request = try decodeQuery(query("SendMessage", [
            "MessageBody": "hello\r\n", "DelaySeconds": "4",
            "MessageAttribute.1.Name": "s", "MessageAttribute.1.Value.DataType": "String", "MessageAttribute.1.Value.StringValue": "v",
            "MessageAttribute.2.Name": "b", "MessageAttribute.2.Value.DataType": "Binary.png",
            "MessageAttribute.2.Value.BinaryValue": "AAH/",
            "MessageSystemAttribute.1.Name": "AWSTraceHeader", "MessageSystemAttribute.1.Value.DataType": "String",
            "MessageSystemAttribute.1.Value.StringValue": "Root=1",
            "MessageGroupId": "g",
        ]))
        guard case .sendMessage("q", let message) = request else { Issue.record("\(request)"); return }
        #expect(message.body == "hello\r\n")
        #expect(message.delaySeconds == 4)
        #expect(message.attributes == [
            "s": MessageAttributeValue(dataType: "String", stringValue: "v"),
            "b": MessageAttributeValue(dataType: "Binary.png", binaryValue: [0, 1, 255]),
        ])
        #expect(message.systemAttributes["AWSTraceHeader"]?.stringValue == "Root=1")
        #expect(message.groupId == "g" && message.deduplicationId == nil)
    }

    @Test("A message attribute entry without a name, or repeating one, is refused instead of dropped or merged")
    func unnamedAndRepeatedAttributes() throws {
        for entry in ["MessageAttribute", "MessageSystemAttribute"] {
            let unnamed = expectWireError("InvalidParameterValue", "\(entry)") {
                _ = try decodeQuery(query("SendMessage", [
                    "MessageBody": "b", "\(entry).1.Value.DataType": "String", "\(entry).1.Value.StringValue": "lost",
                ]))
            }
            #expect(unnamed?.message == "The request must contain non-empty message attribute name.")
            expectWireError("InvalidParameterValue", "\(entry) empty name") {
                _ = try decodeQuery(query("SendMessage", [
                    "MessageBody": "b", "\(entry).1.Name": "", "\(entry).1.Value.DataType": "String",
                    "\(entry).1.Value.StringValue": "lost",
                ]))
            }
        }
        expectWireError("InvalidParameterValue") {
            _ = try decodeQuery(query("SendMessage", [
                "MessageBody": "b",
                "MessageAttribute.1.Name": "k", "MessageAttribute.1.Value.DataType": "String", "MessageAttribute.1.Value.StringValue": "one",
                "MessageAttribute.2.Name": "k", "MessageAttribute.2.Value.DataType": "String", "MessageAttribute.2.Value.StringValue": "two",
            ]))
        }
    }

    @Test("X-Amzn-Trace-Id becomes each sent message's AWSTraceHeader unless the message names its own")
    func traceHeader() throws {
        let single = try decodeQuery(query("SendMessage", ["MessageBody": "b"])).tracing("Root=1-abc")
        guard case .sendMessage(_, let message) = single else { Issue.record("\(single)"); return }
        #expect(message.systemAttributes["AWSTraceHeader"] == MessageAttributeValue(dataType: "String", stringValue: "Root=1-abc"))
        let batch = try decodeQuery(query("SendMessageBatch", [
            "SendMessageBatchRequestEntry.1.Id": "a", "SendMessageBatchRequestEntry.1.MessageBody": "x",
            "SendMessageBatchRequestEntry.2.Id": "b", "SendMessageBatchRequestEntry.2.MessageBody": "y",
            "SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Name": "AWSTraceHeader",
            "SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.DataType": "String",
            "SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.StringValue": "Root=own",
        ])).tracing("Root=1-abc")
        guard case .sendMessageBatch(_, let entries) = batch else { Issue.record("\(batch)"); return }
        #expect(entries.map { $0.payload.systemAttributes["AWSTraceHeader"]?.stringValue } == ["Root=1-abc", "Root=own"])
        let untouched = try decodeQuery(query("SendMessage", ["MessageBody": "b"])).tracing("")
        guard case .sendMessage(_, let plain) = untouched else { Issue.record("\(untouched)"); return }
        #expect(plain.systemAttributes.isEmpty)
    }

    @Test("SendMessageBatch reads SendMessageBatchRequestEntry.N fields, in numeric order")
    func sendMessageBatch() throws {
        let request = try decodeQuery(query("SendMessageBatch", [
            "SendMessageBatchRequestEntry.1.Id": "first", "SendMessageBatchRequestEntry.1.MessageBody": "a",
            "SendMessageBatchRequestEntry.2.Id": "second", "SendMessageBatchRequestEntry.2.MessageBody": "b",
            "SendMessageBatchRequestEntry.2.DelaySeconds": "7",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Name": "k",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType": "Number",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue": "3",
            "SendMessageBatchRequestEntry.10.Id": "tenth", "SendMessageBatchRequestEntry.10.MessageBody": "j",
        ]))
        guard case .sendMessageBatch("q", let entries) = request else { Issue.record("\(request)"); return }
        #expect(entries.map(\.id) == ["first", "second", "tenth"])
        #expect(entries.map(\.payload.body) == ["a", "b", "j"])
        #expect(entries[1].payload.delaySeconds == 7)
        #expect(entries[1].payload.attributes == ["k": MessageAttributeValue(dataType: "Number", stringValue: "3")])
        #expect(entries[0].payload.attributes.isEmpty)
    }

    @Test("ReceiveMessage reads integers and the attribute name lists")
    func receiveMessage() throws {
        let request = try decodeQuery(query("ReceiveMessage", [
            "MaxNumberOfMessages": "5", "VisibilityTimeout": "12", "WaitTimeSeconds": "3", "AttributeName.1": "All",
            "MessageSystemAttributeName.1": "SentTimestamp", "MessageAttributeName.1": "color.*", "MessageAttributeName.2": "size",
        ]))
        guard case .receiveMessage("q", let receive) = request else { Issue.record("\(request)"); return }
        #expect(receive.maxNumberOfMessages == 5 && receive.visibilityTimeout == 12 && receive.waitTimeSeconds == 3)
        #expect(Set(receive.systemAttributeNames) == ["All", "SentTimestamp"])
        #expect(receive.messageAttributeNames == ["color.*", "size"])
    }

    @Test("A bare list parameter (AWS's AttributeName=All example) is a list of one; an indexed list wins")
    func bareListParameter() throws {
        let request = try decodeQuery(query("ReceiveMessage", ["AttributeName": "All", "MessageAttributeName": "All"]))
        guard case .receiveMessage("q", let receive) = request else { Issue.record("\(request)"); return }
        #expect(receive.systemAttributeNames == ["All"])
        #expect(receive.messageAttributeNames == ["All"])
        let both = try decodeQuery(query("ReceiveMessage", ["MessageAttributeName": "x", "MessageAttributeName.1": "y"]))
        guard case .receiveMessage("q", let indexed) = both else { Issue.record("\(both)"); return }
        #expect(indexed.messageAttributeNames == ["y"])
    }

    @Test("A bare map entry (AWS's Attribute.Name=…&Attribute.Value=… example) is one entry more, beside indexed ones too")
    func bareMapEntry() throws {
        let set = try decodeQuery(query("SetQueueAttributes", ["Attribute.Name": "VisibilityTimeout", "Attribute.Value": "35"]))
        guard case .setQueueAttributes("q", let attributes) = set else { Issue.record("\(set)"); return }
        #expect(attributes == ["VisibilityTimeout": "35"])
        let both = try decodeQuery(query("SetQueueAttributes", [
            "Attribute.Name": "VisibilityTimeout", "Attribute.Value": "35", "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "5",
        ]))
        guard case .setQueueAttributes("q", let indexed) = both else { Issue.record("\(both)"); return }
        #expect(indexed == ["DelaySeconds": "5", "VisibilityTimeout": "35"])
        let send = try decodeQuery(query("SendMessage", [
            "MessageBody": "b", "MessageAttribute.Name": "color", "MessageAttribute.Value.DataType": "String",
            "MessageAttribute.Value.StringValue": "blue",
        ]))
        guard case .sendMessage("q", let message) = send else { Issue.record("\(send)"); return }
        #expect(message.attributes == ["color": MessageAttributeValue(dataType: "String", stringValue: "blue", binaryValue: nil)])
    }

    @Test("DeleteMessage(Batch) and ChangeMessageVisibility(Batch)")
    func deleteAndVisibility() throws {
        guard case .deleteMessage("q", "h+/=") = try decodeQuery(query("DeleteMessage", ["ReceiptHandle": "h+/="])) else {
            Issue.record(); return
        }
        guard case .deleteMessageBatch("q", let deletes) = try decodeQuery(query("DeleteMessageBatch", [
            "DeleteMessageBatchRequestEntry.1.Id": "a", "DeleteMessageBatchRequestEntry.1.ReceiptHandle": "h1",
            "DeleteMessageBatchRequestEntry.2.Id": "b", "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "h2",
        ])) else { Issue.record(); return }
        #expect(deletes.map(\.id) == ["a", "b"] && deletes.map(\.payload) == ["h1", "h2"])
        guard case .changeMessageVisibility("q", "h1", 30) = try decodeQuery(
            query("ChangeMessageVisibility", ["ReceiptHandle": "h1", "VisibilityTimeout": "30"]))
        else { Issue.record(); return }
        guard case .changeMessageVisibilityBatch("q", let changes) = try decodeQuery(query("ChangeMessageVisibilityBatch", [
            "ChangeMessageVisibilityBatchRequestEntry.1.Id": "a", "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": "h1",
            "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "0",
        ])) else { Issue.record(); return }
        #expect(changes.map(\.id) == ["a"] && changes.map(\.payload.visibilityTimeout) == [0])
    }

    @Test("TagQueue (Tag.N), UntagQueue (TagKey.N), AddPermission (AWSAccountId.N, ActionName.N), RemovePermission")
    func tagsAndPermissions() throws {
        guard case .tagQueue("q", let tags) = try decodeQuery(query("TagQueue", ["Tag.1.Key": "k1", "Tag.1.Value": "v1", "Tag.2.Key": "k2"]))
        else { Issue.record(); return }
        #expect(tags == ["k1": "v1", "k2": ""])
        guard case .untagQueue("q", let keys) = try decodeQuery(query("UntagQueue", ["TagKey.1": "k1", "TagKey.2": "k2"])) else {
            Issue.record(); return
        }
        #expect(keys == ["k1", "k2"])
        guard case .addPermission("q", "L", let accounts, let actions) = try decodeQuery(query("AddPermission", [
            "Label": "L", "AWSAccountId.1": "111122223333", "AWSAccountId.2": "444455556666", "ActionName.1": "SendMessage",
        ])) else { Issue.record(); return }
        #expect(accounts == ["111122223333", "444455556666"] && actions == ["SendMessage"])
        guard case .removePermission("q", "L") = try decodeQuery(query("RemovePermission", ["Label": "L"])) else { Issue.record(); return }
    }

    @Test("Without QueueUrl the queue is taken from the path /account/name")
    func queueFromPath() throws {
        let parameters = ["Action": "SendMessage", "MessageBody": "celery"]
        guard case .sendMessage("tasks", let message) = try decodeQuery(parameters, path: "/000000000000/tasks") else {
            Issue.record(); return
        }
        #expect(message.body == "celery")
        guard case .purgeQueue("tasks") = try decodeQuery(["Action": "PurgeQueue"], path: "/000000000000/tasks") else {
            Issue.record(); return
        }
        guard case .deleteQueue("q") = try decodeQuery(["Action": "DeleteQueue", "QueueUrl": queueURL], path: "/000000000000/other")
        else { Issue.record("QueueUrl wins over the path"); return }
        expectWireError("AWS.SimpleQueueService.NonExistentQueue", "a path of another account names a queue that does not exist here") {
            _ = try decodeQuery(["Action": "PurgeQueue"], path: "/999999999999/tasks")
        }
        expectWireError("MissingParameter") { _ = try decodeQuery(["Action": "PurgeQueue"], path: "/") }
    }

    @Test("Move-task actions decode from Query parameters")
    func moveTaskActions() throws {
        guard case .startMessageMoveTask("arn:x", nil, nil) = try decodeQuery(["Action": "StartMessageMoveTask", "SourceArn": "arn:x"])
        else { Issue.record(); return }
        guard case .cancelMessageMoveTask("h") = try decodeQuery(["Action": "CancelMessageMoveTask", "TaskHandle": "h"]) else {
            Issue.record(); return
        }
        guard case .listMessageMoveTasks("arn:x", 10) = try decodeQuery(
            ["Action": "ListMessageMoveTasks", "SourceArn": "arn:x", "MaxResults": "10"])
        else { Issue.record(); return }
    }

    @Test("Absent list elements give empty lists and maps")
    func absentLists() throws {
        guard case .getQueueAttributes("q", let names) = try decodeQuery(query("GetQueueAttributes")) else { Issue.record(); return }
        #expect(names.isEmpty)
        guard case .createQueue("x", let attributes, let tags) = try decodeQuery(query("CreateQueue", ["QueueName": "x"], withQueue: false))
        else { Issue.record(); return }
        #expect(attributes.isEmpty && tags.isEmpty)
    }
}
