/// Builds SigV4-signed AWS JSON 1.0 SQS requests for one connection.
///
/// Not thread-safe (neither is its signer): each connection owns one, on its event loop.
final class SQSRequestFactory {
    /// The SQS operations the benchmark calls.
    enum Action: String {
        case createQueue = "CreateQueue"
        case deleteQueue = "DeleteQueue"
        case sendMessage = "SendMessage"
        case sendMessageBatch = "SendMessageBatch"
        case receiveMessage = "ReceiveMessage"
        case deleteMessageBatch = "DeleteMessageBatch"
    }

    private let signer: AWSJSONRequestSigner

    /// A factory signing with the credentials and region of `configuration`.
    init(configuration: BenchmarkConfiguration) {
        signer = AWSJSONRequestSigner(configuration: configuration, service: .sqs)
    }

    /// A signed `POST /` calling `action` with `payload`.
    func request(_ action: Action, payload: JSONPayload) -> BenchRequest {
        signer.request(action.rawValue, payload: payload)
    }
}
