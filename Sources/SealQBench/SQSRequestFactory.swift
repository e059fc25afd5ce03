import NIOCore
import NIOHTTP1
import SigV4

/// Builds SigV4-signed AWS JSON 1.0 SQS requests for one connection.
///
/// Not thread-safe (neither is its `RequestSigner`): each connection owns one, on its event loop.
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

    private static let contentType = "application/x-amz-json-1.0"
    private let signer: RequestSigner
    private let host: String
    private var clock = AmzDateClock()

    /// A factory signing with the credentials and region of `configuration`.
    init(configuration: BenchmarkConfiguration) {
        signer = RequestSigner(
            accessKeyId: configuration.accessKeyId, secretAccessKey: configuration.secretAccessKey,
            region: configuration.region, service: "sqs")
        host = configuration.endpoint.hostHeader
    }

    /// A signed `POST /` calling `action` with `payload`.
    func request(_ action: Action, payload: SQSPayload) -> BenchRequest {
        let target = "AmazonSQS." + action.rawValue
        var headers = [("Host", host), ("Content-Type", Self.contentType), ("X-Amz-Target", target)]
        headers += signer.sign(
            method: "POST", path: "/", query: "", headers: headers, payload: payload.bytes, amzDate: clock.now())
        headers.append(("Content-Length", String(payload.bytes.count)))
        return BenchRequest(
            head: HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: HTTPHeaders(headers)),
            body: payload.buffer)
    }
}
