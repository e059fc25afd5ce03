import NIOCore
import NIOHTTP1

/// Tells a connection to start sending, and until when.
struct LoadStart: Sendable {
    /// No request is sent, and no answer counted, after this.
    let deadline: NIODeadline
}

/// Drives one keep-alive connection: one request in flight, the next one written as soon as the
/// previous answer is complete, everything on the connection's event loop.
///
/// Closes the channel when the deadline passes, the request budget or the workload runs out, or
/// on any transport error.
final class LoadChannelHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let workload: any ConnectionWorkload
    private let tally: NIOLoopBoundBox<Tally>
    private var budget: Int
    private var deadline = NIODeadline.distantPast
    private var sentAt: NIODeadline?
    private var status = HTTPResponseStatus.ok
    private var body: ByteBuffer?

    /// - Parameters:
    ///   - tally: where this event loop's connections count what they do.
    ///   - budget: the most requests this connection sends.
    init(workload: any ConnectionWorkload, tally: NIOLoopBoundBox<Tally>, budget: Int) {
        self.workload = workload
        self.tally = tally
        self.budget = budget
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let start = event as? LoadStart else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        deadline = start.deadline
        sendNext(context: context, now: .now())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            body = nil
        case .body(var part):
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            answerComplete(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if NIODeadline.now() < deadline { tally.value.recordError("connection error: \(error)") }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if sentAt != nil, NIODeadline.now() < deadline {
            tally.value.recordError("the server closed a connection with a request in flight")
        }
        sentAt = nil
        context.fireChannelInactive()
    }

    private func answerComplete(context: ChannelHandlerContext) {
        guard let sentAt else { return }
        self.sentAt = nil
        let now = NIODeadline.now()
        guard now <= deadline else {
            context.close(promise: nil)
            return
        }
        let body = self.body ?? ByteBuffer()
        self.body = nil
        tally.value.requests += 1
        tally.value.latency.record(microseconds: UInt64(max(0, (now - sentAt).nanoseconds / 1000)))
        tally.value.lastAnswer = now
        if (200..<300).contains(status.code) {
            workload.accept(body, into: &tally.value)
        } else {
            tally.value.recordError("HTTP \(status.code): \(String(buffer: body))")
            workload.requestFailed()
        }
        sendNext(context: context, now: now)
    }

    private func sendNext(context: ChannelHandlerContext, now: NIODeadline) {
        guard budget > 0, now < deadline, let request = workload.nextRequest() else {
            context.close(promise: nil)
            return
        }
        budget -= 1
        sentAt = now
        request.write(to: context)
    }
}
