import NIOCore

/// Sends messages, one per `SendMessage` or several per `SendMessageBatch`, until told to stop or,
/// with a message limit (prefill), until that many messages are sent; to a FIFO queue, the messages
/// (and when they run out) come from a ``FIFOMessageSource``.
final class SendWorkload: ConnectionWorkload {
    /// How messages are packed into requests.
    enum Packing {
        /// One `SendMessage` per message.
        case single
        /// `SendMessageBatch` of this many messages.
        case batch(Int)
    }

    private let factory: SQSRequestFactory
    private let queueURL: String
    private let packing: Packing
    private let body: String
    private let fullPayload: JSONPayload
    private var remaining: Int?
    private var fifo: FIFOMessageSource?

    /// - Parameters:
    ///   - messageLimit: the messages this connection sends in total; nil for no limit.
    ///   - fifo: for a FIFO queue, the messages to send, bodies included (`tag` is then not used).
    init(
        configuration: BenchmarkConfiguration, queueURL: String, packing: Packing, tag: String, messageLimit: Int?,
        fifo: FIFOMessageSource? = nil
    ) {
        factory = SQSRequestFactory(configuration: configuration)
        self.queueURL = queueURL
        self.packing = packing
        body = MessageBody.make(tag: tag, size: configuration.messageSize)
        fullPayload = Self.payload(queueURL: queueURL, body: body, packing: packing)
        remaining = messageLimit
        self.fifo = fifo
    }

    func nextRequest() -> BenchRequest? {
        if fifo != nil { return nextFIFORequest() }
        var payload = fullPayload
        var count = packing.messagesPerRequest
        if let remaining {
            guard remaining > 0 else { return nil }
            if remaining < count {
                count = remaining
                payload = Self.payload(queueURL: queueURL, body: body, packing: .batch(count))
            }
            self.remaining = remaining - count
        }
        return factory.request(packing.action, payload: payload)
    }

    /// The next request to a FIFO queue: each message with its own group and deduplication ids.
    private func nextFIFORequest() -> BenchRequest? {
        guard var source = fifo else { return nil }
        let count = min(packing.messagesPerRequest, remaining ?? .max)
        var messages: [FIFOMessage] = []
        messages.reserveCapacity(count)
        while messages.count < count, let message = source.next() { messages.append(message) }
        fifo = source
        guard !messages.isEmpty else { return nil }
        remaining = remaining.map { $0 - messages.count }
        let payload: JSONPayload = switch packing {
        case .single: SQSBodies.sendFIFOMessage(queueURL: queueURL, message: messages[0])
        case .batch: SQSBodies.sendFIFOMessageBatch(queueURL: queueURL, messages: messages)
        }
        return factory.request(packing.action, payload: payload)
    }

    func accept(_ body: ByteBuffer, into tally: inout Tally) {
        guard case .batch = packing else {
            tally.sent += 1
            return
        }
        do {
            let result = try SQSBatchResult(parsing: body)
            tally.sent += result.successfulIds.count
            for failure in result.failures { tally.recordError("SendMessageBatch entry failed: \(failure)") }
        } catch {
            tally.recordError("SendMessageBatch answer is not JSON: \(error)")
        }
    }

    func requestFailed() {}

    private static func payload(queueURL: String, body: String, packing: Packing) -> JSONPayload {
        switch packing {
        case .single: SQSBodies.sendMessage(queueURL: queueURL, body: body)
        case .batch(let count): SQSBodies.sendMessageBatch(queueURL: queueURL, body: body, count: count)
        }
    }
}

extension SendWorkload.Packing {
    fileprivate var messagesPerRequest: Int {
        switch self {
        case .single: 1
        case .batch(let count): count
        }
    }

    fileprivate var action: SQSRequestFactory.Action {
        switch self {
        case .single: .sendMessage
        case .batch: .sendMessageBatch
        }
    }
}
