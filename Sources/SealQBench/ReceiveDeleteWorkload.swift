import NIOCore

/// Receives up to 10 messages (long polling 1 s), deletes them with one `DeleteMessageBatch`, and
/// counts each deleted message that was sent during the measured phase as a complete round trip.
final class ReceiveDeleteWorkload: ConnectionWorkload {
    private struct Received {
        let receiptHandle: String
        let sentDuringPhase: Bool
    }

    private let factory: SQSRequestFactory
    private let queueURL: String
    private let receivePayload: SQSPayload
    /// What the last receive returned, until its deletion is answered.
    private var received: [Received] = []
    private var deleting = false

    init(configuration: BenchmarkConfiguration, queueURL: String) {
        factory = SQSRequestFactory(configuration: configuration)
        self.queueURL = queueURL
        receivePayload = SQSBodies.receiveMessage(queueURL: queueURL)
    }

    func nextRequest() -> BenchRequest? {
        deleting = !received.isEmpty
        guard deleting else { return factory.request(.receiveMessage, payload: receivePayload) }
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
        let messages = try JSONValue(parsing: body)["Messages"]?.array ?? []
        received = messages.compactMap { message in
            guard let handle = message["ReceiptHandle"]?.string else { return nil }
            let sentDuringPhase = message["Body"]?.string?.hasPrefix(MessageBody.measuredTag) ?? false
            return Received(receiptHandle: handle, sentDuringPhase: sentDuringPhase)
        }
        tally.received += received.count
    }

    private func acceptDeletion(_ body: ByteBuffer, into tally: inout Tally) throws {
        defer { received = [] }
        let result = try SQSBatchResult(parsing: body)
        for id in result.successfulIds {
            guard let index = Int(id), received.indices.contains(index) else { continue }
            tally.deleted += 1
            if received[index].sentDuringPhase { tally.roundTrips += 1 }
        }
        for failure in result.failures { tally.recordError("DeleteMessageBatch entry failed: \(failure)") }
    }
}
