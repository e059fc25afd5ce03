import Foundation
import Testing

@testable import QueueEngine

@Suite("Queue lifecycle: create, get, delete, list")
struct QueueLifecycleTests {
    @Test("CreateQueue with equal attributes returns the existing queue")
    func createIsIdempotent() async throws {
        let h = try await Harness()
        let first = try await h.createQueue("orders", ["VisibilityTimeout": "60", "DelaySeconds": "5"])
        h.clock.advance(seconds: 5)
        let second = try await h.createQueue("orders", ["DelaySeconds": "5", "VisibilityTimeout": "60"])
        #expect(second.id == first.id)
        #expect(second.createdAt == first.createdAt)
        #expect(second.settings.visibilityTimeout == 60)
        #expect(h.engine.liveQueues().count == 1)
    }

    @Test("CreateQueue with a different attribute value fails with QueueNameExists")
    func createWithDifferentAttributes() async throws {
        let h = try await Harness()
        try await h.createQueue("orders", ["VisibilityTimeout": "60"])
        await expectSQSError(.queueNameExists) { try await h.createQueue("orders", ["VisibilityTimeout": "61"]) }
        await expectSQSError(.queueNameExists) { try await h.createQueue("orders", ["MessageRetentionPeriod": "120"]) }
        #expect(try await h.attribute("VisibilityTimeout", of: "orders") == "60", "the existing queue is unchanged")
        let error = await expectSQSError(.queueNameExists) {
            try await h.createQueue("orders", ["VisibilityTimeout": "60", "DelaySeconds": "7", "MaximumMessageSize": "262144"])
        }
        #expect(error?.message.hasSuffix("attribute(s) DelaySeconds, MaximumMessageSize.") == true, "only what differs is named")
    }

    @Test("A deleted name cannot be reused for 60 seconds (QueueDeletedRecently), then it can")
    func deletedRecently() async throws {
        let h = try await Harness()
        let old = try await h.createQueue("jobs")
        try await h.send("left behind", to: "jobs")
        try await h.engine.deleteQueue(name: "jobs")
        await expectSQSError(.queueDoesNotExist) { _ = try h.engine.getQueue(name: "jobs") }
        await expectSQSError(.queueDoesNotExist) { try await h.send("x", to: "jobs") }

        h.clock.advance(seconds: 1)
        await expectSQSError(.queueDeletedRecently) { try await h.createQueue("jobs") }
        h.clock.advance(seconds: 58)
        await expectSQSError(.queueDeletedRecently, "59 s after deletion") { try await h.createQueue("jobs") }
        h.clock.advance(seconds: 2)
        let fresh = try await h.createQueue("jobs")
        #expect(fresh.id != old.id)
        #expect(try await h.receive(from: "jobs").isEmpty, "the old queue's messages do not come back")
        #expect(try await h.counts("jobs") == [0, 0, 0])
    }

    @Test("Deleting or purging a queue drops its in-flight reading, so churned queues leave nothing behind")
    func churnLeavesNoReadings() async throws {
        let h = try await Harness()
        for round in 0..<3 {
            try await h.createQueue("churn\(round)")
            try await h.send("m", to: "churn\(round)")
            _ = try await h.receive(from: "churn\(round)")
        }
        #expect(h.engine.inFlight.spaceCount == 3)
        try await h.engine.purgeQueue(name: "churn0")
        try await h.engine.deleteQueue(name: "churn1")
        #expect(h.engine.inFlight.spaceCount == 1, "the purged space and the deleted queue's are gone")
        _ = try await h.receive(from: "churn0")
        #expect(h.engine.inFlight.spaceCount == 2, "the purged queue's new space reads afresh")
    }

    @Test("Deleting a queue does not block other names")
    func deleteBlocksOnlyItsName() async throws {
        let h = try await Harness()
        try await h.createQueue("a")
        try await h.engine.deleteQueue(name: "a")
        try await h.createQueue("b")
        await expectSQSError(.queueDoesNotExist) { try await h.engine.deleteQueue(name: "a") }
    }

    @Test(
        "Legal standard queue names",
        arguments: ["a", "Queue_1-x", String(repeating: "z", count: 80), "0123456789", "-_-"])
    func legalNames(name: String) async throws {
        let h = try await Harness()
        let record = try await h.createQueue(name)
        #expect(record.name == name)
        #expect(try h.engine.getQueue(name: name).id == record.id)
    }

    @Test(
        "Illegal standard queue names fail with InvalidParameterValue",
        arguments: ["", String(repeating: "z", count: 81), "has space", "dot.name", "name.fifo", "slash/name", "ünïcode", "star*"])
    func illegalNames(name: String) async throws {
        let h = try await Harness()
        await expectSQSError(.invalidParameterValue, "\(name)") { try await h.createQueue(name) }
        #expect(h.engine.liveQueues().isEmpty)
    }

    @Test("FIFO names need the .fifo suffix, counted in the 80-character limit")
    func fifoNames() async throws {
        let h = try await Harness()
        let fifo = ["FifoQueue": "true"]
        #expect(try await h.createQueue("work.fifo", fifo).settings.fifoQueue)
        try await h.createQueue(String(repeating: "f", count: 75) + ".fifo", fifo)
        await expectSQSError(.invalidParameterValue) { try await h.createQueue(String(repeating: "f", count: 76) + ".fifo", fifo) }
        await expectSQSError(.invalidParameterValue) { try await h.createQueue("work", fifo) }
        await expectSQSError(.invalidParameterValue) { try await h.createQueue(".fifo", fifo) }
        await expectSQSError(.invalidParameterValue) { try await h.createQueue("bad name.fifo", fifo) }
        await expectSQSError(.invalidParameterValue) { try await h.createQueue("a.b.fifo", fifo) }
    }

    @Test("GetQueue and operations on a missing queue fail with QueueDoesNotExist")
    func missingQueue() async throws {
        let h = try await Harness()
        await expectSQSError(.queueDoesNotExist) { _ = try h.engine.getQueue(name: "nope") }
        await expectSQSError(.queueDoesNotExist) { _ = try await h.receive(from: "nope") }
        await expectSQSError(.queueDoesNotExist) { try await h.engine.purgeQueue(name: "nope") }
        await expectSQSError(.queueDoesNotExist) { _ = try await h.engine.queueAttributes(name: "nope", names: ["All"]) }
        await expectSQSError(.queueDoesNotExist) { _ = try h.engine.queueTags(name: "nope") }
    }

    @Test("ListQueues filters by prefix and sorts names")
    func listByPrefix() async throws {
        let h = try await Harness()
        for name in ["beta", "alpha3", "alpha", "alpha2", "Alpha"] { try await h.createQueue(name) }
        #expect(try h.engine.listQueues(prefix: "alpha", maxResults: nil, nextToken: nil).names == ["alpha", "alpha2", "alpha3"])
        #expect(try h.engine.listQueues(prefix: nil, maxResults: nil, nextToken: nil).names == ["Alpha", "alpha", "alpha2", "alpha3", "beta"])
        #expect(try h.engine.listQueues(prefix: "gamma", maxResults: nil, nextToken: nil).names == [])
        #expect(try h.engine.listQueues(prefix: nil, maxResults: nil, nextToken: nil).nextToken == nil)
    }

    @Test("ListQueues paginates with MaxResults and NextToken until the last page")
    func listPaginates() async throws {
        let h = try await Harness()
        for name in ["q1", "q2", "q3", "q4", "q5", "x1"] { try await h.createQueue(name) }
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try h.engine.listQueues(prefix: "q", maxResults: 2, nextToken: token)
            #expect(page.names.count <= 2)
            seen += page.names
            token = page.nextToken
            pages += 1
        } while token != nil && pages < 10
        #expect(seen == ["q1", "q2", "q3", "q4", "q5"])
        #expect(pages == 3)
        let exact = try h.engine.listQueues(prefix: "q", maxResults: 5, nextToken: nil)
        #expect(exact.names.count == 5)
        #expect(exact.nextToken == nil, "no token when nothing follows")
    }

    @Test("ListQueues pages stay sorted and whole as queues come and go, a token past the prefix ends the listing")
    func listFollowsChanges() async throws {
        let h = try await Harness()
        for name in ["q5", "q2", "q9", "a1", "r1"] { try await h.createQueue(name) }
        try await h.engine.deleteQueue(name: "q2")
        try await h.createQueue("q1")
        try await h.createQueue("q7")
        let first = try h.engine.listQueues(prefix: "q", maxResults: 2, nextToken: nil)
        #expect(first.names == ["q1", "q5"])
        let second = try h.engine.listQueues(prefix: "q", maxResults: 2, nextToken: first.nextToken)
        #expect(second.names == ["q7", "q9"] && second.nextToken == nil)
        // A token naming a queue past every name with the prefix (here "r1") leaves nothing.
        #expect(try h.engine.listQueues(prefix: "q", maxResults: 2, nextToken: Data("r1".utf8).base64EncodedString()).names == [])
        // A token naming a deleted queue still pages on from where it was.
        #expect(try h.engine.listQueues(prefix: nil, maxResults: 2, nextToken: Data("q2".utf8).base64EncodedString()).names == ["q5", "q7"])
        #expect(try h.engine.listQueues(prefix: nil, maxResults: nil, nextToken: nil).names == ["a1", "q1", "q5", "q7", "q9", "r1"])
    }

    @Test("ListQueues rejects MaxResults outside 1–1000 and undecodable tokens")
    func listRejectsBadParameters() async throws {
        let h = try await Harness()
        try await h.createQueue("q")
        await expectSQSError(.invalidParameterValue) { _ = try h.engine.listQueues(prefix: nil, maxResults: 0, nextToken: nil) }
        await expectSQSError(.invalidParameterValue) { _ = try h.engine.listQueues(prefix: nil, maxResults: 1001, nextToken: nil) }
        await expectSQSError(.invalidParameterValue) { _ = try h.engine.listQueues(prefix: nil, maxResults: 1, nextToken: "%%%") }
        #expect(try h.engine.listQueues(prefix: nil, maxResults: 1000, nextToken: nil).names == ["q"])
    }

    @Test("A deleted queue disappears from ListQueues")
    func listOmitsDeleted() async throws {
        let h = try await Harness()
        try await h.createQueue("keep")
        try await h.createQueue("drop")
        try await h.engine.deleteQueue(name: "drop")
        #expect(try h.engine.listQueues(prefix: nil, maxResults: nil, nextToken: nil).names == ["keep"])
    }

    @Test("QueueArn, CreatedTimestamp (seconds) and defaults are reported")
    func identityAttributes() async throws {
        let h = try await Harness(clock: ManualClock(startingAt: 1_700_000_123_456))
        try await h.createQueue("named")
        let values = try await h.engine.queueAttributes(name: "named", names: ["All"])
        #expect(values["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:named")
        #expect(values["CreatedTimestamp"] == "1700000123")
        #expect(values["LastModifiedTimestamp"] == "1700000123")
        #expect(values["VisibilityTimeout"] == "30")
        #expect(values["MessageRetentionPeriod"] == "345600")
        #expect(values["MaximumMessageSize"] == "1048576")
        #expect(values["DelaySeconds"] == "0")
        #expect(values["ReceiveMessageWaitTimeSeconds"] == "0")
        #expect(values["SqsManagedSseEnabled"] == "true")
        #expect(values["FifoQueue"] == nil, "standard queues do not report FIFO attributes")
        #expect(values["ApproximateNumberOfMessages"] == "0")
        #expect(try await h.engine.queueAttributes(name: "named", names: []).isEmpty)
    }
}
