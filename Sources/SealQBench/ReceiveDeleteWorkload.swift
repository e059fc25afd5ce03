import WireJSON
import NIOCore

/// Receives up to 10 messages, deletes them with one `DeleteMessageBatch`, and counts each deleted
/// message that was sent during the measured phase as a complete round trip.
///
/// Every answer is checked: a receive answer must be a JSON object whose messages all have a receipt
/// handle, and a deletion answer must account for each entry exactly once, as successful or failed.
final class ReceiveDeleteWorkload: ConnectionWorkload {
    /// How the workload receives.
    enum Receiving {
        /// Long polling 1 s, the queue's visibility timeout (`pipeline`).
        case longPolling
        /// No wait, visibility timeout 30 s; every message must be a FIFO prefill message that is the next
        /// of its group, as `order` sees it (`fifo-receive`).
        case fifoInOrder(FIFOOrderCheck)
    }

    private struct Received {
        let receiptHandle: String
        let sentDuringPhase: Bool
    }

    private let factory: SQSRequestFactory
    private let queueURL: String
    private let receivePayload: JSONPayload
    private let order: FIFOOrderCheck?
    /// What the last receive returned, until its deletion is answered.
    private var received: [Received] = []
    private var deleting = false
    /// When the last receive was asked for.
    private var receiveRequestedAt = NIODeadline.distantPast

    init(configuration: BenchmarkConfiguration, queueURL: String, receiving: Receiving = .longPolling) {
        factory = SQSRequestFactory(configuration: configuration)
        self.queueURL = queueURL
        switch receiving {
        case .longPolling:
            receivePayload = SQSBodies.receiveMessage(queueURL: queueURL)
            order = nil
        case .fifoInOrder(let check):
            receivePayload = SQSBodies.receiveMessage(queueURL: queueURL, visibilityTimeout: 30, waitSeconds: 0)
            order = check
        }
    }

    func nextRequest() -> BenchRequest? {
        deleting = !received.isEmpty
        guard deleting else {
            receiveRequestedAt = .now()
            return factory.request(.receiveMessage, payload: receivePayload)
        }
        let payload = SQSBodies.deleteMessageBatch(queueURL: queueURL, receiptHandles: received.map(\.receiptHandle))
        return factory.request(.deleteMessageBatch, payload: payload)
    }

    func accept(_ body: ByteBuffer, into tally: inout Tally) {
        do {
            if deleting {
                try acceptDeletion(body, into: &tally)
            } else {
                try acceptMessages(body, into: &tally)
            }
        } catch {
            tally.recordError("\(deleting ? "DeleteMessageBatch" : "ReceiveMessage") answer is not JSON: \(error)")
            received = []
        }
    }

    func requestFailed() {
        received = []
    }

    private func acceptMessages(_ body: ByteBuffer, into tally: inout Tally) throws {
        let now = NIODeadline.now()
        tally.receiveLatency.record(microseconds: UInt64(max(0, (now - receiveRequestedAt).nanoseconds / 1000)))
        let answer = try JSONValue(parsing: body)
        guard case .object = answer else {
            tally.recordError("ReceiveMessage answer is not a JSON object: \(String(buffer: body).prefix(200))")
            return
        }
        let messages: [JSONValue]
        switch answer["Messages"] {
        case nil, .null?: messages = []
        case .array(let elements)?: messages = elements
        default:
            tally.recordError("ReceiveMessage answer has Messages that is not an array")
            return
        }
        tally.receives += 1
        guard !messages.isEmpty else {
            tally.emptyReceives += 1
            return
        }
        tally.lastReceipt = now
        var places: [FIFOOrderCheck.Place] = []
        for message in messages {
            guard let handle = message["ReceiptHandle"]?.string, !handle.isEmpty else {
                tally.recordError("ReceiveMessage answer has a message without ReceiptHandle")
                continue
            }
            let text = message["Body"]?.string
            if order != nil {
                if let text, let place = MessageBody.fifoPlace(of: text) {
                    places.append(FIFOOrderCheck.Place(group: place.group, position: place.position))
                } else {
                    tally.recordError(
                        "received a message that is not a FIFO prefill message: \(text?.prefix(60) ?? "no Body")")
                }
            }
            let sentDuringPhase = text?.hasPrefix(MessageBody.measuredTag) ?? false
            received.append(Received(receiptHandle: handle, sentDuringPhase: sentDuringPhase))
        }
        tally.received += received.count
        if let order {
            for problem in order.record(places) {
                tally.outOfOrder += 1
                tally.recordError(problem)
            }
        }
    }

    private func acceptDeletion(_ body: ByteBuffer, into tally: inout Tally) throws {
        defer { received = [] }
        let result = try SQSBatchResult(parsing: body)
        var answered = Array(repeating: false, count: received.count)
        func account(for id: String) -> Int? {
            guard let index = Int(id), answered.indices.contains(index), !answered[index] else {
                tally.recordError("DeleteMessageBatch answered entry '\(id)', not asked for or answered twice")
                return nil
            }
            answered[index] = true
            return index
        }
        for id in result.successfulIds {
            guard let index = account(for: id) else { continue }
            tally.deleted += 1
            if received[index].sentDuringPhase { tally.roundTrips += 1 }
        }
        for id in result.failedIds { _ = account(for: id) }
        for failure in result.failures { tally.recordError("DeleteMessageBatch entry failed: \(failure)") }
        let missing = answered.count(where: { !$0 })
        for _ in 0..<missing {
            tally.recordError("DeleteMessageBatch answered \(received.count - missing) of \(received.count) entries")
        }
    }
}
