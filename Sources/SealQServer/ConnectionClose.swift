import NIOCore
import NIOHTTP1

/// Ends connections as HTTP/1 says where the server below falls short. It sits where requests
/// still carry their HTTP version (see `HTTP1Handlers`) and:
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
        /// Whether the request has been read to its end.
        var isRead = false
    }

    /// Requests not answered yet, oldest first (answers go out in that order).
    private var unanswered: [Unanswered] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            unanswered.append(Unanswered(isHTTP10: head.version == .http1_0, closesConnection: !head.isKeepAlive))
        case .body:
            break
        case .end:
            if let reading = unanswered.firstIndex(where: { !$0.isRead }) { unanswered[reading].isRead = true }
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
            guard let answered = unanswered.first, answered.closesConnection else {
                if !unanswered.isEmpty { unanswered.removeFirst() }
                context.write(data, promise: promise)
                return
            }
            unanswered.removeFirst()
            // A request read in full leaves nothing to read: the connection closes. One refused
            // before its body was read has only its output closed (RFC 9112, section 9.6: a
            // staged close), so a client still sending that body reads its answer instead of a
            // reset; the request deadline or the idle timeout ends the rest.
            let mode: CloseMode = answered.isRead ? .all : .output
            let written = promise ?? context.eventLoop.makePromise()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(mode: mode, promise: nil) }
            context.write(data, promise: written)
        }
    }
}
