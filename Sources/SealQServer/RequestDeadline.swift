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
    private let reading: RequestsBeingRead
    private var timer = ConnectionTimer()

    /// A deadline of `limit` for each request on the connection, which is in `reading` while
    /// a request arrives.
    init(limit: TimeAmount, reading: RequestsBeingRead) {
        self.limit = limit
        self.reading = reading
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            timer.start(limit, context)
            reading.add(context.channel)
        case .body:
            break
        case .end:
            timer.cancel()
            reading.remove(context.channel)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer.cancel()
        reading.remove(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer.cancel()
        reading.remove(context.channel)
    }
}
