import Foundation
import Testing

@testable import QueueEngine

@Suite("Tags and permissions")
struct TagsAndPermissionsTests {
    @Test("TagQueue adds and overwrites, UntagQueue removes, ListQueueTags reports")
    func tagLifecycle() async throws {
        let h = try await Harness()
        try await h.createQueue("q", tags: ["team": "a", "env": "dev"])
        #expect(try h.engine.queueTags(name: "q") == ["team": "a", "env": "dev"])
        try await h.engine.tagQueue(name: "q", tags: ["env": "prod", "cost": "42"])
        #expect(try h.engine.queueTags(name: "q") == ["team": "a", "env": "prod", "cost": "42"])
        try await h.engine.untagQueue(name: "q", keys: ["team", "absent"])
        #expect(try h.engine.queueTags(name: "q") == ["env": "prod", "cost": "42"])
        let reloaded = try await Harness(clock: h.clock, store: h.store)
        #expect(try reloaded.engine.queueTags(name: "q") == ["env": "prod", "cost": "42"], "tags are stored")
    }

    @Test("At most 50 tags per queue, keys 1–128 and values ≤ 256 bytes")
    func tagLimits() async throws {
        let h = try await Harness()
        try await h.createQueue()
        var fifty: [String: String] = [:]
        for index in 1...50 { fifty["k\(index)"] = "v" }
        try await h.engine.tagQueue(name: "q", tags: fifty)
        await expectSQSError(.invalidParameterValue) { try await h.engine.tagQueue(name: "q", tags: ["k51": "v"]) }
        try await h.engine.tagQueue(name: "q", tags: ["k1": "overwritten"])
        #expect(try h.engine.queueTags(name: "q").count == 50)

        try await h.createQueue("other")
        await expectSQSError(.invalidParameterValue) { try await h.engine.tagQueue(name: "other", tags: ["": "v"]) }
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.tagQueue(name: "other", tags: [String(repeating: "k", count: 129): "v"])
        }
        await expectSQSError(.invalidParameterValue) {
            try await h.engine.tagQueue(name: "other", tags: ["k": String(repeating: "v", count: 257)])
        }
        try await h.engine.tagQueue(name: "other", tags: [String(repeating: "k", count: 128): String(repeating: "v", count: 256)])
        var fiftyOne = fifty
        fiftyOne["k51"] = "v"
        await expectSQSError(.invalidParameterValue) { try await h.createQueue("third", tags: fiftyOne) }
    }

    @Test("Empty tag maps and key lists are missing parameters")
    func emptyTagRequests() async throws {
        let h = try await Harness()
        try await h.createQueue()
        await expectSQSError(.missingParameter) { try await h.engine.tagQueue(name: "q", tags: [:]) }
        await expectSQSError(.missingParameter) { try await h.engine.untagQueue(name: "q", keys: []) }
    }

    @Test("AddPermission writes AWS's policy statements; RemovePermission takes them out")
    func permissionPolicy() async throws {
        let h = try await Harness()
        try await h.createQueue("shared")
        let arn = "arn:aws:sqs:us-east-1:000000000000:shared"
        try await h.engine.addPermission(name: "shared", label: "one", accountIds: ["111122223333"], actions: ["SendMessage"])
        var document = try #require(try await policy(h, "shared"))
        #expect(document["Version"] as? String == "2012-10-17")
        #expect(document["Id"] as? String == "\(arn)/SQSDefaultPolicy")
        var statements = try #require(document["Statement"] as? [[String: Any]])
        #expect(statements.count == 1)
        #expect(statements[0]["Sid"] as? String == "one")
        #expect(statements[0]["Effect"] as? String == "Allow")
        #expect((statements[0]["Principal"] as? [String: Any])?["AWS"] as? String == "arn:aws:iam::111122223333:root")
        #expect(statements[0]["Action"] as? String == "SQS:SendMessage")
        #expect(statements[0]["Resource"] as? String == arn)

        try await h.engine.addPermission(
            name: "shared", label: "two", accountIds: ["111122223333", "444455556666"], actions: ["ReceiveMessage", "DeleteMessage"])
        document = try #require(try await policy(h, "shared"))
        statements = try #require(document["Statement"] as? [[String: Any]])
        #expect(statements.map { $0["Sid"] as? String } == ["one", "two"])
        #expect((statements[1]["Principal"] as? [String: Any])?["AWS"] as? [String]
            == ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"])
        #expect(statements[1]["Action"] as? [String] == ["SQS:ReceiveMessage", "SQS:DeleteMessage"])

        try await h.engine.removePermission(name: "shared", label: "one")
        statements = try #require(try await policy(h, "shared")?["Statement"] as? [[String: Any]])
        #expect(statements.map { $0["Sid"] as? String } == ["two"])
        try await h.engine.removePermission(name: "shared", label: "two")
        #expect(try await h.attribute("Policy", of: "shared") == nil, "the last removal drops the policy")
    }

    private func policy(_ h: Harness, _ queue: String) async throws -> [String: Any]? {
        guard let text = try await h.attribute("Policy", of: queue) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    @Test("AddPermission validates label, accounts and actions")
    func permissionValidation() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let add = { (label: String, accounts: [String], actions: [String]) in
            try await h.engine.addPermission(name: "q", label: label, accountIds: accounts, actions: actions)
        }
        try await add("L1", ["111122223333"], ["*"])
        await expectSQSError(.invalidParameterValue, "duplicate label") { try await add("L1", ["111122223333"], ["SendMessage"]) }
        await expectSQSError(.invalidParameterValue, "bad label") { try await add("bad label", ["111122223333"], ["SendMessage"]) }
        await expectSQSError(.invalidParameterValue, "long label") {
            try await add(String(repeating: "l", count: 81), ["111122223333"], ["SendMessage"])
        }
        await expectSQSError(.invalidParameterValue, "short account") { try await add("L2", ["1234"], ["SendMessage"]) }
        await expectSQSError(.invalidParameterValue, "letters in account") { try await add("L2", ["11112222333a"], ["SendMessage"]) }
        await expectSQSError(.invalidParameterValue, "owner-only action") { try await add("L2", ["111122223333"], ["CreateQueue"]) }
        await expectSQSError(.invalidParameterValue, "owner-only action") { try await add("L2", ["111122223333"], ["SetQueueAttributes"]) }
        await expectSQSError(.missingParameter) { try await add("L2", [], ["SendMessage"]) }
        await expectSQSError(.missingParameter) { try await add("L2", ["111122223333"], []) }
        await expectSQSError(.invalidParameterValue, "unknown label") { try await h.engine.removePermission(name: "q", label: "nope") }
        let statements = try #require(try await policy(h, "q")?["Statement"] as? [[String: Any]])
        #expect(statements.count == 1, "failed calls added nothing")
    }

    @Test("AddPermission keeps statements of an existing Policy attribute")
    func permissionExtendsExistingPolicy() async throws {
        let h = try await Harness()
        try await h.createQueue()
        try await h.engine.setQueueAttributes(
            name: "q", attributes: ["Policy": #"{"Version":"2012-10-17","Statement":[{"Sid":"mine","Effect":"Deny","Principal":"*","Action":"*"}]}"#])
        try await h.engine.addPermission(name: "q", label: "added", accountIds: ["111122223333"], actions: ["GetQueueUrl"])
        let statements = try #require(try await policy(h, "q")?["Statement"] as? [[String: Any]])
        #expect(statements.map { $0["Sid"] as? String } == ["mine", "added"])
    }
}
