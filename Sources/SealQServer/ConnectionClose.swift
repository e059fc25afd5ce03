import NIOCore
import NIOHTTP1

/// Ends connections as HTTP/1 says where the server below falls short. It sits where requests
/// still carry their HTTP version (just after NIO's request decoder, before the conversion to
/// the HTTP types Hummingbird works with) and:
/// - closes the connection after answering a request that does not keep it alive: HTTP/1.0
///   without `keep-alive`, or a `close` option in any case and list (`Close`,
///   `keep-alive, close`; RFC 9112, sections 9.3 and 9.6), the answer saying `Connection: close`;
/// - closes it after an answer that itself says `Connection: close` (a request refused before
///   its body, which the client then never sends);
/// - sends no `100 Continue` to an HTTP/1.0 client (RFC 9110, section 15.2: "A server MUST NOT
///   send a 1xx response to an HTTP/1.0 client").
final class ConnectionClose: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request not answered yet.
    private struct Unanswered {
        var isHTTP10: Bool
        var closesConnection: Bool
    }

    /// Requests not answered yet, oldest first (answers go out in that order).
    private var unanswered: [Unanswered] = []

    /// The handler to list among Hummingbird's additional channel handlers (which sit past the
    /// conversion to HTTP types): it puts a `ConnectionClose` just after NIO's HTTP/1 request
    /// decoder, and after it NIO's pipelining handler, and steps out of the pipeline.
    ///
    /// The pipelining handler holds a request pipelined behind another until that one is
    /// answered. Without it Hummingbird saw the next request's head while the first was still
    /// being answered, took the connection for one still reading a request, and closed it at
    /// the idle timeout, in the middle of a long poll.
    static func installer() -> any RemovableChannelHandler { Installer() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            unanswered.append(Unanswered(isHTTP10: head.version == .http1_0, closesConnection: !head.isKeepAlive))
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200:
            if unanswered.first?.isHTTP10 == true {
                promise?.succeed(())
                return
            }
            context.write(data, promise: promise)
        case .head(var head):
            if unanswered.first?.closesConnection == true {
                head.headers.replaceOrAdd(name: "connection", value: "close")
            } else if !head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) {
                context.write(data, promise: promise)
                return
            }
            if !unanswered.isEmpty { unanswered[0].closesConnection = true }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            let closes = unanswered.first?.closesConnection ?? false
            if !unanswered.isEmpty { unanswered.removeFirst() }
            guard closes else {
                context.write(data, promise: promise)
                return
            }
            let written = promise ?? context.eventLoop.makePromise()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.write(data, promise: written)
        }
    }

    /// Puts a `ConnectionClose` and NIO's pipelining handler after NIO's request decoder, then
    /// removes itself.
    private final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny

        /// Installs the handlers as soon as this one joins the pipeline.
        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                let closer = ConnectionClose()
                try? pipeline.addHandler(closer, position: .after(decoder))
                try? pipeline.addHandler(HTTPServerPipelineHandler(), position: .after(closer))
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
