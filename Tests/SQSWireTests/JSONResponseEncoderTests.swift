import Foundation
import Testing

@testable import QueueEngine
@testable import SQSWire

@Suite("SQSResponseEncoder: JSON 1.0 shapes")
struct JSONResponseEncoderTests {
    @Test("Success headers: 200, x-amz-json-1.0 content type, request id")
    func headers() {
        let response = encode(.empty, .deleteQueue, .json)
        #expect(response.status == 200)
        #expect(header("Content-Type", in: response) == "application/x-amz-json-1.0")
        #expect(header("x-amzn-RequestId", in: response) == "req-1")
        #expect(text(response) == "{}")
    }

    @Test("QueueUrl, QueueUrls and NextToken")
    func queueUrls() throws {
        #expect(text(encode(.queueUrl("q"), .createQueue, .json)) == #"{"QueueUrl":"http://localhost:9324/000000000000/q"}"#)
        let list = try jsonObject(encode(.queueUrls(["a", "b"], nextToken: "tok"), .listQueues, .json))
        #expect(list["QueueUrls"] as? [String] == ["http://localhost:9324/000000000000/a", "http://localhost:9324/000000000000/b"])
        #expect(list["NextToken"] as? String == "tok")
        let last = try jsonObject(encode(.queueUrls(["a"], nextToken: nil), .listQueues, .json))
        #expect(last["NextToken"] == nil)
    }

    @Test("Attributes and Tags are JSON maps of strings")
    func maps() throws {
        let attributes = try jsonObject(encode(.queueAttributes(["VisibilityTimeout": "30", "QueueArn": "arn:x"]), .getQueueAttributes, .json))
        #expect(attributes["Attributes"] as? [String: String] == ["VisibilityTimeout": "30", "QueueArn": "arn:x"])
        let tags = try jsonObject(encode(.tags(["team": "a"]), .listQueueTags, .json))
        #expect(tags["Tags"] as? [String: String] == ["team": "a"])
    }

    @Test("SendMessage: MD5OfMessageAttributes only when there are attributes")
    func sendMessage() throws {
        let plain = try jsonObject(encode(.sendMessage(SentMessage(messageId: "id-1"), OutgoingMessage(body: "hello")), .sendMessage, .json))
        #expect(plain["MessageId"] as? String == "id-1")
        #expect(plain["MD5OfMessageBody"] as? String == "5d41402abc4b2a76b9719d911017c592")
        #expect(plain["MD5OfMessageAttributes"] == nil)
        #expect(plain["MD5OfMessageSystemAttributes"] == nil)
        #expect(plain["SequenceNumber"] == nil)

        let message = OutgoingMessage(
            body: "hello", attributes: ["attr1": MessageAttributeValue(dataType: "String", stringValue: "value1")],
            systemAttributes: ["AWSTraceHeader": MessageAttributeValue(dataType: "String", stringValue: "Root=1-5759e988-bd862e3fe1be46a994272793")])
        let full = try jsonObject(encode(.sendMessage(SentMessage(messageId: "id-2", sequenceNumber: "18"), message), .sendMessage, .json))
        #expect(full["MD5OfMessageAttributes"] as? String == "3bc3f392bdd1097ba0b434f65d468d2e")
        #expect(full["MD5OfMessageSystemAttributes"] as? String == "62a56dd927315f2b2e12832b84617ea5")
        #expect(full["SequenceNumber"] as? String == "18")
    }

    @Test("SendMessageBatch: Successful entries with checksums, Failed entries with SenderFault and code")
    func sendMessageBatch() throws {
        let response = SQSResponse.sendMessageBatch(
            successes: [(id: "ok", result: SentMessage(messageId: "id-1"), message: OutgoingMessage(body: "hello"))],
            failures: [(id: "bad", error: SQSError(.invalidMessageContents, "Invalid characters"))])
        let object = try jsonObject(encode(response, .sendMessageBatch, .json))
        let successful = try #require(object["Successful"] as? [[String: Any]])
        #expect(successful.count == 1)
        #expect(successful[0]["Id"] as? String == "ok")
        #expect(successful[0]["MessageId"] as? String == "id-1")
        #expect(successful[0]["MD5OfMessageBody"] as? String == "5d41402abc4b2a76b9719d911017c592")
        let failed = try #require(object["Failed"] as? [[String: Any]])
        #expect(failed.count == 1)
        #expect(failed[0]["Id"] as? String == "bad")
        #expect(failed[0]["SenderFault"] as? Bool == true)
        #expect(failed[0]["Code"] as? String == "InvalidMessageContents")
        #expect(failed[0]["Message"] as? String == "Invalid characters")
    }

    @Test("ReceiveMessage: message members, attribute map, typed message attributes with base64 binary")
    func receiveMessage() throws {
        let object = try jsonObject(encode(.receiveMessage([sampleReceived]), .receiveMessage, .json))
        let messages = try #require(object["Messages"] as? [[String: Any]])
        let message = try #require(messages.first)
        #expect(message["MessageId"] as? String == "m-1")
        #expect(message["ReceiptHandle"] as? String == "AQ+/handle==")
        #expect(message["Body"] as? String == "line1\r\nline2 <&> ü", "JSON keeps \\r and non-ASCII exactly")
        #expect(message["MD5OfBody"] as? String == MessageDigests.body("line1\r\nline2 <&> ü"))
        #expect(message["Attributes"] as? [String: String] == ["SentTimestamp": "1700000000000", "ApproximateReceiveCount": "2"])
        #expect(message["MD5OfMessageAttributes"] as? String == MessageDigests.attributes(sampleReceived.messageAttributes))
        let attributes = try #require(message["MessageAttributes"] as? [String: [String: String]])
        #expect(attributes["s"] == ["StringValue": "v", "DataType": "String"])
        #expect(attributes["b"] == ["BinaryValue": "AAH/", "DataType": "Binary.png"])
        #expect(attributes["n"] == ["StringValue": "42", "DataType": "Number.int"])
    }

    @Test("Empty receives and empty listings omit the list member")
    func emptyLists() {
        #expect(text(encode(.receiveMessage([]), .receiveMessage, .json)) == "{}")
        #expect(text(encode(.queueUrls([], nextToken: nil), .listQueues, .json)) == "{}")
    }

    @Test("A received message without attributes has no attribute members")
    func receiveWithoutAttributes() throws {
        let bare = ReceivedMessage(messageId: "m", receiptHandle: "h", body: "b", attributes: [:], messageAttributes: [:])
        let message = try #require((try jsonObject(encode(.receiveMessage([bare]), .receiveMessage, .json))["Messages"] as? [[String: Any]])?.first)
        #expect(message["Attributes"] == nil)
        #expect(message["MessageAttributes"] == nil)
        #expect(message["MD5OfMessageAttributes"] == nil)
    }

    @Test("Delete and visibility batches list successful ids and failures")
    func batches() throws {
        let response = SQSResponse.batch(
            successIds: ["a", "b"], failures: [(id: "c", error: SQSError(.receiptHandleIsInvalid, "bad handle"))])
        let object = try jsonObject(encode(response, .deleteMessageBatch, .json))
        #expect((object["Successful"] as? [[String: String]])?.map { $0["Id"] } == ["a", "b"])
        let failed = try #require((object["Failed"] as? [[String: Any]])?.first)
        #expect(failed["Id"] as? String == "c")
        #expect(failed["Code"] as? String == "ReceiptHandleIsInvalid")
    }

    @Test("Strings are escaped as JSON: quotes, backslashes, control characters")
    func escaping() throws {
        let nasty = "q\"b\\n\nr\rt\tc\u{1}e\u{1F}ü😀"
        let response = encode(.queueAttributes(["Policy": nasty]), .getQueueAttributes, .json)
        #expect(text(response).contains(#"q\"b\\n\nr\rt\tc\u0001e\u001fü😀"#))
        #expect((try jsonObject(response)["Attributes"] as? [String: String])?["Policy"] == nasty)
    }
}
