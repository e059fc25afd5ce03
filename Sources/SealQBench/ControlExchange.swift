import NIOCore
import NIOHTTP1
import NIOPosix
import WireJSON

/// One setup or cleanup call (create or delete a queue or a key) on a fresh connection, with a
/// timeout; the answer must be 2xx and, if it has a body, JSON.
enum ControlExchange {
    private static let timeoutSeconds = 30

    /// Sends `request` and returns its parsed answer (an empty object for an empty body); `action`
    /// names the call in errors.
    static func call(
        _ request: BenchRequest, action: String, endpoint: BenchmarkEndpoint, group: MultiThreadedEventLoopGroup
    ) async throws -> JSONValue {
        let loop = group.next()
        let promise = loop.makePromise(of: ExchangeHandler.Answer.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        let handler = ExchangeHandler(request: request, promise: promise)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            promise.fail(error)
            throw BenchmarkError.unreachable(endpoint, "\(error)")
        }
        let timeout = loop.scheduleTask(in: .seconds(Int64(Self.timeoutSeconds))) {
            promise.fail(BenchmarkError.serverStalled(seconds: Self.timeoutSeconds))
            channel.close(promise: nil)
        }
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        let answer: ExchangeHandler.Answer
        do {
            answer = try await promise.futureResult.get()
        } catch let error as BenchmarkError {
            throw error
        } catch {
            throw BenchmarkError.unexpectedResponse(action: action, "connection lost before the answer: \(error)")
        }
        guard (200..<300).contains(answer.status.code) else {
            throw BenchmarkError.requestFailed(
                action: action, status: Int(answer.status.code), body: String(buffer: answer.body))
        }
        guard answer.body.readableBytes > 0 else { return .object([:]) }
        do {
            return try JSONValue(parsing: answer.body)
        } catch {
            throw BenchmarkError.unexpectedResponse(action: action, "\(error): \(String(buffer: answer.body))")
        }
    }
}
