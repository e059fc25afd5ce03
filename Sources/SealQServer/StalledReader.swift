import NIOCore

/// Closes a connection whose client has stopped reading its answer: one whose socket has taken
/// no more bytes for `limit` while an answer waits to be sent.
///
/// The idle timeout does not run while an answer is being written, so without this a client
/// that stopped reading (a hung consumer, say) would hold its connection, and the unsent answer
/// in memory, for as long as it stayed connected.
final class StalledReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let limit: TimeAmount
    private var timer = ConnectionTimer()

    /// Closes connections stalled for `limit`.
    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { timer.cancel() } else { timer.start(limit, context) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer.cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer.cancel()
    }
}
