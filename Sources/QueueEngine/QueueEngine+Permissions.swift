import Foundation

extension QueueEngine {
    /// AddPermission: adds a statement labelled `label` to the queue's Policy attribute, as AWS does.
    public func addPermission(name: String, label: String, accountIds: [String], actions: [String]) async throws {
        _ = try requireQueue(name)
        try Self.checkLabel(label)
        guard !accountIds.isEmpty else { throw SQSError.missingParameter("AWSAccountIds") }
        guard !actions.isEmpty else { throw SQSError.missingParameter("Actions") }
        for account in accountIds where account.utf8.count != 12 || !account.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            throw SQSError.invalidParameter("AWSAccountIds", value: account, reason: "Account ids must be 12 digits.")
        }
        let shareable: Set<String> = [
            "*", "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes",
            "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue",
        ]
        for action in actions where !shareable.contains(action) {
            throw SQSError.invalidParameter("Actions", value: action, reason: "Only the queue owner is allowed to invoke this action.")
        }
        try await changeQueue(name) { queue in
            var policy = try Self.policyDocument(queue.settings.policy, arn: queueArn(name))
            var statements = Self.statements(of: policy)
            guard !statements.contains(where: { $0["Sid"] as? String == label }) else {
                throw SQSError.invalidParameter("Label", value: label, reason: "Already exists.")
            }
            // The queue policy quotas SetQueueAttributes enforces on a whole Policy.
            guard actions.count <= Self.maximumActionsPerStatement else {
                throw SQSError(
                    .overLimit,
                    "\(actions.count) actions were found in a statement from the submitted policy, max allowed is \(Self.maximumActionsPerStatement).")
            }
            guard statements.count < Self.maximumStatements else {
                throw SQSError(
                    .overLimit, "\(statements.count + 1) statements were found in the submitted policy, max allowed is \(Self.maximumStatements).")
            }
            guard Self.principalCount(statements) + accountIds.count <= Self.maximumPrincipals else {
                throw SQSError(.overLimit, "The queue policy may name at most \(Self.maximumPrincipals) principals.")
            }
            let principals = accountIds.map { "arn:aws:iam::\($0):root" }
            let actionNames = actions.map { "SQS:\($0)" }
            statements.append([
                "Sid": label, "Effect": "Allow",
                "Principal": ["AWS": principals.count == 1 ? principals[0] as Any : principals as Any],
                "Action": actionNames.count == 1 ? actionNames[0] as Any : actionNames as Any,
                "Resource": queueArn(name),
            ])
            policy["Statement"] = statements
            var settings = queue.settings
            let rendered = try Self.render(policy)
            guard rendered.utf8.count <= Self.maximumPolicyBytes else {
                throw SQSError(.overLimit, "Submitted policy is over max allowed size.")
            }
            settings.policy = rendered
            return (settings, queue.tags)
        }
    }

    /// RemovePermission: removes the statement labelled `label` from the queue's Policy.
    public func removePermission(name: String, label: String) async throws {
        _ = try requireQueue(name)
        try await changeQueue(name) { queue in
            var policy = try Self.policyDocument(queue.settings.policy, arn: queueArn(name))
            var statements = Self.statements(of: policy)
            guard let index = statements.firstIndex(where: { $0["Sid"] as? String == label }) else {
                throw SQSError.invalidParameter("Label", value: label, reason: "can't find label on existing policy.")
            }
            statements.remove(at: index)
            var settings = queue.settings
            if statements.isEmpty {
                settings.policy = nil
            } else {
                policy["Statement"] = statements
                settings.policy = try Self.render(policy)
            }
            return (settings, queue.tags)
        }
    }

    /// AWS's queue policy quotas (as the Policy attribute's validation applies them).
    private static let maximumStatements = 20
    private static let maximumPrincipals = 50
    private static let maximumActionsPerStatement = 7
    private static let maximumPolicyBytes = 8_192

    /// The policy's statements, whether `Statement` holds one statement object or a list of them.
    private static func statements(of policy: [String: Any]) -> [[String: Any]] {
        if let list = policy["Statement"] as? [[String: Any]] { return list }
        if let single = policy["Statement"] as? [String: Any] { return [single] }
        return []
    }

    /// The principals the statements name (each string in Principal or NotPrincipal, or `*`).
    private static func principalCount(_ statements: [[String: Any]]) -> Int {
        func count(_ value: Any?) -> Int {
            switch value {
            case let text as String: return text.isEmpty ? 0 : 1
            case let list as [Any]: return list.reduce(0) { $0 + count($1) }
            case let map as [String: Any]: return map.values.reduce(0) { $0 + count($1) }
            default: return 0
            }
        }
        return statements.reduce(0) { $0 + count($1["Principal"]) + count($1["NotPrincipal"]) }
    }

    private static func checkLabel(_ label: String) throws(SQSError) {
        let legal = (1...80).contains(label.utf8.count)
            && label.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" }
        guard legal else {
            throw SQSError.invalidParameter(
                "Label", value: label,
                reason: "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
    }

    private static func policyDocument(_ text: String?, arn: String) throws -> [String: Any] {
        guard let text, let data = text.data(using: .utf8),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            return ["Version": "2012-10-17", "Id": "\(arn)/SQSDefaultPolicy", "Statement": [[String: Any]]()]
        }
        return object
    }

    private static func render(_ policy: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: policy, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
