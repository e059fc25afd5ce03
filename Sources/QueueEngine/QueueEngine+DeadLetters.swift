extension QueueEngine {
    /// ListDeadLetterSourceQueues: queues whose RedrivePolicy targets `name`, sorted, paginated.
    public func deadLetterSourceQueues(name: String, maxResults: Int?, nextToken: String?) throws(SQSError) -> QueueListing {
        try Self.page(of: sourceQueueNames(of: try requireQueue(name).name), maxResults: maxResults, nextToken: nextToken)
    }

    /// Where a move task from dead-letter queue `name` without a destination sends messages: the
    /// queues its messages came from (those still existing), and those whose RedrivePolicy names it.
    public func moveTaskDestinations(of name: String) async throws -> [String] {
        guard let queue = catalog.queue(named: name) else { return [] }
        let origins = try await store.deadLetterOrigins(space: queue.messageSpace).compactMap { deadLetterQueue(arn: $0)?.name }
        return Array(Set(origins + sourceQueueNames(of: name))).sorted()
    }

    /// The queues whose RedrivePolicy names queue `name` as their dead-letter queue, by name.
    public func sourceQueueNames(of name: String) -> [String] {
        catalog.sourceNames(deadLetterArn: queueArn(name))
    }

    /// Checks the redrive settings of queue `name` against the queues they name: the DLQ must
    /// exist, be of the same type, and allow this queue as a source. Only the attributes in
    /// `attributes` are checked: a change of another attribute keeps a RedrivePolicy whose
    /// dead-letter queue has since been deleted or has stopped allowing this queue, as on AWS.
    func checkRedrive(_ settings: QueueSettings, queueName name: String, attributes: [String: String]) throws(SQSError) {
        if attributes[QueueAttributeName.redriveAllowPolicy.rawValue] != nil, let text = settings.redriveAllowPolicy {
            _ = try RedriveAllowPolicy(json: text)
        }
        // Errors echo the policy as the caller gave it, as AWS's do.
        guard let text = attributes[QueueAttributeName.redrivePolicy.rawValue], let stored = settings.redrivePolicy else { return }
        let policy = try RedrivePolicy(json: stored)
        guard let target = deadLetterQueue(arn: policy.deadLetterTargetArn) else {
            throw RedrivePolicy.invalid(text, "Dead letter target does not exist.")
        }
        guard target.settings.fifoQueue == settings.fifoQueue else {
            throw RedrivePolicy.invalid(text, "Dead-letter queue must be the same type of queue as the source.")
        }
        guard target.name != name else { throw RedrivePolicy.invalid(text, "A queue cannot be its own dead-letter queue.") }
        if let allow = target.settings.redriveAllowPolicy, let allowPolicy = try? RedriveAllowPolicy(json: allow),
            !allowPolicy.allows(queueArn(name))
        {
            throw RedrivePolicy.invalid(text, "Queue \(queueArn(name)) is not allowed to use \(target.name) as its dead-letter queue.")
        }
    }

    /// Where a receive from `queue` by `caller` moves messages received too often, if anywhere:
    /// the dead-letter queue and what the store needs for the move (re-encryption included).
    func deadLetterRoute(of queue: QueueRecord, caller: Caller) -> (queue: QueueRecord, target: DeadLetterTarget)? {
        guard let text = queue.settings.redrivePolicy, let policy = try? RedrivePolicy(json: text),
            let deadLetterQueue = deadLetterQueue(arn: policy.deadLetterTargetArn)
        else { return nil }
        let target = DeadLetterTarget(
            space: deadLetterQueue.messageSpace, maxReceiveCount: policy.maxReceiveCount,
            fifo: deadLetterQueue.settings.fifoQueue, sourceArn: queueArn(queue.name),
            rewrite: payloadRewrite(between: [queue, deadLetterQueue], caller: caller, move: .deadLetter))
        return (deadLetterQueue, target)
    }

    /// The live queue an ARN of this account and region names.
    func deadLetterQueue(arn: String) -> QueueRecord? {
        guard arn.hasPrefix(arnPrefix) else { return nil }
        return catalog.queue(named: String(arn.dropFirst(arnPrefix.count)))
    }
}
