import NIOCore
import NIOHTTP1

/// An HTTP/1.0 connection ends after each answer unless its request asks to keep it open
/// (RFC 9112, section 9.3). The HTTP types Hummingbird works with carry no version, so such a
/// request is marked `Connection: close` on its way in, which ends the connection once it is
/// answered; without it a client reading to the end of the stream waited for the idle timeout.
final class HTTP10ConnectionClose: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    /// The handler to list among Hummingbird's additional channel handlers (which sit past the
    /// conversion to HTTP types): it puts an `HTTP10ConnectionClose` where requests still carry
    /// their version, just after NIO's HTTP/1 request decoder (so before that conversion), and
    /// steps out of the pipeline.
    static func installer() -> any RemovableChannelHandler { Installer() }

    /// Marks an HTTP/1.0 request head without keep-alive `Connection: close`; passes the rest on.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = unwrapInboundIn(data)
        if case .head(var head) = part, head.version == .http1_0, !head.isKeepAlive {
            head.headers.replaceOrAdd(name: "connection", value: "close")
            part = .head(head)
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    /// Puts an `HTTP10ConnectionClose` after NIO's request decoder, then removes itself.
    private final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny

        /// Installs the handler as soon as this one joins the pipeline.
        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try? pipeline.addHandler(HTTP10ConnectionClose(), position: .after(decoder))
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
