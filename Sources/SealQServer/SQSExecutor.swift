import PolicyEngine
import QueueEngine
import SQSWire

/// Stage 4 of the request path for SQS: runs a decoded call on the queue engine.
struct SQSExecutor: Sendable {
    let engine: QueueEngine

    /// Executes `request` for `caller`.
    func execute(_ request: SQSRequest, caller: Caller) async throws -> SQSResponse {
        switch request {
        case .createQueue(_, let attributes, _):
            if let policy = attributes["Policy"], !policy.isEmpty { try Self.checkQueuePolicy(policy) }
        case .setQueueAttributes(let queue, let attributes):
            // A queue that does not exist is told first, whatever the attributes say.
            _ = try engine.getQueue(name: queue)
            if let policy = attributes["Policy"], !policy.isEmpty { try Self.checkQueuePolicy(policy) }
        default:
            break
        }
        switch request {
        case .createQueue(let name, let attributes, let tags):
            return .queueUrl(try await engine.createQueue(name: name, attributes: attributes, tags: tags).name)
        case .getQueueUrl(let name):
            return .queueUrl(try engine.getQueue(name: name).name)
        case .listQueues(let prefix, let maxResults, let nextToken):
            let listing = try engine.listQueues(prefix: prefix, maxResults: maxResults, nextToken: nextToken)
            return .queueUrls(listing.names, nextToken: listing.nextToken)
        case .deleteQueue(let queue):
            try await engine.deleteQueue(name: queue)
        case .getQueueAttributes(let queue, let names):
            return .queueAttributes(try await engine.queueAttributes(name: queue, names: names))
        case .setQueueAttributes(let queue, let attributes):
            try await engine.setQueueAttributes(name: queue, attributes: attributes)
        case .purgeQueue(let queue):
            try await engine.purgeQueue(name: queue)
        case .sendMessage(let queue, let message):
            return .sendMessage(try await engine.sendMessage(queue: queue, message, caller: caller), message)
        case .sendMessageBatch(let queue, let entries):
            let outcome = try await engine.sendMessageBatch(queue: queue, entries, caller: caller)
            let messages = Dictionary(entries.map { ($0.id, $0.payload) }, uniquingKeysWith: { first, _ in first })
            return .sendMessageBatch(
                successes: outcome.successes.map { ($0.id, $0.result, messages[$0.id]!) }, failures: outcome.failures)
        case .receiveMessage(let queue, let receive):
            return .receiveMessage(try await engine.receiveMessages(queue: queue, receive, caller: caller))
        case .deleteMessage(let queue, let receiptHandle):
            try await engine.deleteMessage(queue: queue, receiptHandle: receiptHandle)
        case .deleteMessageBatch(let queue, let entries):
            let outcome = try await engine.deleteMessageBatch(queue: queue, entries)
            return .batch(successIds: outcome.successes.map(\.id), failures: outcome.failures)
        case .changeMessageVisibility(let queue, let receiptHandle, let timeout):
            try await engine.changeVisibility(queue: queue, receiptHandle: receiptHandle, visibilityTimeout: timeout)
        case .changeMessageVisibilityBatch(let queue, let entries):
            let outcome = try await engine.changeVisibilityBatch(queue: queue, entries)
            return .batch(successIds: outcome.successes.map(\.id), failures: outcome.failures)
        case .tagQueue(let queue, let tags):
            try await engine.tagQueue(name: queue, tags: tags)
        case .untagQueue(let queue, let keys):
            try await engine.untagQueue(name: queue, keys: keys)
        case .listQueueTags(let queue):
            return .tags(try engine.queueTags(name: queue))
        case .addPermission(let queue, let label, let accountIds, let actions):
            try await engine.addPermission(name: queue, label: label, accountIds: accountIds, actions: actions)
        case .removePermission(let queue, let label):
            try await engine.removePermission(name: queue, label: label)
        case .listDeadLetterSourceQueues(let queue, let maxResults, let nextToken):
            let listing = try engine.deadLetterSourceQueues(name: queue, maxResults: maxResults, nextToken: nextToken)
            return .deadLetterSourceQueues(listing.names, nextToken: listing.nextToken)
        case .startMessageMoveTask(let sourceArn, let destinationArn, let rate):
            return .moveTaskStarted(
                handle: try await engine.startMessageMoveTask(
                    sourceArn: sourceArn, destinationArn: destinationArn, maxPerSecond: rate, caller: caller))
        case .cancelMessageMoveTask(let handle):
            return .moveTaskCancelled(moved: try await engine.cancelMessageMoveTask(handle: handle))
        case .listMessageMoveTasks(let sourceArn, let maxResults):
            return .moveTasks(try engine.listMessageMoveTasks(sourceArn: sourceArn, maxResults: maxResults))
        }
        return .empty
    }

    /// Refuses a queue Policy that does not parse as a resource policy (InvalidAttributeValue)
    /// or breaks SQS's quotas (8,192 bytes, 20 statements, 50 principals, 10 conditions, 7 actions
    /// per statement: OverLimit, as AWS answers "10 actions were found in a statement from the
    /// submitted policy, max allowed is 7"), and one that allows with NotPrincipal, which IAM does
    /// not support ("NotPrincipal must be used with Deny"; here it would have granted every
    /// caller not listed, anonymous ones included).
    private static func checkQueuePolicy(_ text: String) throws(SQSError) {
        // `${…}` under an older Version is legal: IAM reads it as literal text (the linter's
        // error finding is advice, as in Access Analyzer, not a reason to refuse the policy).
        let errors = PolicyValidator.validate(text, kind: .resource, quotas: .sqsQueuePolicy).filter {
            ($0.severity == .error && $0.code != "VARIABLE_UNSUPPORTED_IN_VERSION") || $0.code == "ALLOW_WITH_NOT_PRINCIPAL"
        }
        guard let first = errors.first(where: { !$0.isQuota }) ?? errors.first else { return }
        // AWS's words for the size quota ("Submitted policy is over max allowed size.", users report).
        if first.code == "POLICY_SIZE_EXCEEDED" { throw SQSError(.overLimit, "Submitted policy is over max allowed size.") }
        if first.isQuota { throw SQSError(.overLimit, first.message) }
        throw SQSError(.invalidAttributeValue, "Invalid value for the parameter Policy. Reason: \(first.message)")
    }
}

extension ValidationFinding {
    /// Whether this finding is a broken size quota rather than a malformed policy.
    fileprivate var isQuota: Bool { code.hasSuffix("_QUOTA_EXCEEDED") || code == "POLICY_SIZE_EXCEEDED" }
}
