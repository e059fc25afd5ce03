import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with an interim `100 Continue`, so a client that waits for it
/// before sending its body (curl does for bodies over 1 MiB) is not held up for its own timeout,
/// a second with curl, on every request.
///
/// A body announced as larger than the daemon accepts gets no `100 Continue`: the responder
/// refuses it from its Content-Length, and the client is spared sending it. On a connection with
/// requests in flight before it, a request's `100 Continue` waits until they are answered, since
/// answers (interim ones included) go out in the order their requests came.
final class ExpectContinue: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let maximumBodyBytes: Int
    /// The requests not answered yet, oldest first: whether each still waits for its `100 Continue`.
    private var unanswered: [Bool] = []

    /// Answers for bodies of up to `maximumBodyBytes`.
    init(maximumBodyBytes: Int) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) {
            unanswered.append(Self.expectsContinue(request, maximumBodyBytes: maximumBodyBytes))
            if unanswered.count == 1 { continueOldest(context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let answered: Bool
        if case .end = unwrapOutboundIn(data) { answered = true } else { answered = false }
        context.write(data, promise: promise)
        guard answered, !unanswered.isEmpty else { return }
        unanswered.removeFirst()
        continueOldest(context)
    }

    /// Sends the oldest unanswered request its `100 Continue`, if it waits for one.
    private func continueOldest(_ context: ChannelHandlerContext) {
        guard unanswered.first == true else { return }
        unanswered[0] = false
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }

    /// Whether `request` waits for `100 Continue` and may send its body.
    static func expectsContinue(_ request: HTTPRequest, maximumBodyBytes: Int) -> Bool {
        guard let expectation = request.headerFields[.expect], expectation.lowercased() == "100-continue" else { return false }
        guard let length = request.headerFields[.contentLength] else { return true }
        guard let bytes = UInt64(length) else { return false }
        return bytes <= UInt64(maximumBodyBytes)
    }
}
