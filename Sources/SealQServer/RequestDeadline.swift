import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request has not arrived in full within `limit` of its head.
///
/// The idle timeout restarts with every byte read, so without this a client dripping its body a
/// byte at a time would hold its connection (and a daemon shutting down gracefully, which
/// waits for every request in progress) for as long as it liked.
final class RequestDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: TimeAmount
    private var expiry: Scheduled<Void>?

    /// A deadline of `limit` for each request on the connection.
    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            let connection = NIOLoopBound(context, eventLoop: context.eventLoop)
            expiry?.cancel()
            expiry = context.eventLoop.scheduleTask(in: limit) { connection.value.close(promise: nil) }
        case .body:
            break
        case .end:
            cancel()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func cancel() {
        expiry?.cancel()
        expiry = nil
    }
}
