import Foundation
import Testing

@testable import QueueEngine

@Suite("Queue attributes: ranges, names, FIFO-only attributes")
struct QueueAttributeTests {
    /// Every settable integer attribute with its inclusive bounds.
    static let ranges: [(String, Int, Int)] = [
        ("DelaySeconds", 0, 900),
        ("MaximumMessageSize", 1024, 1_048_576),
        ("MessageRetentionPeriod", 60, 1_209_600),
        ("ReceiveMessageWaitTimeSeconds", 0, 20),
        ("VisibilityTimeout", 0, 43_200),
        ("KmsDataKeyReusePeriodSeconds", 60, 86_400),
    ]

    @Test("Integer attributes: below and above the bounds fail, the bounds themselves are accepted", arguments: ranges)
    func integerBounds(name: String, low: Int, high: Int) async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        for value in [low - 1, high + 1] {
            await expectSQSError(.invalidAttributeValue, "SetQueueAttributes \(name)=\(value)") {
                try await h.engine.setQueueAttributes(name: "q", attributes: [name: String(value)])
            }
            await expectSQSError(.invalidAttributeValue, "CreateQueue \(name)=\(value)") {
                try await h.createQueue("other", [name: String(value)])
            }
        }
        for value in [low, high] {
            try await h.engine.setQueueAttributes(name: "q", attributes: [name: String(value), "KmsMasterKeyId": "alias/test"])
            #expect(try await h.attribute(name) == String(value))
        }
        try await h.createQueue("at-high", [name: String(high), "KmsMasterKeyId": "alias/test"])
        #expect(try await h.attribute(name, of: "at-high") == String(high), "CreateQueue applies the value too")
    }

    @Test("Non-integer values of integer attributes fail with InvalidAttributeValue", arguments: ["abc", "1.5", "", " 5", "0x10", "99999999999999999999"])
    func nonIntegerValues(value: String) async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        await expectSQSError(.invalidAttributeValue, "\(value)") {
            try await h.engine.setQueueAttributes(name: "q", attributes: ["VisibilityTimeout": value])
        }
        #expect(try await h.attribute("VisibilityTimeout") == "30")
    }

    @Test("Unknown, misspelt and read-only names fail with InvalidAttributeName", arguments: [
        "Bogus", "visibilitytimeout", "QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp", "All",
    ])
    func unknownNames(name: String) async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        await expectSQSError(.invalidAttributeName, "\(name)") {
            try await h.engine.setQueueAttributes(name: "q", attributes: [name: "1"])
        }
        await expectSQSError(.invalidAttributeName, "\(name)") { try await h.createQueue("other", [name: "1"]) }
    }

    @Test("GetQueueAttributes with an unknown name fails with InvalidAttributeName")
    func getUnknownName() async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        await expectSQSError(.invalidAttributeName) { _ = try await h.engine.queueAttributes(name: "q", names: ["Nope"]) }
    }

    @Test("FIFO-only attributes are unknown on standard queues", arguments: [
        ("ContentBasedDeduplication", "true"), ("DeduplicationScope", "queue"), ("FifoThroughputLimit", "perQueue"),
    ])
    func fifoOnlyOnStandard(name: String, value: String) async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        await expectSQSError(.invalidAttributeName) { try await h.engine.setQueueAttributes(name: "q", attributes: [name: value]) }
        await expectSQSError(.invalidAttributeName) { try await h.createQueue("other", [name: value]) }
        await expectSQSError(.invalidAttributeName) { _ = try await h.engine.queueAttributes(name: "q", names: [name]) }
        await expectSQSError(.invalidAttributeName) { _ = try await h.engine.queueAttributes(name: "q", names: ["FifoQueue"]) }
    }

    @Test("FIFO queues accept and report their attributes; FifoQueue cannot be changed later")
    func fifoAttributes() async throws {
        let h = try await Harness()
        try await h.createQueue("f.fifo", ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
        let values = try await h.engine.queueAttributes(name: "f.fifo", names: ["All"])
        #expect(values["FifoQueue"] == "true")
        #expect(values["ContentBasedDeduplication"] == "true")
        #expect(values["DeduplicationScope"] == "queue")
        #expect(values["FifoThroughputLimit"] == "perQueue")
        try await h.engine.setQueueAttributes(
            name: "f.fifo", attributes: ["DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"])
        #expect(try await h.attribute("FifoThroughputLimit", of: "f.fifo") == "perMessageGroupId")
        await expectSQSError(.invalidAttributeName) {
            try await h.engine.setQueueAttributes(name: "f.fifo", attributes: ["FifoQueue": "false"])
        }
        await expectSQSError(.invalidAttributeValue) {
            try await h.engine.setQueueAttributes(name: "f.fifo", attributes: ["DeduplicationScope": "group"])
        }
        await expectSQSError(.invalidAttributeValue) {
            try await h.engine.setQueueAttributes(name: "f.fifo", attributes: ["ContentBasedDeduplication": "yes"])
        }
    }

    @Test("perMessageGroupId throughput needs messageGroup deduplication scope")
    func throughputNeedsGroupScope() async throws {
        let h = try await Harness()
        await expectSQSError(.invalidAttributeValue) {
            try await h.createQueue("f.fifo", ["FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"])
        }
    }

    @Test("A request with one bad value changes nothing")
    func allOrNothing() async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        await expectSQSError(.invalidAttributeValue) {
            try await h.engine.setQueueAttributes(name: "q", attributes: ["DelaySeconds": "10", "VisibilityTimeout": "-1"])
        }
        await expectSQSError(.invalidAttributeName) {
            try await h.engine.setQueueAttributes(name: "q", attributes: ["DelaySeconds": "10", "Zzz": "1"])
        }
        #expect(try await h.attribute("DelaySeconds") == "0")
    }

    @Test("SetQueueAttributes persists values and bumps LastModifiedTimestamp")
    func setPersists() async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        let before = try await h.attribute("LastModifiedTimestamp")
        h.clock.advance(seconds: 10)
        try await h.engine.setQueueAttributes(name: "q", attributes: ["VisibilityTimeout": "45", "DelaySeconds": "3"])
        #expect(try await h.attribute("VisibilityTimeout") == "45")
        #expect(try await h.attribute("DelaySeconds") == "3")
        let after = try await h.attribute("LastModifiedTimestamp")
        #expect(Int(after ?? "") == Int(before ?? "")! + 10)
        let reloaded = try await Harness(clock: h.clock, store: h.store)
        #expect(try reloaded.engine.getQueue(name: "q").settings.visibilityTimeout == 45, "settings survive a reload from the store")
    }

    @Test("Policy must be a JSON object; an empty value removes it")
    func policyValidation() async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        for bad in ["not json", "[1,2]", "\"text\"", "{"] {
            await expectSQSError(.invalidAttributeValue, "\(bad)") {
                try await h.engine.setQueueAttributes(name: "q", attributes: ["Policy": bad])
            }
        }
        let policy = #"{"Version":"2012-10-17","Statement":[]}"#
        try await h.engine.setQueueAttributes(name: "q", attributes: ["Policy": policy])
        #expect(try await h.attribute("Policy") == policy)
        try await h.engine.setQueueAttributes(name: "q", attributes: ["Policy": ""])
        #expect(try await h.attribute("Policy") == nil)
    }

    @Test("RedrivePolicy and RedriveAllowPolicy must be JSON objects", arguments: ["RedrivePolicy", "RedriveAllowPolicy"])
    func redrivePoliciesAreJSON(name: String) async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        try await h.createQueue("dlq")
        await expectSQSError(.invalidAttributeValue) { try await h.engine.setQueueAttributes(name: "q", attributes: [name: "{oops"]) }
        let value = name == "RedrivePolicy"
            ? #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"5"}"#
            : #"{"redrivePermission":"allowAll"}"#
        try await h.engine.setQueueAttributes(name: "q", attributes: [name: value])
        // A RedrivePolicy comes back canonical, as on AWS: the count a number.
        let expected = name == "RedrivePolicy"
            ? #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":5}"# : value
        #expect(try await h.attribute(name) == expected)
    }

    @Test("A RedrivePolicy stored as sent (by versions before it was kept canonical) is given back canonical")
    func storedRedrivePolicyReadsCanonical() {
        var settings = QueueSettings()
        settings.redrivePolicy = #"{"maxReceiveCount": "5", "deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:c-dlq"}"#
        #expect(
            settings.attributeValues()[.redrivePolicy]
                == #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:c-dlq","maxReceiveCount":5}"#)
    }

    @Test("Setting KmsMasterKeyId turns SSE-SQS off; clearing it turns SSE-SQS back on")
    func kmsAndManagedSseExclusive() async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        try await h.engine.setQueueAttributes(name: "q", attributes: ["KmsMasterKeyId": "alias/mine"])
        #expect(try await h.attribute("SqsManagedSseEnabled") == "false")
        #expect(try await h.attribute("KmsMasterKeyId") == "alias/mine")
        #expect(try await h.attribute("KmsDataKeyReusePeriodSeconds") == "300")
        try await h.engine.setQueueAttributes(name: "q", attributes: ["KmsMasterKeyId": ""])
        #expect(try await h.attribute("SqsManagedSseEnabled") == "true")
        #expect(try await h.attribute("KmsMasterKeyId") == nil)
        await expectSQSError(.invalidAttributeValue) {
            try await h.engine.setQueueAttributes(name: "q", attributes: ["SqsManagedSseEnabled": "maybe"])
        }
    }
}
