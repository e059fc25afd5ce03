import Testing

@testable import QueueEngine
@testable import SQSWire

@Suite("SQSRequestDecoder: errors")
struct RequestDecoderErrorTests {
    @Test("An unknown action is InvalidAction in both protocols")
    func unknownAction() {
        let json = expectWireError("InvalidAction") { _ = try decodeJSON("Frobnicate", "{}") }
        #expect(json?.status == 400)
        #expect(json?.message.contains("Frobnicate") == true)
        expectWireError("InvalidAction") { _ = try decodeQuery(["Action": "Frobnicate"]) }
        expectWireError("InvalidAction", "action names are case-sensitive") { _ = try decodeJSON("sendmessage", "{}") }
    }

    @Test("A Query request without Action is MissingAction")
    func missingAction() {
        let error = expectWireError("MissingAction") { _ = try decodeQuery(["QueueUrl": queueURL]) }
        #expect(error?.status == 400)
        expectWireError("MissingAction") { _ = try decodeQuery(["Action": ""]) }
    }

    @Test("Missing required parameters are MissingParameter, named in the message")
    func missingParameters() {
        let cases: [(String, String, String)] = [
            ("CreateQueue", "{}", "QueueName"),
            ("GetQueueUrl", "{}", "QueueName"),
            ("DeleteQueue", "{}", "QueueUrl"),
            ("SendMessage", #"{"QueueUrl":"\#(queueURL)"}"#, "MessageBody"),
            ("DeleteMessage", #"{"QueueUrl":"\#(queueURL)"}"#, "ReceiptHandle"),
            ("ChangeMessageVisibility", #"{"QueueUrl":"\#(queueURL)","ReceiptHandle":"h"}"#, "VisibilityTimeout"),
            ("SendMessageBatch", #"{"QueueUrl":"\#(queueURL)","Entries":[{"MessageBody":"b"}]}"#, "Id"),
            ("DeleteMessageBatch", #"{"QueueUrl":"\#(queueURL)","Entries":[{"Id":"a"}]}"#, "ReceiptHandle"),
            ("AddPermission", #"{"QueueUrl":"\#(queueURL)"}"#, "Label"),
            ("SetQueueAttributes", #"{"QueueUrl":"\#(queueURL)"}"#, "Attributes"),
        ]
        for (action, body, parameter) in cases {
            let error = expectWireError("MissingParameter", "\(action)") { _ = try decodeJSON(action, body) }
            #expect(error?.message.contains(parameter) == true, "\(action): \(error?.message ?? "")")
            #expect(error?.jsonType == "com.amazonaws.sqs#MissingRequiredParameterException")
        }
        expectWireError("MissingParameter") { _ = try decodeQuery(["Action": "SendMessage", "QueueUrl": queueURL]) }
        expectWireError("MissingParameter") {
            _ = try decodeQuery(["Action": "SendMessageBatch", "QueueUrl": queueURL, "SendMessageBatchRequestEntry.1.Id": "a"])
        }
    }

    @Test(
        "JSON members of the wrong type are SerializationException",
        arguments: [
            ("GetQueueUrl", #"{"QueueName":5}"#),
            ("ListQueues", #"{"MaxResults":"5"}"#),
            ("ListQueues", #"{"MaxResults":1.5}"#),
            ("ListQueues", #"{"MaxResults":true}"#),
            ("CreateQueue", #"{"QueueName":"q","Attributes":[]}"#),
            ("CreateQueue", #"{"QueueName":"q","Attributes":{"DelaySeconds":5}}"#),
            ("GetQueueAttributes", #"{"QueueUrl":"http://h/000000000000/q","AttributeNames":"All"}"#),
            ("GetQueueAttributes", #"{"QueueUrl":"http://h/000000000000/q","AttributeNames":[1]}"#),
            ("SendMessageBatch", #"{"QueueUrl":"http://h/000000000000/q","Entries":[1]}"#),
            ("SendMessage", #"{"QueueUrl":"http://h/000000000000/q","MessageBody":"b","MessageAttributes":{"a":"v"}}"#),
            ("SendMessage", #"{"QueueUrl":"http://h/000000000000/q","MessageBody":"b","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"***"}}}"#),
            ("SendMessage", #"{"QueueUrl":["http://h/000000000000/q"],"MessageBody":"b"}"#),
        ])
    func wrongJSONTypes(action: String, body: String) {
        let error = expectWireError("SerializationException", "\(action) \(body)") { _ = try decodeJSON(action, body) }
        #expect(error?.status == 400)
    }

    @Test("Malformed JSON and non-object bodies are SerializationException", arguments: ["{", "[]", "\"text\"", "nul", "{\"a\":}", "{} trailing"])
    func malformedJSON(body: String) {
        expectWireError("SerializationException", "\(body)") { _ = try decodeJSON("ListQueues", body) }
    }

    @Test("Non-integer Query integers are InvalidParameterValue", arguments: ["abc", "1.5", "", "9999999999999999999999"])
    func queryIntegers(value: String) {
        let error = expectWireError("InvalidParameterValue", "\(value)") {
            _ = try decodeQuery(["Action": "ReceiveMessage", "QueueUrl": queueURL, "MaxNumberOfMessages": value])
        }
        #expect(error?.jsonType == "com.amazonaws.sqs#InvalidParameterValueException")
        expectWireError("InvalidParameterValue") {
            _ = try decodeQuery([
                "Action": "ChangeMessageVisibility", "QueueUrl": queueURL, "ReceiptHandle": "h", "VisibilityTimeout": value,
            ])
        }
    }

    @Test("Invalid base64 in a Query BinaryValue is InvalidParameterValue")
    func queryBadBase64() {
        expectWireError("InvalidParameterValue") {
            _ = try decodeQuery([
                "Action": "SendMessage", "QueueUrl": queueURL, "MessageBody": "b", "MessageAttribute.1.Name": "x",
                "MessageAttribute.1.Value.DataType": "Binary", "MessageAttribute.1.Value.BinaryValue": "***",
            ])
        }
    }

    @Test(
        "A QueueUrl of another account, or not of the form /account/name, is QueueDoesNotExist",
        arguments: [
            "http://localhost:9324/111111111111/q", "http://localhost:9324", "http://localhost:9324/000000000000",
            "http://localhost:9324/000000000000/q/extra", "q",
        ])
    func foreignQueueURL(url: String) {
        let json = expectWireError("AWS.SimpleQueueService.NonExistentQueue", "\(url)") {
            _ = try decodeJSON("PurgeQueue", #"{"QueueUrl":"\#(url)"}"#)
        }
        #expect(json?.jsonType == "com.amazonaws.sqs#QueueDoesNotExist")
        expectWireError("AWS.SimpleQueueService.NonExistentQueue", "\(url)") {
            _ = try decodeQuery(["Action": "PurgeQueue", "QueueUrl": url], path: "/000000000000/q")
        }
    }

    @Test("QueueUrls of this account on any host, with or without a trailing slash, name the queue")
    func acceptedQueueURLs() throws {
        for url in ["http://localhost:9324/000000000000/q", "https://sqs.us-east-1.amazonaws.com/000000000000/q",
                    "http://127.0.0.1:9324/000000000000/q/", "/000000000000/q"] {
            guard case .purgeQueue("q") = try decodeJSON("PurgeQueue", #"{"QueueUrl":"\#(url)"}"#) else {
                Issue.record("\(url)"); continue
            }
        }
    }
}
