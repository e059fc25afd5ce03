import QueueEngine
import Testing

@Suite("Dead-letter queues: redrive policies and moves")
struct DeadLetterQueueTests {
    private static let dlqArn = "arn:aws:sqs:us-east-1:000000000000:dlq"

    private func redrive(_ max: Int, to arn: String = dlqArn) -> [String: String] {
        ["RedrivePolicy": #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":\#(max)}"#]
    }

    @Test("A message moves on the receive after maxReceiveCount, with DeadLetterQueueSourceArn")
    func movesAfterMaxReceiveCount() async throws {
        let h = try await Harness()
        try await h.createQueue("dlq")
        try await h.createQueue("source", redrive(2))
        try await h.send("poison", to: "source")
        for attempt in 1...2 {
            let got = try await h.receive(from: "source", visibility: 0)
            #expect(got.map(\.body) == ["poison"], "receive \(attempt) still delivers")
        }
        #expect(try await h.receive(from: "source", visibility: 0).isEmpty, "receive 3 moves it instead")
        let moved = try await h.receive(from: "dlq", system: ["All"])
        #expect(moved.map(\.body) == ["poison"])
        #expect(moved.first?.attributes["DeadLetterQueueSourceArn"] == "arn:aws:sqs:us-east-1:000000000000:source")
        #expect(try await h.counts("source") == [0, 0, 0])
    }

    @Test("A receive that moves a message and claims others with visibility 0 returns each once, and moves none it returned",
          arguments: [nil, "tenant"])
    func zeroVisibilityReceiveAfterAMove(group: String?) async throws {
        let h = try await Harness()
        try await h.createQueue("dlq")
        try await h.createQueue("source", redrive(3))
        try await h.send("poison", to: "source")
        for _ in 1...3 { _ = try await h.receive(from: "source", visibility: 0) }
        for body in ["fresh-1", "fresh-2"] {
            _ = try await h.engine.sendMessage(queue: "source", OutgoingMessage(body: body, groupId: group), caller: testCaller)
        }
        let got = try await h.receive(from: "source", visibility: 0)
        #expect(got.map(\.body).sorted() == ["fresh-1", "fresh-2"], "each message once, the poison one moved")
        #expect(try await h.receive(from: "dlq").map(\.body) == ["poison"])
        #expect(try await h.receive(from: "source", visibility: 0).count == 2, "the fresh messages stay in the source")
    }

    @Test("A standard message keeps its send time in the dead-letter queue")
    func standardKeepsSentTimestamp() async throws {
        let h = try await Harness()
        try await h.createQueue("dlq")
        try await h.createQueue("source", redrive(1))
        try await h.send("m", to: "source")
        let sent = try await h.receive(from: "source", visibility: 0, system: ["SentTimestamp"])
        h.clock.advance(seconds: 5)
        _ = try await h.receive(from: "source")
        let moved = try await h.receive(from: "dlq", system: ["SentTimestamp"])
        #expect(moved.first?.attributes["SentTimestamp"] == sent.first?.attributes["SentTimestamp"])
    }

    @Test("The dead-letter target must exist, be of the same type, and allow the source")
    func targetRules() async throws {
        let h = try await Harness()
        try await h.createQueue("source")
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.setQueueAttributes(name: "source", attributes: redrive(3))
        }
        try await h.createQueue("dlq.fifo", ["FifoQueue": "true"])
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.setQueueAttributes(
                name: "source", attributes: redrive(3, to: "arn:aws:sqs:us-east-1:000000000000:dlq.fifo"))
        }
        try await h.createQueue("dlq", ["RedriveAllowPolicy": #"{"redrivePermission":"denyAll"}"#])
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.setQueueAttributes(name: "source", attributes: redrive(3))
        }
        let byQueue = #"{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:000000000000:source"]}"#
        try await h.engine.setQueueAttributes(name: "dlq", attributes: ["RedriveAllowPolicy": byQueue])
        try await h.engine.setQueueAttributes(name: "source", attributes: redrive(3))
    }

    @Test("maxReceiveCount must be 1–1000 and RedriveAllowPolicy well formed", arguments: [0, 1001])
    func policyValidation(max: Int) async throws {
        let h = try await Harness()
        try await h.createQueue("dlq")
        try await h.createQueue("source")
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.setQueueAttributes(name: "source", attributes: redrive(max))
        }
        for bad in [#"{"redrivePermission":"sometimes"}"#, #"{"redrivePermission":"byQueue"}"#,
                    #"{"redrivePermission":"allowAll","sourceQueueArns":["x"]}"#,
                    #"{"redrivePermission":"byQueue","sourceQueueArns":["hello"]}"#,
                    #"{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:123:q"]}"#] {
            await expectSQSError(.invalidParameterValue, "\(bad)") {
                try await h.engine.setQueueAttributes(name: "dlq", attributes: ["RedriveAllowPolicy": bad])
            }
        }
    }

    @Test("A RedrivePolicy is checked in AWS's order: maxReceiveCount present, deadLetterTargetArn present and an ARN")
    func redrivePolicyCheckOrder() throws {
        func reason(_ text: String) -> String? {
            do { _ = try RedrivePolicy(json: text) } catch { return error.message }
            return nil
        }
        #expect(reason("{}")?.hasSuffix("Reason: Redrive policy does not contain mandatory attribute: maxReceiveCount.") == true)
        #expect(reason(#"{"maxReceiveCount": 3}"#)?.hasSuffix("mandatory attribute: deadLetterTargetArn.") == true)
        #expect(reason(#"{"deadLetterTargetArn": "dummy", "maxReceiveCount": 3}"#)?.hasSuffix("Reason: Invalid value for deadLetterTargetArn.") == true)
        #expect(reason(#"{"deadLetterTargetArn": "\#(Self.dlqArn)", "maxReceiveCount": "3"}"#) == nil)
    }

    @Test("ListDeadLetterSourceQueues lists the sources, paginated")
    func listsSources() async throws {
        let h = try await Harness()
        try await h.createQueue("dlq")
        for name in ["s1", "s2", "s3"] { try await h.createQueue(name, redrive(5)) }
        try await h.createQueue("other")
        let first = try h.engine.deadLetterSourceQueues(name: "dlq", maxResults: 2, nextToken: nil)
        #expect(first.names == ["s1", "s2"])
        let second = try h.engine.deadLetterSourceQueues(name: "dlq", maxResults: 2, nextToken: first.nextToken)
        #expect(second.names == ["s3"] && second.nextToken == nil)
        for forged in ["AAAA", "zzz"] {
            await expectSQSError(.invalidParameterValue, "NextToken \(forged)") {
                _ = try h.engine.deadLetterSourceQueues(name: "dlq", maxResults: 2, nextToken: forged)
            }
        }
    }

    @Test("ListDeadLetterSourceQueues follows RedrivePolicy changes, removals and deletions")
    func sourcesFollowChanges() async throws {
        let h = try await Harness()
        try await h.createQueue("dlq")
        try await h.createQueue("dlq2")
        for name in ["s3", "s1", "s2"] { try await h.createQueue(name, redrive(5)) }
        func sources(_ name: String) throws -> [String] { try h.engine.deadLetterSourceQueues(name: name, maxResults: nil, nextToken: nil).names }
        #expect(try sources("dlq") == ["s1", "s2", "s3"])
        try await h.engine.setQueueAttributes(name: "s1", attributes: redrive(5, to: "arn:aws:sqs:us-east-1:000000000000:dlq2"))
        try await h.engine.setQueueAttributes(name: "s2", attributes: ["RedrivePolicy": ""])
        #expect(try sources("dlq") == ["s3"])
        #expect(try sources("dlq2") == ["s1"])
        try await h.engine.deleteQueue(name: "s3")
        #expect(try sources("dlq") == [])
        h.clock.advance(seconds: 61)  // past QueueDeletedRecently
        try await h.createQueue("s3", redrive(2))
        #expect(try sources("dlq") == ["s3"], "a queue created again under the name is a source again")
    }

    @Test("A FIFO message moves to a FIFO dead-letter queue, the receive that moves it serves the group's next one")
    func fifoMove() async throws {
        let h = try await Harness()
        try await h.createQueue("dlq.fifo", ["FifoQueue": "true"])
        try await h.createQueue(
            "source.fifo",
            ["FifoQueue": "true", "RedrivePolicy": #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq.fifo","maxReceiveCount":1}"#])
        for body in ["m1", "m2"] {
            _ = try await h.engine.sendMessage(
                queue: "source.fifo", OutgoingMessage(body: body, groupId: "g", deduplicationId: body), caller: testCaller)
        }
        #expect(try await h.receive(from: "source.fifo", max: 1, visibility: 0).map(\.body) == ["m1"])
        let second = try await h.receive(from: "source.fifo", max: 1, visibility: 0, system: ["All"])
        #expect(second.map(\.body) == ["m2"], "m1 moves and m2 is served: \(second.map { ($0.body, $0.attributes) })")
        #expect(second.first?.attributes["ApproximateReceiveCount"] == "1")
        #expect(try await h.receive(from: "dlq.fifo").map(\.body) == ["m1"])
    }
}
