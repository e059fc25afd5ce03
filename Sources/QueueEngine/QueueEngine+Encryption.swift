extension QueueEngine {
    /// Turns `messages`, sent together by `caller`, into what `queue` stores: with SSE on, each
    /// one's body and attributes sealed together into `sealedPayload` under the queue's current
    /// protection and left empty in the clear. A deduplication id that is the body's SHA-256
    /// (content-based, a sender's own, or one a move brings) is stored empty, to be derived again
    /// when the message is opened; any other is sealed with the payload (a sender may derive it
    /// from the body some other way): nothing derived from a body reaches the disk.
    func seal(_ messages: inout [NewMessage], for queue: QueueRecord, caller: Caller) throws(SQSError) {
        guard let protection = SealingProtection(queue.settings), !messages.isEmpty else { return }
        let common = try sealingContext(in: queue, caller: caller)
        for index in messages.indices {
            if let id = messages[index].deduplicationId, id.count == 64, id == contentDigest?(messages[index].body) {
                messages[index].deduplicationId = Self.derivedFromBody
            }
        }
        var payloads: [MessagePayload] = []
        var contexts: [SealingContext] = []
        payloads.reserveCapacity(messages.count)
        contexts.reserveCapacity(messages.count)
        for index in messages.indices {
            var sealedId: String?
            if let id = messages[index].deduplicationId, id != Self.derivedFromBody {
                sealedId = id
                messages[index].deduplicationId = Self.sealedInPayload
            }
            let message = messages[index]
            payloads.append(
                MessagePayload(
                    body: message.body, attributes: message.attributes, systemAttributes: message.systemAttributes, deduplicationId: sealedId))
            contexts.append(common.of(message))
        }
        let sealed = try sealer.seal(payloads, protection: protection, contexts)
        for index in messages.indices {
            messages[index].sealedPayload = sealed[index]
            messages[index].body = ""
            messages[index].attributes = [:]
            messages[index].systemAttributes = [:]
        }
    }

    /// The deduplication id a FIFO `message` is stored with, and the key its deduplication window
    /// is looked up by. The id is the sender's, or with content-based deduplication the hex
    /// SHA-256 of the body, as AWS documents (so a sender's explicit id equal to it is a
    /// duplicate). On a queue with SSE on, where nothing derived from a body may reach the disk,
    /// the window holds a hash of the id keyed by the queue's message space
    /// (`PayloadSealer.deduplicationKey`), and a content-based id is stored empty at once (as
    /// `seal` would store it).
    func deduplicationIds(of message: OutgoingMessage, in queue: QueueRecord, caller: Caller) throws(SQSError) -> (stored: String, windowKey: String) {
        guard let id = message.deduplicationId ?? contentDigest?(message.body) else {
            throw SQSError(.internalError, "Content-based deduplication is unavailable.")
        }
        guard SealingProtection(queue.settings) != nil else { return (id, id) }
        let windowKey = try sealer.deduplicationKey(of: id, sealingContext(in: queue, caller: caller))
        return (message.deduplicationId ?? Self.derivedFromBody, windowKey)
    }

    /// The stored deduplication id of a sealed message whose id is the SHA-256 of its body.
    static let derivedFromBody = ""
    /// The stored deduplication id of a sealed message whose id is sealed in its payload (no
    /// id a sender may give holds a control character).
    static let sealedInPayload = "\u{1}"

    /// `message`, read from `queue`'s message space, with its payload opened.
    func opened(_ message: NewMessage, in queue: QueueRecord, caller: Caller) throws(SQSError) -> NewMessage {
        guard let sealedPayload = message.sealedPayload else { return message }
        let payload = try sealer.open(sealedPayload, sealingContext(in: queue, caller: caller).of(message))
        var opened = message
        opened.body = payload.body
        opened.attributes = payload.attributes
        opened.systemAttributes = payload.systemAttributes
        opened.sealedPayload = nil
        if opened.deduplicationId == Self.derivedFromBody, let contentDigest { opened.deduplicationId = contentDigest(payload.body) }
        if opened.deduplicationId == Self.sealedInPayload { opened.deduplicationId = payload.deduplicationId }
        return opened
    }

    /// How a message moves between queues, for what AWS changes on the way.
    enum Move {
        /// To a dead-letter queue on a receive: a FIFO dead-letter queue gets the message with
        /// its message id as its deduplication id.
        case deadLetter
        /// Back out of a dead-letter queue by a move task: a new message (new id and send time,
        /// so its retention period starts again).
        case redrive
    }

    /// Re-encryption for messages moving between the message spaces of `queues` as `move` says:
    /// opened as the source stored them, sealed under the destination's current settings, on
    /// `caller`'s behalf.
    func payloadRewrite(between queues: [QueueRecord], caller: Caller, move: Move) -> PayloadRewrite {
        let bySpace = Dictionary(queues.map { ($0.messageSpace, $0) }, uniquingKeysWith: { first, _ in first })
        return { [self] message, from, to in
            guard let source = bySpace[from], let destination = bySpace[to] else {
                throw SQSError(.internalError, "A message cannot move between queues that no longer exist.")
            }
            var opened = try opened(message, in: source, caller: caller)
            switch move {
            case .deadLetter where destination.settings.fifoQueue:
                opened.deduplicationId = opened.messageId
            case .deadLetter:
                break
            case .redrive:
                opened.messageId = RandomIdentifier.uuid()
                opened.sentAt = time.nowMilliseconds()
            }
            var moved = [opened]
            try seal(&moved, for: destination, caller: caller)
            return moved[0]
        }
    }

    /// The sealing context of `queue`'s messages sent or read by `caller`, its message's part
    /// (id and binding) still to be filled in by `of(_:)`.
    private func sealingContext(in queue: QueueRecord, caller: Caller) throws(SQSError) -> SealingContext {
        guard let spaceKey = queue.spaceKey else { throw SQSError(.internalError, "The queue has no message space key.") }
        return SealingContext(
            queueArn: queueArn(queue.name), messageId: "", binding: [], spaceKey: spaceKey, caller: caller,
            reusePeriodSeconds: Int64(queue.settings.kmsDataKeyReusePeriodSeconds))
    }
}

extension SealingContext {
    /// A message without a FIFO group or deduplication id binds these (one array for all of them).
    private static let unbound = ["", ""]

    /// This queue-wide context completed for `message`: its id, group and deduplication ids.
    fileprivate func of(_ message: NewMessage) -> SealingContext {
        var context = self
        context.messageId = message.messageId
        context.binding =
            message.groupId == nil && message.deduplicationId == nil
            ? Self.unbound : [message.groupId ?? "", message.deduplicationId ?? ""]
        return context
    }
}
