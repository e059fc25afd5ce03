import NIOCore
import NIOHTTP1

/// Sends one request when the connection is up and completes a promise with the whole answer.
final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// A complete HTTP answer.
    struct Answer: Sendable {
        let status: HTTPResponseStatus
        let body: ByteBuffer
    }

    private let request: BenchRequest
    private var promise: EventLoopPromise<Answer>?
    private var status = HTTPResponseStatus.ok
    private var body = ByteBuffer()

    init(request: BenchRequest, promise: EventLoopPromise<Answer>) {
        self.request = request
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        request.write(to: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = head.status
        case .body(var part): body.writeBuffer(&part)
        case .end:
            promise?.succeed(Answer(status: status, body: body))
            promise = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise?.fail(error)
        promise = nil
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(ChannelError.eof)
        promise = nil
        context.fireChannelInactive()
    }
}
