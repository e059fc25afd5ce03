import WireJSON
import NIOCore
import NIOHTTP1
import NIOPosix

/// The setup and cleanup calls of a benchmark (create and delete its queue), each on a fresh
/// connection, with a timeout.
struct SQSControlClient: Sendable {
    let configuration: BenchmarkConfiguration
    let group: MultiThreadedEventLoopGroup

    private static let timeoutSeconds = 30

    /// Creates a standard queue, or a FIFO one (whose `name` must end in `.fifo`), and returns its URL.
    func createQueue(name: String, fifo: Bool) async throws -> String {
        let payload = fifo ? SQSBodies.createFIFOQueue(name: name) : SQSBodies.createQueue(name: name)
        let answer = try await call(.createQueue, payload: payload)
        guard let url = answer["QueueUrl"]?.string else {
            throw BenchmarkError.unexpectedResponse(action: "CreateQueue", "no QueueUrl")
        }
        return url
    }

    /// Deletes the queue at `queueURL`.
    func deleteQueue(url queueURL: String) async throws {
        _ = try await call(.deleteQueue, payload: SQSBodies.deleteQueue(queueURL: queueURL))
    }

    private func call(_ action: SQSRequestFactory.Action, payload: SQSPayload) async throws -> JSONValue {
        let request = SQSRequestFactory(configuration: configuration).request(action, payload: payload)
        let endpoint = configuration.endpoint
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
            throw BenchmarkError.unexpectedResponse(
                action: action.rawValue, "connection lost before the answer: \(error)")
        }
        guard (200..<300).contains(answer.status.code) else {
            throw BenchmarkError.requestFailed(
                action: action.rawValue, status: Int(answer.status.code), body: String(buffer: answer.body))
        }
        guard answer.body.readableBytes > 0 else { return .object([:]) }
        do {
            return try JSONValue(parsing: answer.body)
        } catch {
            throw BenchmarkError.unexpectedResponse(action: action.rawValue, "\(error): \(String(buffer: answer.body))")
        }
    }
}
