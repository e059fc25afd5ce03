import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with an interim `100 Continue`, so a client that waits for it
/// before sending its body (curl does for bodies over 1 MiB) is not held up for its own timeout,
/// a second with curl, on every request.
///
/// A body announced as larger than the daemon accepts gets no `100 Continue`: the responder
/// refuses it from its Content-Length, and the client is spared sending it.
final class ExpectContinue: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let maximumBodyBytes: Int

    /// Answers for bodies of up to `maximumBodyBytes`.
    init(maximumBodyBytes: Int) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data), Self.expectsContinue(request, maximumBodyBytes: maximumBodyBytes) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }

    /// Whether `request` waits for `100 Continue` and may send its body.
    static func expectsContinue(_ request: HTTPRequest, maximumBodyBytes: Int) -> Bool {
        guard let expectation = request.headerFields[.expect], expectation.lowercased() == "100-continue" else { return false }
        guard let length = request.headerFields[.contentLength] else { return true }
        guard let bytes = Int(length) else { return false }
        return bytes <= maximumBodyBytes
    }
}
