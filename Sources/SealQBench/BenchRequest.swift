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
        return BenchRequest(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/health", headers: headers), body: nil)
    }
}
