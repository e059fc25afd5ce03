import NIOCore
import NIOHTTP1

/// One HTTP request ready to write: its head and, for POST, its whole body in one buffer.
struct BenchRequest: Sendable {
    /// Request line and headers, framing (`Content-Length`) included.
    let head: HTTPRequestHead
    /// The body, if any.
    let body: ByteBuffer?

    /// `GET /health`.
    static func health(endpoint: BenchmarkEndpoint) -> BenchRequest {
        let headers = HTTPHeaders([("Host", endpoint.hostHeader)])
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/health", headers: headers)
        return BenchRequest(head: head, body: nil)
    }
}

extension BenchRequest {
    /// Writes the request (head, body, end) into `context` and flushes once, so it leaves in one write.
    func write(to context: ChannelHandlerContext) {
        context.write(NIOAny(HTTPClientRequestPart.head(head)), promise: nil)
        if let body { context.write(NIOAny(HTTPClientRequestPart.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(NIOAny(HTTPClientRequestPart.end(nil)), promise: nil)
    }
}
