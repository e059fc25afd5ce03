import NIOCore
import Synchronization

/// Notes connections whose client has closed its side. Hummingbird keeps such a connection open
/// to answer (remote half-closure is allowed), so the connection stays active and only this
/// tells that nobody may be reading: a long poll whose client hung up then stops before it
/// claims messages for nobody. One goes among each connection's channel handlers.
final class ClientHangUp: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private static let hungUp = Mutex<Set<ObjectIdentifier>>([])

    /// Whether the client of `channel` has closed its side of the connection, or the connection is closed.
    static func hasHungUp(_ channel: any Channel) -> Bool {
        !channel.isActive || hungUp.withLock { $0.contains(ObjectIdentifier(channel)) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent {
            _ = Self.hungUp.withLock { $0.insert(ObjectIdentifier(context.channel)) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        forget(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        forget(context.channel)
    }

    private func forget(_ channel: any Channel) {
        _ = Self.hungUp.withLock { $0.remove(ObjectIdentifier(channel)) }
    }
}
