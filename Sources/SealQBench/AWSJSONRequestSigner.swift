import NIOCore
import NIOHTTP1
import SigV4

/// Builds SigV4-signed calls of an AWS JSON protocol (`POST /` with `X-Amz-Target`), the part the
/// SQS and KMS request factories share.
///
/// Not thread-safe (neither is its `RequestSigner`): each connection owns one, on its event loop.
final class AWSJSONRequestSigner {
    /// What tells one AWS JSON service from another on the wire.
    struct Service {
        /// The SigV4 service name (credential scope).
        let signingName: String
        /// The `Content-Type` of requests.
        let contentType: String
        /// What precedes the action in `X-Amz-Target`.
        let targetPrefix: String

        /// SQS: AWS JSON 1.0, `AmazonSQS.<Action>`.
        static let sqs = Service(signingName: "sqs", contentType: "application/x-amz-json-1.0", targetPrefix: "AmazonSQS.")
        /// KMS: AWS JSON 1.1, `TrentService.<Action>`.
        static let kms = Service(
            signingName: "kms", contentType: "application/x-amz-json-1.1", targetPrefix: "TrentService.")
    }

    private let service: Service
    private let signer: RequestSigner
    private let host: String
    private var clock = AmzDateClock()
    /// The last request built: the same call with the same body in the same second signs to
    /// the same bytes, so it is sent again rather than signed again.
    private var last: (action: String, amzDate: String, payload: [UInt8], request: BenchRequest)?

    /// A signer for `service` with the credentials, region and endpoint of `configuration`.
    init(configuration: BenchmarkConfiguration, service: Service) {
        self.service = service
        signer = RequestSigner(
            accessKeyId: configuration.accessKeyId, secretAccessKey: configuration.secretAccessKey,
            region: configuration.region, service: service.signingName)
        host = configuration.endpoint.hostHeader
    }

    /// A signed `POST /` calling `action` with `payload`.
    func request(_ action: String, payload: JSONPayload) -> BenchRequest {
        let amzDate = clock.now()
        if let last, last.amzDate == amzDate, last.action == action, last.payload == payload.bytes { return last.request }
        var headers = [
            ("Host", host), ("Content-Type", service.contentType), ("X-Amz-Target", service.targetPrefix + action),
        ]
        headers += signer.sign(
            method: "POST", path: "/", query: "", headers: headers, payload: payload.bytes, amzDate: amzDate)
        headers.append(("Content-Length", String(payload.bytes.count)))
        let request = BenchRequest(
            head: HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: HTTPHeaders(headers)),
            body: payload.buffer)
        last = (action, amzDate, payload.bytes, request)
        return request
    }
}
