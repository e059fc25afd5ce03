import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with an interim `100 Continue`, so a client that waits for it
/// before sending its body (curl does for bodies over 1 MiB) is not held up for its own timeout,
/// a second with curl, on every request.
///
/// A body announced as larger than the daemon accepts gets no `100 Continue`: the responder
/// refuses it from its Content-Length, and the client is spared sending it. That answer says
/// `Connection: close` (RFC 9110, section 10.1.1), and the connection ends with it: the server
/// would otherwise wait for a body the client will not send, and read the client's next request
/// as that body. On a connection with requests in flight before it, a request's
/// `100 Continue` waits until they are answered, since answers (interim ones included) go out
/// in the order their requests came.
final class ExpectContinue: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What a request not answered yet expects before it sends its body.
    enum Expectation {
        /// Nothing: it sends its body regardless.
        case none
        /// A `100 Continue`, not sent yet.
        case waiting
        /// A `100 Continue`, sent.
        case continued
        /// A `100 Continue` it will not get: it is refused before its body.
        case withheld
    }

    private let maximumBodyBytes: Int
    /// The requests not answered yet, oldest first.
    private var unanswered: [Expectation] = []

    /// Answers for bodies of up to `maximumBodyBytes`.
    init(maximumBodyBytes: Int) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) {
            unanswered.append(Self.expectation(of: request, maximumBodyBytes: maximumBodyBytes))
            if unanswered.count == 1 { continueOldest(context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where response.status.kind != .informational && unanswered.first == .withheld:
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end:
            context.write(data, promise: promise)
            guard !unanswered.isEmpty else { return }
            unanswered.removeFirst()
            continueOldest(context)
        default:
            context.write(data, promise: promise)
        }
    }

    /// Sends the oldest unanswered request its `100 Continue`, if it waits for one.
    private func continueOldest(_ context: ChannelHandlerContext) {
        guard unanswered.first == .waiting else { return }
        unanswered[0] = .continued
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }

    /// What `request` expects: a `100 Continue` when it asks for one and may send its body.
    static func expectation(of request: HTTPRequest, maximumBodyBytes: Int) -> Expectation {
        guard let expectation = request.headerFields[.expect], expectation.lowercased() == "100-continue" else { return .none }
        guard let length = request.headerFields[.contentLength] else { return .waiting }
        guard let bytes = UInt64(length) else { return .withheld }
        return bytes <= UInt64(maximumBodyBytes) ? .waiting : .withheld
    }
}
