import NIOCore
import NIOHTTP1

/// Installs the handlers that must see a connection where requests still carry their HTTP
/// version, just after NIO's HTTP/1 request decoder (Hummingbird's additional channel handlers
/// sit past the conversion to HTTP types): in order, `ConnectionClose`, `ClientHangUp`, and NIO's
/// pipelining handler. List `HTTP1Handlers()` among the additional handlers: it puts them in
/// place and steps out of the pipeline.
///
/// The pipelining handler holds a request pipelined behind another until that one is answered.
/// Without it Hummingbird saw the next request's head while the first was still being answered,
/// took the connection for one still reading a request, and closed it at the idle timeout, in
/// the middle of a long poll. It also holds back a client's hang-up with the requests it holds,
/// so `ClientHangUp` goes before it: a long poll learns at once that nobody is reading.
final class HTTP1Handlers: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// Installs the handlers as soon as this one joins the pipeline, then removes itself.
    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
            let closer = ConnectionClose()
            let hangUp = ClientHangUp()
            try? pipeline.addHandler(closer, position: .after(decoder))
            try? pipeline.addHandler(hangUp, position: .after(closer))
            try? pipeline.addHandler(HTTPServerPipelineHandler(), position: .after(hangUp))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
