import AuditTrail
import WireFormat
import Logging
import PolicyEngine
import QueueEngine
import SQSWire

/// The request path of DESIGN.md for SQS calls: decode → authenticate → authorize → execute →
/// record → encode. Every call passes every stage. `KMSPipeline`, `IdentityPipeline` and
/// `CloudTrailPipeline` are the same path for the other services: each has its own codecs and
/// executor, and all share the stage objects (`Authenticator`, `Authorizer`, `RequestRecorder`).
struct SQSPipeline: Sendable {
    let decoder: SQSRequestDecoder
    let authenticator: Authenticator
    let authorizer: Authorizer
    let targets: SQSAuthorizationTarget
    let executor: SQSExecutor
    let recorder: RequestRecorder
    let encoder: SQSResponseEncoder
    let logger: Logger

    /// SQS's data events: the message operations.
    private static let dataActions: Set<String> = [
        "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility",
        "ChangeMessageVisibilityBatch",
    ]

    /// Runs one call through every stage and returns the bytes to answer with.
    func handle(_ call: IncomingCall) async -> EncodedResponse {
        let requestId = RandomIdentifier.uuid()
        let wireProtocol = Self.protocolOf(call)
        var record = RequestRecord(requestId: requestId, action: "Unknown", sourceIP: call.sourceIP)
        record.userAgent = call.headers["user-agent"]
        var pending: PendingAuditRecord?
        do {
            let decoded = decode(call, protocol: wireProtocol)
            switch decoded {
            case .success(let (action, request)): describe(&record, action: action, queue: request.queueName)
            case .failure: describe(&record, action: Self.claimedAction(of: call, protocol: wireProtocol), queue: nil)
            }
            let identity: Authenticator.Identity
            do { identity = try authenticator.authenticate(call, service: "sqs") } catch {
                record.accessKeyId = authenticator.claimedAccessKeyId(call)
                throw WireError(error)
            }
            record.identify(identity)
            let (action, request) = try decoded.get()
            let target = targets.target(of: request, action: action, anonymous: identity.principal == nil)
            record.requestParameters = request.auditParameters(queueUrl: request.queueName.map { "\(call.baseURL)/\(encoder.accountId)/\($0)" })
            var evaluation = authorizer.authorize(identity, target, call: call)
            if evaluation?.decision == .allowed {
                // Every permission the call needs beyond its own action must be allowed too.
                let anonymous = identity.principal == nil
                evaluation = try await targets.companions(of: request, anonymous: anonymous).lazy
                    .compactMap { self.authorizer.authorize(identity, $0, call: call) }
                    .first { $0.decision != .allowed } ?? evaluation
            }
            record.decision = evaluation?.decision ?? .allowed
            record.decidingStatements = evaluation?.matchedStatements ?? []
            guard record.decision == .allowed else {
                throw identity.principal == nil ? WireError.missingAuthenticationToken : WireError.accessDenied
            }
            let caller = Caller(
                senderId: identity.principal?.userId ?? call.sourceIP, principalArn: identity.principal?.arn, sourceIP: call.sourceIP,
                userAgent: call.headers["user-agent"], accessKeyId: identity.accessKeyId)
            record.responseElementsPerEvent = request.recordsWhatItStored
            // A receive is recorded when it is answered, with its outcome: a long poll completes
            // long after its first claim, and a claim of messages it cannot open is given back.
            // (Key uses it makes, a dead-letter move's, still commit with their change.)
            let running = request.recordedWhenAnswered ? PendingAuditRecord(keyUsesOf: requestId) : recorder.pending(for: record)
            pending = running
            // A send's record names the messages it stored, given to it in the storing transaction.
            let response = try await PendingAuditRecord.$current.withValue(running) {
                guard record.responseElementsPerEvent else { return try await executor.execute(request, caller: caller) }
                let observer = StoredSends.Observer { items in
                    if let json = request.sendResponseElements(items) { running.answer(with: json) }
                }
                return try await StoredSends.$observer.withValue(observer) { try await executor.execute(request, caller: caller) }
            }
            try await recorder.record(record, pending: running)
            return encoder.encode(response, action: action, protocol: wireProtocol, baseURL: call.baseURL, requestId: requestId)
        } catch {
            let wireError = wire(error, requestId: requestId)
            record.errorCode = wireError.queryCode
            record.errorMessage = wireError.message
            return await recorder.answer(
                failed: record, pending: pending, with: encoder.encode(wireError, protocol: wireProtocol, requestId: requestId),
                else: { encoder.encode(WireError.internalFailure, protocol: wireProtocol, requestId: requestId) })
        }
    }

    /// Stage 1: the typed call, or the error decoding it (raised after authentication, so an
    /// unsigned request is told about its signature first, as AWS does).
    private func decode(_ call: IncomingCall, protocol wireProtocol: SQSProtocol) -> Result<(SQSAction, SQSRequest), WireError> {
        Result { () throws(WireError) in
            switch wireProtocol {
            case .json:
                guard let action = Self.targetAction(call) else { throw WireError.invalidAction(call.headers["x-amz-target"] ?? "") }
                return try decoder.decodeJSON(action: action, body: call.body)
            case .query:
                return try decoder.decodeQuery(parameters: try call.formParameters(), path: call.path)
            }
        }.map { action, request in (action, request.tracing(call.headers["x-amzn-trace-id"])) }
    }

    /// What the record says of a call before it is authenticated, so refused and malformed
    /// calls are found by action and queue too: the action (its event name, and whether it is a
    /// data event) and the queue it names.
    private func describe(_ record: inout RequestRecord, action: SQSAction?, queue: String?) {
        guard let action else { return }
        record.action = action.rawValue
        record.dataEvent = Self.dataActions.contains(action.rawValue)
        record.queue = queue
        if let queue {
            record.resources = [.init(type: "AWS::SQS::Queue", arn: targets.engine.queueArn(queue), accountId: encoder.accountId)]
        }
    }

    /// The action a call that could not be decoded names, if it is one SQS has.
    private static func claimedAction(of call: IncomingCall, protocol wireProtocol: SQSProtocol) -> SQSAction? {
        switch wireProtocol {
        case .json:
            return targetAction(call).flatMap(SQSAction.init(rawValue:))
        case .query:
            return (try? call.formParameters())?["Action"].flatMap(SQSAction.init(rawValue:))
        }
    }

    /// The action an `X-Amz-Target: AmazonSQS.<Action>` header names, if the header has that form.
    private static func targetAction(_ call: IncomingCall) -> String? {
        let prefix = "AmazonSQS."
        guard let target = call.headers["x-amz-target"], target.hasPrefix(prefix) else { return nil }
        return String(target.dropFirst(prefix.count))
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
