import NIOCore

/// `GET /health`, over and over.
final class HealthWorkload: ConnectionWorkload {
    private let request: BenchRequest

    init(endpoint: BenchmarkEndpoint) {
        request = .health(endpoint: endpoint)
    }

    func nextRequest() -> BenchRequest? { request }

    func accept(_ body: ByteBuffer, into tally: inout Tally) {}

    func requestFailed() {}
}
