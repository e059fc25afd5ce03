import WireFormat
import HTTPTypes
import Hummingbird
import NIOCore
import QueueEngine
import SQSWire
import SigV4

/// Routes HTTP requests: `/health` and `/metrics` directly, every API call through the pipeline.
struct SealQResponder: HTTPResponder {
    typealias Context = SealQRequestContext

    let router: ServiceRouter
    let metrics: MetricsEndpoint
    let maximumBodyBytes: Int
    /// Bounds the body bytes held across all requests at once.
    let bodyBudget: BodyBudget

    func respond(to request: Request, context: Context) async throws -> Response {
        // Normalized as the signature is checked, so `/./` or `//` in a queue path routes as signed.
        let path = CanonicalRequest.normalizedPath(request.uri.path)
        if (request.method == .get || request.method == .head) && (path == "/health" || path == "/metrics") {
            let body = path == "/health" ? Array("ok\n".utf8) : await metrics.render()
            let type = path == "/health" ? "text/plain" : "text/plain; version=0.0.4"
            // HEAD answers as GET does, without the body but with its length (RFC 9110, section
            // 8.6; load balancers' health checks use it).
            guard request.method == .get else {
                return Response(status: .ok, headers: [.contentType: type, .contentLength: String(body.count)])
            }
            return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        // HTTP/1.1's Host travels as the :authority pseudo-header in HTTPTypes; SigV4 signs it as `host`.
        if headers["host"] == nil, let authority = request.head.authority { headers["host"] = authority }
        let call = IncomingCall(
            method: request.method.rawValue, path: path, query: request.uri.query ?? "", headers: headers, body: [],
            sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1", host: request.head.authority ?? headers["host"] ?? "localhost")
        // Refused from its header before any of it is read (a length past Int64 included).
        let announced = request.headers[.contentLength].flatMap(UInt64.init)
        if let announced, announced > UInt64(maximumBodyBytes) {
            return respond(await router.reject(call, with: .requestTooLarge(limit: maximumBodyBytes)))
        }
        var reserved = 0
        defer { bodyBudget.release(reserved) }
        var filled = call
        do {
            filled.body = try await collectBody(of: request, announced: announced.map(Int.init) ?? 0, reserved: &reserved)
        } catch let refusal as WireError {
            return respond(await router.reject(call, with: refusal))
        } catch {
            return respond(await router.reject(call, with: .incompleteBody))
        }
        // A long poll whose client hangs up stops instead of claiming messages for nobody.
        let channel = context.channel
        let connection = ClientConnection { ClientHangUp.hasHungUp(channel) }
        return respond(await ClientConnection.$current.withValue(connection) { await router.handle(filled) })
    }

    /// The body of `request`, read within `maximumBodyBytes` and the shared body budget, which it
    /// draws on as bytes arrive (an announced length costs nothing until it is sent, so idle
    /// connections announcing large bodies hold no budget), adding what it took to `reserved`.
    /// Throws `requestTooLarge` or `serviceUnavailable`, or the stream's own error.
    private func collectBody(of request: Request, announced: Int, reserved: inout Int) async throws -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(min(announced, Self.initialBodyCapacity))
        for try await buffer in request.body {
            guard body.count + buffer.readableBytes <= maximumBodyBytes else { throw WireError.requestTooLarge(limit: maximumBodyBytes) }
            guard bodyBudget.reserve(buffer.readableBytes) else { throw WireError.serviceUnavailable }
            reserved += buffer.readableBytes
            body.append(contentsOf: buffer.readableBytesView)
        }
        return body
    }

    /// Room set aside for a body before any of it arrives; it grows as the body does.
    private static let initialBodyCapacity = 64 * 1024

    private func respond(_ encoded: EncodedResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in encoded.headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: encoded.status), headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: encoded.body)))
    }
}
