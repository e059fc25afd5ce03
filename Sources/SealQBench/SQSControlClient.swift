import NIOPosix
import WireJSON

/// The setup and cleanup calls of a benchmark (create and delete its queue), each on a fresh
/// connection, with a timeout.
struct SQSControlClient: Sendable {
    let configuration: BenchmarkConfiguration
    let group: MultiThreadedEventLoopGroup

    /// Creates a standard queue, or a FIFO one without content-based deduplication (whose
    /// `name` must end in `.fifo`), with the configured queue attributes, and returns its URL.
    func createQueue(name: String, fifo: Bool, encryption: BenchmarkEncryption) async throws -> String {
        var attributes = encryption.queueAttributes(configuration.queueAttributes)
        if fifo {
            attributes["FifoQueue"] = "true"
            attributes["ContentBasedDeduplication"] = "false"
        }
        let payload = SQSBodies.createQueue(name: name, attributes: attributes)
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

    private func call(_ action: SQSRequestFactory.Action, payload: JSONPayload) async throws -> JSONValue {
        let request = SQSRequestFactory(configuration: configuration).request(action, payload: payload)
        return try await ControlExchange.call(
            request, action: action.rawValue, endpoint: configuration.endpoint, group: group)
    }
}
