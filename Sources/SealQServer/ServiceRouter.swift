import IdentityWire
import KMSWire
import SQSWire
import SigV4
import WireFormat

/// One endpoint, several services: tells a call's service apart by its `X-Amz-Target`, its
/// SigV4 credential scope and its Query `Action`, and hands it to that service's pipeline.
struct ServiceRouter: Sendable {
    let sqs: RequestPipeline
    let identity: IdentityPipeline
    let kms: KMSPipeline
    let cloudTrail: CloudTrailPipeline

    /// Query actions that belong to IAM or STS, for calls whose credential scope does not say.
    private static let identityActions: [String: IdentityService] = [
        "GetCallerIdentity": .sts, "SimulateCustomPolicy": .iam, "SimulatePrincipalPolicy": .iam,
    ]

    /// Answers one API call.
    func handle(_ call: IncomingCall) async -> EncodedResponse {
        if KMSTarget.isKMS(call.headers["x-amz-target"]) { return await kms.handle(call) }
        if call.headers["x-amz-target"]?.hasPrefix(CloudTrailPipeline.targetPrefix) == true { return await cloudTrail.handle(call) }
        if let service = identityService(of: call) { return await identity.handle(call, service: service) }
        return await sqs.handle(call)
    }

    /// Answers a call refused before it could be read (an oversize body).
    func reject(_ call: IncomingCall, with error: WireError) async -> EncodedResponse {
        await sqs.reject(call, with: error)
    }

    /// IAM or STS when the call is for one of them; nil for SQS.
    private func identityService(of call: IncomingCall) -> IdentityService? {
        if call.headers["x-amz-target"] != nil { return nil }
        if let scoped = SignatureVerifier.scopedService(headers: call.headers, queryParameters: [:]) {
            return IdentityService(rawValue: scoped)
        }
        // Presigned or unsigned: the query (and form body) tell.
        guard let parameters = try? call.formParameters() else { return nil }
        if let scoped = SignatureVerifier.scopedService(headers: [:], queryParameters: parameters) {
            return IdentityService(rawValue: scoped)
        }
        return parameters["Action"].flatMap { Self.identityActions[$0] }
    }
}
