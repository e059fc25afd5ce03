import Foundation

extension QueueEngine {
    /// ListDeadLetterSourceQueues: queues whose RedrivePolicy targets `name`, sorted, paginated.
    public func deadLetterSourceQueues(name: String, maxResults: Int?, nextToken: String?) throws(SQSError) -> QueueListing {
        let target = queueArn(try requireQueue(name).name)
        if let maxResults, !(1...1000).contains(maxResults) {
            throw SQSError.invalidParameter("MaxResults", value: String(maxResults), reason: "MaxResults must be an integer between 1 and 1000.")
        }
        var after: String?
        if let nextToken {
            guard let data = Data(base64Encoded: nextToken), let last = String(data: data, encoding: .utf8) else {
                throw SQSError.invalidParameter("NextToken", value: nextToken, reason: "Invalid NextToken value.")
            }
            after = last
        }
        let sources = catalog.all().filter { queue in
            guard let text = queue.settings.redrivePolicy, let policy = try? RedrivePolicy(json: text) else { return false }
            return policy.deadLetterTargetArn == target && (after.map { queue.name > $0 } ?? true)
        }.map(\.name).sorted()
        let pageSize = maxResults ?? 1000
        let page = Array(sources.prefix(pageSize))
        let more = maxResults != nil && sources.count > pageSize
        return QueueListing(names: page, nextToken: more ? Data(page.last!.utf8).base64EncodedString() : nil)
    }

    /// Checks the redrive settings of queue `name` against the queues they name: the DLQ must
    /// exist, be of the same type, and allow this queue as a source.
    func checkRedrive(_ settings: QueueSettings, queueName name: String) throws(SQSError) {
        if let text = settings.redriveAllowPolicy { _ = try RedriveAllowPolicy(json: text) }
        guard let text = settings.redrivePolicy else { return }
        let policy = try RedrivePolicy(json: text)
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

    /// Where a receive from `queue` moves messages received too often, if anywhere: the
    /// dead-letter queue and what the store needs for the move.
    func deadLetterRoute(of queue: QueueRecord) -> (queue: QueueRecord, target: DeadLetterTarget)? {
        guard let text = queue.settings.redrivePolicy, let policy = try? RedrivePolicy(json: text),
            let deadLetterQueue = deadLetterQueue(arn: policy.deadLetterTargetArn)
        else { return nil }
        let target = DeadLetterTarget(
            space: deadLetterQueue.messageSpace, maxReceiveCount: policy.maxReceiveCount,
            fifo: deadLetterQueue.settings.fifoQueue, sourceArn: queueArn(queue.name))
        return (deadLetterQueue, target)
    }

    /// The live queue an ARN of this account and region names.
    func deadLetterQueue(arn: String) -> QueueRecord? {
        let prefix = "arn:aws:sqs:\(configuration.region):\(configuration.accountId):"
        guard arn.hasPrefix(prefix) else { return nil }
        return catalog.queue(named: String(arn.dropFirst(prefix.count)))
    }
}
