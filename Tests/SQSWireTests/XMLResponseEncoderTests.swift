import Testing

@testable import QueueEngine
@testable import SQSWire

@Suite("SQSResponseEncoder: Query XML shapes")
struct XMLResponseEncoderTests {
    private func wrapped(_ action: String, _ result: String?) -> String {
        "<?xml version=\"1.0\"?><\(action)Response xmlns=\"\(xmlNamespace)\">"
            + (result.map { "<\(action)Result>\($0)</\(action)Result>" } ?? "")
            + "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></\(action)Response>"
    }

    @Test("An empty result writes only the response metadata, as text/xml")
    func emptyResult() {
        let response = encode(.empty, .deleteQueue, .query)
        #expect(response.status == 200)
        #expect(header("Content-Type", in: response) == "text/xml")
        #expect(header("x-amzn-RequestId", in: response) == "req-1")
        #expect(text(response) == wrapped("DeleteQueue", nil))
        #expect(xmlTexts("RequestId", in: response.body) == (true, ["req-1"]))
    }

    @Test("An action with a result writes its result element even when empty, as query-protocol clients require")
    func emptyResultElement() {
        #expect(text(encode(.receiveMessage([]), .receiveMessage, .query)) == wrapped("ReceiveMessage", ""))
        #expect(text(encode(.queueUrls([], nextToken: nil), .listQueues, .query)) == wrapped("ListQueues", ""))
        #expect(text(encode(.queueAttributes([:]), .getQueueAttributes, .query)) == wrapped("GetQueueAttributes", ""))
    }

    @Test("CreateQueue and GetQueueUrl answer <QueueUrl>")
    func queueUrl() {
        let url = "<QueueUrl>http://localhost:9324/000000000000/q</QueueUrl>"
        #expect(text(encode(.queueUrl("q"), .createQueue, .query)) == wrapped("CreateQueue", url))
        #expect(text(encode(.queueUrl("q"), .getQueueUrl, .query)) == wrapped("GetQueueUrl", url))
    }

    @Test("ListQueues writes one flattened <QueueUrl> per queue, then <NextToken>")
    func listQueues() {
        let body = text(encode(.queueUrls(["a", "b"], nextToken: "tok"), .listQueues, .query))
        #expect(body == wrapped(
            "ListQueues",
            "<QueueUrl>http://localhost:9324/000000000000/a</QueueUrl><QueueUrl>http://localhost:9324/000000000000/b</QueueUrl><NextToken>tok</NextToken>"))
        #expect(!body.contains("QueueUrls"), "no wrapper element around the flattened list")
    }

    @Test("GetQueueAttributes writes <Attribute><Name/><Value/></Attribute>, sorted by name")
    func attributes() {
        let body = text(encode(.queueAttributes(["VisibilityTimeout": "30", "DelaySeconds": "0"]), .getQueueAttributes, .query))
        #expect(body == wrapped(
            "GetQueueAttributes",
            "<Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute><Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>"))
    }

    @Test("ListQueueTags writes <Tag><Key/><Value/></Tag>")
    func tags() {
        #expect(text(encode(.tags(["team": "a"]), .listQueueTags, .query))
            == wrapped("ListQueueTags", "<Tag><Key>team</Key><Value>a</Value></Tag>"))
    }

    @Test("Characters XML 1.0 cannot carry become U+FFFD; tab, line feed, CR and the rest are kept")
    func unrepresentableCharacters() {
        let response = encode(.tags(["k": "a\u{1}b\u{FFFE}c\u{FFFF}d\t\n\r\u{FFFD}\u{EFFF}é😀"]), .listQueueTags, .query)
        #expect(text(response) == wrapped("ListQueueTags", "<Tag><Key>k</Key><Value>a\u{FFFD}b\u{FFFD}c\u{FFFD}d\t\n&#13;\u{FFFD}\u{EFFF}é😀</Value></Tag>"))
        #expect(xmlTexts("Value", in: response.body).parsed)
    }

    @Test("SendMessage writes MessageId and the checksums")
    func sendMessage() {
        let message = OutgoingMessage(body: "hello", attributes: ["attr1": MessageAttributeValue(dataType: "String", stringValue: "value1")])
        #expect(text(encode(.sendMessage(SentMessage(messageId: "id-1"), message), .sendMessage, .query)) == wrapped(
            "SendMessage",
            "<MessageId>id-1</MessageId><MD5OfMessageBody>5d41402abc4b2a76b9719d911017c592</MD5OfMessageBody><MD5OfMessageAttributes>3bc3f392bdd1097ba0b434f65d468d2e</MD5OfMessageAttributes>"))
    }

    @Test("SendMessageBatch writes SendMessageBatchResultEntry and BatchResultErrorEntry elements")
    func sendMessageBatch() {
        let response = SQSResponse.sendMessageBatch(
            successes: [(id: "ok", result: SentMessage(messageId: "id-1"), message: OutgoingMessage(body: "hello"))],
            failures: [(id: "bad", error: SQSError(.batchEntryIdsNotDistinct, "dup"))])
        #expect(text(encode(response, .sendMessageBatch, .query)) == wrapped(
            "SendMessageBatch",
            "<SendMessageBatchResultEntry><Id>ok</Id><MessageId>id-1</MessageId><MD5OfMessageBody>5d41402abc4b2a76b9719d911017c592</MD5OfMessageBody></SendMessageBatchResultEntry>"
                + "<BatchResultErrorEntry><Id>bad</Id><SenderFault>true</SenderFault><Code>AWS.SimpleQueueService.BatchEntryIdsNotDistinct</Code><Message>dup</Message></BatchResultErrorEntry>"))
    }

    @Test("DeleteMessageBatch and ChangeMessageVisibilityBatch name their result entries after the action")
    func batchEntryNames() {
        let response = SQSResponse.batch(successIds: ["a"], failures: [(id: "b", error: SQSError(.receiptHandleIsInvalid, "no"))])
        let failure = "<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code><Message>no</Message></BatchResultErrorEntry>"
        #expect(text(encode(response, .deleteMessageBatch, .query))
            == wrapped("DeleteMessageBatch", "<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry>" + failure))
        #expect(text(encode(response, .changeMessageVisibilityBatch, .query)) == wrapped(
            "ChangeMessageVisibilityBatch",
            "<ChangeMessageVisibilityBatchResultEntry><Id>a</Id></ChangeMessageVisibilityBatchResultEntry>" + failure))
    }

    @Test("ReceiveMessage writes <Message> with Attribute and MessageAttribute/Name/Value/StringValue|BinaryValue/DataType")
    func receiveMessage() {
        let response = encode(.receiveMessage([sampleReceived]), .receiveMessage, .query)
        let md5Body = MessageDigests.body(sampleReceived.body)
        let md5Attributes = MessageDigests.attributes(sampleReceived.messageAttributes) ?? "missing"
        #expect(text(response) == wrapped(
            "ReceiveMessage",
            "<Message><MessageId>m-1</MessageId><ReceiptHandle>AQ+/handle==</ReceiptHandle><MD5OfBody>\(md5Body)</MD5OfBody>"
                + "<Body>line1&#13;\nline2 &lt;&amp;&gt; ü</Body>"
                + "<Attribute><Name>ApproximateReceiveCount</Name><Value>2</Value></Attribute>"
                + "<Attribute><Name>SentTimestamp</Name><Value>1700000000000</Value></Attribute>"
                + "<MD5OfMessageAttributes>\(md5Attributes)</MD5OfMessageAttributes>"
                + "<MessageAttribute><Name>b</Name><Value><BinaryValue>AAH/</BinaryValue><DataType>Binary.png</DataType></Value></MessageAttribute>"
                + "<MessageAttribute><Name>n</Name><Value><StringValue>42</StringValue><DataType>Number.int</DataType></Value></MessageAttribute>"
                + "<MessageAttribute><Name>s</Name><Value><StringValue>v</StringValue><DataType>String</DataType></Value></MessageAttribute>"
                + "</Message>"))
        let parsed = xmlTexts("Body", in: response.body)
        #expect(parsed.parsed)
        #expect(parsed.texts == ["line1\r\nline2 <&> ü"], "an XML parser gets the \\r back")
    }

    @Test("An empty receive writes no <Message> and stays well-formed")
    func emptyReceive() {
        let response = encode(.receiveMessage([]), .receiveMessage, .query)
        #expect(!text(response).contains("<Message>"))
        #expect(text(response).hasSuffix("<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ReceiveMessageResponse>"))
        #expect(xmlTexts("RequestId", in: response.body) == (true, ["req-1"]))
    }

    @Test("Text is XML-escaped: & < > \" ' and \\r as &#13;")
    func escaping() {
        let response = encode(.queueAttributes(["Policy": "a&b<c>d\"e'f\rg\nh"]), .getQueueAttributes, .query)
        #expect(text(response).contains("<Value>a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;g\nh</Value>"))
        #expect(xmlTexts("Value", in: response.body) == (true, ["a&b<c>d\"e'f\rg\nh"]))
    }
}
