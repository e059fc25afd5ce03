import WireFormat
import Logging
import PolicyEngine
import QueueEngine
import SQSWire

/// The request path of DESIGN.md for SQS calls: decode → authenticate → authorize → execute →
/// record → encode. Every call passes every stage; no stage has a private copy elsewhere.
struct RequestPipeline: Sendable {
    let decoder: SQSRequestDecoder
    let authenticator: Authenticator
    let authorizer: Authorizer
    let targets: SQSAuthorizationTarget
    let executor: SQSExecutor
    let recorder: RequestRecorder
    let encoder: SQSResponseEncoder
    let logger: Logger

    /// Runs one call through every stage and returns the bytes to answer with.
    func handle(_ call: IncomingCall) async -> EncodedResponse {
        let requestId = RandomIdentifier.uuid()
        let wireProtocol = Self.protocolOf(call)
        var record = RequestRecord(requestId: requestId, action: "Unknown", sourceIP: call.sourceIP)
        do {
            let decoded = decode(call, protocol: wireProtocol)
            let identity: Authenticator.Identity
            do { identity = try authenticator.authenticate(call, service: "sqs") } catch { throw WireError(error) }
            record.principalArn = identity.principal?.arn
            record.accessKeyId = identity.accessKeyId
            let (action, request) = try decoded.get()
            record.action = action.rawValue
            record.queue = request.queueName
            let evaluation = authorizer.authorize(identity, targets.target(of: request, action: action), call: call)
            record.decision = evaluation?.decision ?? .allowed
            guard record.decision == .allowed else {
                throw identity.principal == nil ? WireError.missingAuthenticationToken : WireError.accessDenied
            }
            let caller = Caller(
                senderId: identity.principal?.userId ?? call.sourceIP, principalArn: identity.principal?.arn, sourceIP: call.sourceIP,
                userAgent: call.headers["user-agent"])
            let response = try await executor.execute(request, caller: caller)
            recorder.record(record)
            return encoder.encode(response, action: action, protocol: wireProtocol, baseURL: call.baseURL, requestId: requestId)
        } catch {
            let wireError = wire(error, requestId: requestId)
            record.errorCode = wireError.queryCode
            recorder.record(record)
            return encoder.encode(wireError, protocol: wireProtocol, requestId: requestId)
        }
    }

    /// Stage 1: the typed call, or the error decoding it (raised after authentication, so an
    /// unsigned request is told about its signature first, as AWS does).
    private func decode(_ call: IncomingCall, protocol wireProtocol: SQSProtocol) -> Result<(SQSAction, SQSRequest), WireError> {
        Result { () throws(WireError) in
            switch wireProtocol {
            case .json:
                let target = call.headers["x-amz-target"] ?? ""
                let action = target.hasPrefix("AmazonSQS.") ? String(target.dropFirst("AmazonSQS.".count)) : target
                return try decoder.decodeJSON(action: action, body: call.body)
            case .query:
                return try decoder.decodeQuery(parameters: try call.formParameters(), path: call.path)
            }
        }
    }

    static func protocolOf(_ call: IncomingCall) -> SQSProtocol {
        if call.headers["x-amz-target"] != nil { return .json }
        if (call.headers["content-type"] ?? "").contains("amz-json") { return .json }
        return .query
    }

    private func wire(_ error: any Error, requestId: String) -> WireError {
        switch error {
        case let error as WireError: return error
        case let error as SQSError: return WireError(error)
        default:
            logger.error("request failed", metadata: ["request.id": "\(requestId)", "error": "\(error)"])
            return WireError.internalFailure
        }
    }
}

extension RequestPipeline {
    /// Answers a call refused before it could be decoded (an oversize body), still recording it.
    func reject(_ call: IncomingCall, with error: WireError) -> EncodedResponse {
        let requestId = RandomIdentifier.uuid()
        recorder.record(
            RequestRecord(requestId: requestId, action: "Unknown", sourceIP: call.sourceIP, errorCode: error.queryCode))
        return encoder.encode(error, protocol: Self.protocolOf(call), requestId: requestId)
    }
}
