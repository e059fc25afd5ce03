import AuditTrail
import AuditWire
import KMSWire
import Logging
import PolicyEngine
import QueueEngine
import WireFormat

/// The request path of DESIGN.md for CloudTrail's LookupEvents (AWS JSON 1.1): decode →
/// authenticate → authorize (`cloudtrail:LookupEvents`) → execute (search the audit log) →
/// record (the lookup is itself audited) → encode.
struct CloudTrailPipeline: Sendable {
    /// The `X-Amz-Target` prefix of CloudTrail calls.
    static let targetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."

    let authenticator: Authenticator
    let authorizer: Authorizer
    let lookup: AuditLookup
    let recorder: RequestRecorder
    let logger: Logger

    /// Runs one CloudTrail call through every stage.
    func handle(_ call: IncomingCall) async -> EncodedResponse {
        let requestId = RandomIdentifier.uuid()
        let target = call.headers["x-amz-target"]
        // Only the operation this service has names the record; anything else the caller wrote is "Unknown".
        let named = target.map { String($0.dropFirst(Self.targetPrefix.count)) }
        var record = RequestRecord(requestId: requestId, action: named == "LookupEvents" ? "LookupEvents" : "Unknown", sourceIP: call.sourceIP)
        record.eventSource = "cloudtrail.amazonaws.com"
        record.userAgent = call.headers["user-agent"]
        do {
            let decoded = Result { () throws(CloudTrailError) in try LookupQuery.decode(target: target, body: call.body) }
            let identity: Authenticator.Identity
            do { identity = try authenticator.authenticate(call, service: "cloudtrail") } catch {
                record.accessKeyId = authenticator.claimedAccessKeyId(call)
                throw CloudTrailError(error)
            }
            record.identify(identity)
            // CloudTrail serves no anonymous caller: an unsigned request hears that first.
            guard let principal = identity.principal else { throw CloudTrailError(.signature(.missingAuthenticationToken)) }
            let query = try decoded.get()
            record.requestParameters = query.auditParameters
            let evaluation = authorizer.authorize(identity, Authorizer.Target(action: "cloudtrail:LookupEvents", resource: "*"), call: call)
            record.decision = evaluation?.decision ?? .allowed
            record.decidingStatements = evaluation?.matchedStatements ?? []
            guard record.decision == .allowed else { throw CloudTrailError.accessDenied(principalArn: principal.arn) }
            let (events, nextToken) = try await lookup.run(query)
            try await recorder.record(record)
            return LookupResponseEncoder.encode(events, nextToken: nextToken, requestId: requestId)
        } catch {
            let trailError: CloudTrailError
            if let error = error as? CloudTrailError {
                trailError = error
            } else {
                logger.error("request failed", metadata: ["request.id": "\(requestId)", "error": "\(error)"])
                trailError = .internalFailure
            }
            record.errorCode = trailError.type
            record.errorMessage = trailError.message
            return await recorder.answer(
                failed: record, with: LookupResponseEncoder.encode(trailError, requestId: requestId),
                else: { LookupResponseEncoder.encode(.internalFailure, requestId: requestId) })
        }
    }
}

extension CloudTrailError {
    /// An authentication failure as AWS JSON 1.1 services answer it: the same exception names,
    /// statuses and messages as KMS.
    init(_ failure: Authenticator.Failure) {
        let error = KMSError(failure)
        self.init(type: error.type, status: error.status, message: error.message ?? "")
    }
}

extension LookupQuery {
    /// The search's CloudTrail `requestParameters`: what was looked for (the page token stays out).
    var auditParameters: OutputNode {
        var parameters: [(String, OutputNode)] = []
        if !attributes.isEmpty {
            parameters.append((
                "lookupAttributes",
                .list(itemName: "", attributes.map { key, value in
                    .structure([("attributeKey", .text(key.rawValue)), ("attributeValue", .text(value))])
                })))
        }
        if let start = startTime { parameters.append(("startTime", .text(AuditEvent.timestamp(start)))) }
        if let end = endTime { parameters.append(("endTime", .text(AuditEvent.timestamp(end)))) }
        if insightsOnly { parameters.append(("eventCategory", .text("insight"))) }
        parameters.append(("maxResults", .number(Int64(maxResults))))
        return .structure(parameters)
    }
}
