import AuditWire
import IdentityWire
import KMSWire
import QueueEngine
import SQSWire
import SigV4
import WireFormat

/// One endpoint, several services: tells a call's service apart by its `X-Amz-Target`, its
/// SigV4 credential scope and its Query `Action`, and hands it to that service's pipeline.
struct ServiceRouter: Sendable {
    let sqs: SQSPipeline
    let identity: IdentityPipeline
    let kms: KMSPipeline
    let cloudTrail: CloudTrailPipeline

    /// Answers one API call.
    func handle(_ call: IncomingCall) async -> EncodedResponse {
        if KMSTarget.isKMS(call.headers["x-amz-target"]) { return await kms.handle(call) }
        if call.headers["x-amz-target"]?.hasPrefix(CloudTrailPipeline.targetPrefix) == true { return await cloudTrail.handle(call) }
        if let service = identityService(of: call) { return await identity.handle(call, service: service) }
        return await sqs.handle(call)
    }

    /// Answers a call refused before it could be read (an oversize or incomplete body) in the
    /// protocol of the service it is addressed to, recording it first.
    func reject(_ call: IncomingCall, with error: WireError) async -> EncodedResponse {
        let target = call.headers["x-amz-target"]
        // The JSON services' word for a refusal: the caller's input, or the server's load (AWS's
        // common ServiceUnavailable, 503, a fault of the server that the caller may retry).
        let jsonType = error.senderFault ? "ValidationException" : "ServiceUnavailableException"
        if KMSTarget.isKMS(target) {
            return await refuse(call, error, code: jsonType, eventSource: "kms.amazonaws.com") { failed, requestId in
                KMSResponseEncoder.encode(
                    failed ? .internalFailure : KMSError(type: jsonType, status: error.status, message: error.message),
                    requestId: requestId)
            }
        }
        if target?.hasPrefix(CloudTrailPipeline.targetPrefix) == true {
            return await refuse(call, error, code: jsonType, eventSource: "cloudtrail.amazonaws.com") { failed, requestId in
                LookupResponseEncoder.encode(
                    failed ? .internalFailure : CloudTrailError(type: jsonType, status: error.status, message: error.message),
                    requestId: requestId)
            }
        }
        if let service = identityService(of: call) {
            return await refuse(call, error, code: error.queryCode, eventSource: "\(service.rawValue).amazonaws.com") { failed, requestId in
                IdentityResponseEncoder.encode(
                    failed
                        ? .internalFailure
                        : IdentityError(code: error.queryCode, status: error.status, senderFault: error.senderFault, message: error.message),
                    service: service, requestId: requestId)
            }
        }
        return await refuse(call, error, code: error.queryCode, eventSource: "sqs.amazonaws.com") { failed, requestId in
            sqs.encoder.encode(failed ? .internalFailure : error, protocol: SQSPipeline.protocolOf(call), requestId: requestId)
        }
    }

    /// Records the refused `call` (with the error `code` its service answers) and answers it
    /// with `encode(false, requestId)`, or with `encode(true, requestId)` (an internal failure)
    /// when the record cannot be written.
    private func refuse(
        _ call: IncomingCall, _ error: WireError, code: String, eventSource: String,
        encode: (_ failed: Bool, _ requestId: String) -> EncodedResponse
    ) async -> EncodedResponse {
        let requestId = RandomIdentifier.uuid()
        var record = RequestRecord(requestId: requestId, action: "Unknown", sourceIP: call.sourceIP, errorCode: code)
        record.eventSource = eventSource
        record.userAgent = call.headers["user-agent"]
        record.errorMessage = error.message
        do { try await sqs.recorder.record(record) } catch { return encode(true, requestId) }
        return encode(false, requestId)
    }

    /// IAM or STS when the call is for one of them; nil for SQS.
    private func identityService(of call: IncomingCall) -> IdentityService? {
        if call.headers["x-amz-target"] != nil { return nil }
        let headerScope = SignatureVerifier.scopedService(headers: call.headers, queryParameters: [:])
        if let scoped = headerScope.flatMap(IdentityService.init) { return scoped }
        // Presigned, unsigned, or scoped to another service: the query (and form body) tell. A
        // presigned scope counts only without an Authorization header, as the signature check
        // reads it.
        guard let parameters = try? call.formParameters() else { return nil }
        let presignedScope = call.headers["authorization"] == nil ? SignatureVerifier.scopedService(headers: [:], queryParameters: parameters) : nil
        if let scoped = presignedScope.flatMap(IdentityService.init) { return scoped }
        return IdentityRequestDecoder.service(ofQuery: parameters, byVersion: headerScope == nil && presignedScope == nil)
    }
}
