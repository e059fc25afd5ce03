extension QueueEngine {
    /// SendMessage.
    public func sendMessage(queue name: String, _ message: OutgoingMessage, caller: Caller) async throws -> SentMessage {
        let queue = try requireQueue(name)
        try Self.checkSigned(caller, for: queue)
        let prepared = try prepare(message, for: queue, caller: caller, now: time.nowMilliseconds())
        try await admit([prepared.message], sizes: [prepared.size], windowKeys: [prepared.windowKey], to: queue)
        var stored = [prepared.message]
        try seal(&stored, for: queue, caller: caller)
        return try await persist(stored, sizes: [prepared.size], in: queue, entryIds: [nil], windowKeys: [prepared.windowKey])[0]
    }

    /// Stores prepared messages (of SQS sizes `sizes`): FIFO ones through deduplication (looked
    /// up by `windowKeys`), with sequence numbers. The send's observer (`StoredSends`) hears of
    /// them in the storing transaction, by entry id.
    private func persist(
        _ messages: [NewMessage], sizes: [Int], in queue: QueueRecord, entryIds: [String?], windowKeys: [String]
    ) async throws -> [SentMessage] {
        let observer = StoredSends.observer
        let sealed = SealingProtection(queue.settings) != nil
        guard queue.settings.fifoQueue else {
            // Standard queues store every message under the id it was given.
            observer?.stored(
                zip(entryIds, messages).map { .init(entryId: $0, sent: SentMessage(messageId: $1.messageId, sequenceNumber: nil), sealed: sealed) })
            _ = try await store.insert(messages, space: queue.messageSpace)
            delivered(messages, sizes: sizes, to: queue)
            return messages.map { SentMessage(messageId: $0.messageId, sequenceNumber: nil) }
        }
        let now = messages.first?.sentAt ?? time.nowMilliseconds()
        let keyed = zip(messages, windowKeys).map { message, windowKey in
            DeduplicatedMessage(
                message: message, scope: Self.deduplicationScope(of: message, in: queue), deduplicationId: windowKey,
                expiresAt: now + Self.fifoWindowMilliseconds)
        }
        let outcomes = try await store.insertDeduplicated(keyed, space: queue.messageSpace, now: now) { outcomes in
            observer?.stored(zip(entryIds, zip(messages, outcomes)).map { .init(entryId: $0, sent: Self.sent($1.0, $1.1), sealed: sealed) })
        }
        let kept = outcomes.indices.filter { if case .stored = outcomes[$0] { true } else { false } }
        let stored = kept.map { messages[$0] }
        // CloudWatch's NumberOfDeduplicatedSentMessages.
        count("sealq_messages_deduplicated_total", queue: queue.name, by: messages.count - stored.count)
        delivered(stored, sizes: kept.map { sizes[$0] }, to: queue)
        return zip(messages, outcomes).map(Self.sent)
    }

    /// What the send of `message` answers, given how the store took it.
    private static func sent(_ message: NewMessage, _ outcome: DeduplicationOutcome) -> SentMessage {
        switch outcome {
        case .stored(let sequence): SentMessage(messageId: message.messageId, sequenceNumber: SequenceNumber.format(sequence))
        case .duplicate(let messageId, let sequence): SentMessage(messageId: messageId, sequenceNumber: SequenceNumber.format(sequence))
        }
    }

    /// SendMessageBatch: entries that fail validation are reported; the rest are stored together.
    public func sendMessageBatch(
        queue name: String, _ entries: [BatchEntry<OutgoingMessage>], caller: Caller
    ) async throws -> BatchOutcome<SentMessage> {
        let queue = try requireQueue(name)
        try Self.checkSigned(caller, for: queue)
        try MessageValidation.checkBatch(ids: entries.map(\.id), action: "SendMessageBatch")
        let total = entries.reduce(0) { $0 + MessageValidation.size(body: $1.payload.body, attributes: $1.payload.attributes) }
        guard total <= 1_048_576 else {
            throw SQSError(
                .batchRequestTooLong, "Batch requests cannot be longer than 1048576 bytes. You have sent \(total) bytes.")
        }
        let now = time.nowMilliseconds()
        var outcome = BatchOutcome<SentMessage>()
        var acceptedIds: [String] = []
        var stored: [NewMessage] = []
        var windowKeys: [String] = []
        var sizes: [Int] = []
        for entry in entries {
            switch Result(catching: { () throws(SQSError) in try prepare(entry.payload, for: queue, caller: caller, now: now) }) {
            case .success(let prepared):
                acceptedIds.append(entry.id)
                stored.append(prepared.message)
                windowKeys.append(prepared.windowKey)
                sizes.append(prepared.size)
            case .failure(let error): outcome.failures.append((entry.id, error))
            }
        }
        // A key failure, or a disk too full, is the whole call's (every entry needs the same key), as on AWS.
        try await admit(stored, sizes: sizes, windowKeys: windowKeys, to: queue)
        try seal(&stored, for: queue, caller: caller)
        let sent = stored.isEmpty ? [] : try await persist(stored, sizes: sizes, in: queue, entryIds: acceptedIds, windowKeys: windowKeys)
        outcome.successes = Array(zip(acceptedIds, sent))
        return outcome
    }

    /// The deduplication scope of a FIFO message: its group, or the whole queue.
    private static func deduplicationScope(of message: NewMessage, in queue: QueueRecord) -> String {
        queue.settings.deduplicationScope == "messageGroup" ? message.groupId ?? "" : ""
    }

    /// Refuses `messages` (of SQS sizes `sizes`) while the store is nearly out of disk
    /// (`ServiceUnavailable`, 503), before any key is used for them; a refusal is held for
    /// `refusedSendHold` first, and the room looked at once more. On a FIFO queue, retries of
    /// messages stored within the deduplication window (`windowKeys`) take no room: they are
    /// answered with the originals, as AWS does.
    private func admit(_ messages: [NewMessage], sizes: [Int], windowKeys: [String], to queue: QueueRecord) async throws {
        if hasRoom(for: sizes) { return }
        var sizes = sizes
        if queue.settings.fifoQueue {
            let keys = zip(messages, windowKeys).map { (Self.deduplicationScope(of: $0, in: queue), $1) }
            let duplicates = try await store.isDuplicate(keys, space: queue.messageSpace, now: time.nowMilliseconds())
            sizes = zip(sizes, duplicates).filter { !$1 }.map(\.0)
            if hasRoom(for: sizes) { return }
        }
        try? await Task.sleep(for: configuration.refusedSendHold)
        if hasRoom(for: sizes) { return }
        count("sealq_sends_refused_low_disk_total", queue: queue.name, by: sizes.count)
        throw SQSError.lowOnDisk
    }

    /// Whether the store takes new messages of SQS sizes `sizes` now.
    private func hasRoom(for sizes: [Int]) -> Bool {
        sizes.isEmpty || store.admitsNewMessages(count: sizes.count, bytes: sizes.reduce(0, +))
    }

    /// Refuses an anonymous (unsigned) caller on a queue with server-side encryption on, as AWS
    /// does for SendMessage and ReceiveMessage.
    static func checkSigned(_ caller: Caller, for queue: QueueRecord) throws(SQSError) {
        guard caller.principalArn == nil, SealingProtection(queue.settings) != nil else { return }
        throw SQSError.anonymousOnEncryptedQueue
    }

    private func delivered(_ messages: [NewMessage], sizes: [Int], to queue: QueueRecord) {
        count("sealq_messages_sent_total", queue: queue.name, by: messages.count)
        recordSentSizes(sizes, queue: queue.name)
        // Waiting receives wake for a visible message, and for a delayed one that becomes
        // visible within a wait: they sleep only until the earliest deadline they saw.
        let soonVisible = messages.count { $0.visibleAt - $0.sentAt <= Int64(Self.longestWaitSeconds) * 1000 }
        waiters.notify(queueId: queue.id, count: soonVisible)
    }

    /// `message` validated and made ready to store, with the key its FIFO deduplication window
    /// is looked up by (empty on a standard queue) and its size as SQS counts it.
    private func prepare(
        _ message: OutgoingMessage, for queue: QueueRecord, caller: Caller, now: Int64
    ) throws(SQSError) -> (message: NewMessage, windowKey: String, size: Int) {
        guard !message.body.isEmpty else { throw SQSError.missingParameter("MessageBody") }
        try MessageValidation.checkBody(message.body)
        try MessageValidation.checkAttributes(message.attributes)
        try MessageValidation.checkSystemAttributes(message.systemAttributes)
        let size = MessageValidation.size(body: message.body, attributes: message.attributes)
        guard size <= queue.settings.maximumMessageSize else {
            throw SQSError(
                .invalidParameterValue,
                "One or more parameters are invalid. Reason: Message must be shorter than \(queue.settings.maximumMessageSize) bytes.")
        }
        let delay = try delaySeconds(of: message, queue: queue)
        try checkFifoParameters(of: message, queue: queue)
        var deduplication: (stored: String?, windowKey: String) = (message.deduplicationId, "")
        if queue.settings.fifoQueue {
            deduplication = try deduplicationIds(of: message, in: queue, caller: caller)
        }
        let prepared = NewMessage(
            messageId: RandomIdentifier.uuid(), body: message.body, attributes: message.attributes,
            systemAttributes: message.systemAttributes, senderId: caller.senderId, sentAt: now,
            visibleAt: now + Int64(delay) * 1000, groupId: message.groupId, deduplicationId: deduplication.stored)
        return (prepared, deduplication.windowKey, size)
    }

    private func delaySeconds(of message: OutgoingMessage, queue: QueueRecord) throws(SQSError) -> Int {
        guard let delay = message.delaySeconds else { return queue.settings.delaySeconds }
        guard (0...900).contains(delay) else {
            throw SQSError.invalidParameter("DelaySeconds", value: String(delay), reason: "DelaySeconds must be >= 0 and <= 900.")
        }
        if queue.settings.fifoQueue {
            // FIFO queues have no per-message delay; AWS still accepts an explicit 0 (which
            // frameworks send by default) and applies the queue's delay.
            guard delay != 0 else { return queue.settings.delaySeconds }
            throw SQSError.invalidParameter(
                "DelaySeconds", value: String(delay), reason: "The request include parameter that is not valid for this queue type.")
        }
        return delay
    }

    private func checkFifoParameters(of message: OutgoingMessage, queue: QueueRecord) throws(SQSError) {
        if let group = message.groupId { try MessageValidation.checkFifoToken(group, parameter: "MessageGroupId") }
        if let dedup = message.deduplicationId {
            guard queue.settings.fifoQueue else {
                throw SQSError.invalidParameter(
                    "MessageDeduplicationId", value: dedup,
                    reason: "The request include parameter that is not valid for this queue type.")
            }
            try MessageValidation.checkFifoToken(dedup, parameter: "MessageDeduplicationId")
        }
        guard queue.settings.fifoQueue else { return }
        guard message.groupId != nil else { throw SQSError.missingParameter("MessageGroupId") }
        if message.deduplicationId == nil && !queue.settings.contentBasedDeduplication {
            throw SQSError(
                .invalidParameterValue,
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
        }
    }
}
