import AuditTrail
import Foundation
import IdentityWire
import Logging
import PolicyEngine
import Principals
import QueueEngine
import WireFormat

/// The request path of DESIGN.md for IAM and STS calls (policy simulation, access keys, users,
/// the credential report and caller identity) over the Query protocol: the same authenticate,
/// authorize and record stages as SQS calls, with IAM's codecs on either side.
struct IdentityPipeline: Sendable {
    let authenticator: Authenticator
    let authorizer: Authorizer
    let simulator: PolicySimulator
    let accessKeys: AccessKeyAdministration
    let credentialReports: CredentialReports
    let users: IAMUsers
    let recorder: RequestRecorder
    let logger: Logger

    /// Runs one IAM or STS call through every stage.
    func handle(_ call: IncomingCall, service: IdentityService) async -> EncodedResponse {
        let requestId = RandomIdentifier.uuid()
        var record = RequestRecord(requestId: requestId, action: "Unknown", sourceIP: call.sourceIP)
        record.eventSource = "\(service.rawValue).amazonaws.com"
        record.userAgent = call.headers["user-agent"]
        do {
            let decoded = decode(call, service: service)
            if case .success(let request) = decoded { record.action = request.actionName }
            let identity: Authenticator.Identity
            do { identity = try authenticator.authenticate(call, service: service.rawValue) } catch {
                record.accessKeyId = authenticator.claimedAccessKeyId(call)
                throw IdentityError(error)
            }
            record.identify(identity)
            // IAM and STS serve no anonymous caller: an unsigned request hears that first, unless
            // it asks for an action not served here (STS takes AssumeRoleWithWebIdentity and
            // AssumeRoleWithSAML unsigned: signing them would not help).
            guard let principal = identity.principal else {
                if case .failure(let error) = decoded, error.code == "InvalidAction" { throw error }
                throw IdentityError.missingAuthenticationToken
            }
            let request = try decoded.get()
            record.action = request.actionName
            record.requestParameters = Self.auditParameters(of: request)
            let target = try target(of: request, caller: principal)
            if request.namesUser, target.resource != "*" {
                // The user whose keys the call is about, for LookupEvents' ResourceName and ResourceType.
                record.resources = [AuditEvent.Resource(type: "AWS::IAM::User", arn: target.resource, accountId: principal.accountId)]
            }
            let evaluation = authorizer.authorize(identity, target, call: call)
            // STS answers GetCallerIdentity for every authenticated caller, even under a deny.
            let decision = evaluation?.decision ?? .allowed
            let allowed = decision == .allowed || request == .getCallerIdentity
            record.decision = allowed ? .allowed : decision
            record.decidingStatements = evaluation?.matchedStatements ?? []
            guard allowed else {
                throw IdentityError.accessDenied(principalArn: principal.arn, action: target.action, resource: target.resource)
            }
            let response: EncodedResponse
            switch request {
            case .getCallerIdentity:
                response = IdentityResponseEncoder.encode(
                    CallerIdentity(userId: principal.userId, account: principal.accountId, arn: principal.arn), requestId: requestId)
            case .simulatePolicy(let simulation):
                let (result, _) = try simulator.simulate(simulation)
                response = IdentityResponseEncoder.encode(result, operation: simulation.operation, requestId: requestId)
            case .user(let userRequest):
                response = IdentityResponseEncoder.encode(try users.execute(userRequest, caller: principal), request: userRequest, requestId: requestId)
            case .generateCredentialReport:
                try await credentialReports.generate()
                response = IdentityResponseEncoder.encodeReportState(requestId: requestId)
            case .getCredentialReport:
                response = IdentityResponseEncoder.encode(try credentialReports.current(), requestId: requestId)
            case .accessKey(let accessKeyRequest):
                if accessKeyRequest.changesKeys, !authorizer.enforcing {
                    // Every caller is the admin then: a key made now would keep admin rights after.
                    throw IdentityError(
                        code: "AccessDenied", status: 403,
                        message: "Access keys cannot be created or changed while access control is off (--insecure-skip-auth).")
                }
                // Recorded by the operation, with what it answers, before the change can count.
                let result = try await accessKeys.execute(accessKeyRequest, caller: principal, requestId: requestId) { outcome in
                    var succeeded = record
                    succeeded.responseElements = outcome.responseElements
                    try await recorder.record(succeeded)
                }
                return IdentityResponseEncoder.encode(result, request: accessKeyRequest, requestId: requestId)
            }
            try await recorder.record(record)
            return response
        } catch {
            let identityError = error as? IdentityError ?? .internalFailure
            if !(error is IdentityError) {
                logger.error("request failed", metadata: ["request.id": "\(requestId)", "error": "\(error)"])
            }
            record.errorCode = identityError.code
            record.errorMessage = identityError.message
            return await recorder.answer(
                failed: record, with: IdentityResponseEncoder.encode(identityError, service: service, requestId: requestId),
                else: { IdentityResponseEncoder.encode(.internalFailure, service: service, requestId: requestId) })
        }
    }

    /// Stage 1: the typed call, or the error decoding it (raised after authentication).
    private func decode(_ call: IncomingCall, service: IdentityService) -> Result<IdentityRequest, IdentityError> {
        Result { () throws(IdentityError) in
            let parameters: [String: String]
            do { parameters = try call.formParameters() } catch { throw .malformedQueryString }
            return try IdentityRequestDecoder.decode(parameters, service: service)
        }
    }

    /// The IAM action and resource a call is authorized as.
    private func target(of request: IdentityRequest, caller: Principal) throws(IdentityError) -> Authorizer.Target {
        switch request {
        case .generateCredentialReport, .getCredentialReport:
            return Authorizer.Target(action: "iam:" + request.actionName, resource: "*")
        case .user(let userRequest):
            return Self.userTarget(action: userRequest.actionName, try users.resource(of: userRequest, caller: caller))
        case .accessKey(let accessKeyRequest):
            return Self.userTarget(action: accessKeyRequest.actionName, try accessKeys.resource(of: accessKeyRequest, caller: caller))
        case .getCallerIdentity:
            return Authorizer.Target(action: "sts:GetCallerIdentity", resource: "*")
        case .simulatePolicy(let simulation):
            switch simulation.operation {
            case .custom: return Authorizer.Target(action: "iam:SimulateCustomPolicy", resource: "*")
            case .principal(let arn): return Authorizer.Target(action: "iam:SimulatePrincipalPolicy", resource: arn)
            }
        }
    }
}

extension IdentityPipeline {
    /// An IAM call on a user: the user's tags are `aws:ResourceTag/…` and `iam:ResourceTag/…`.
    static func userTarget(action: String, _ user: (arn: String, tags: [String: String])) -> Authorizer.Target {
        Authorizer.Target(
            action: "iam:" + action, resource: user.arn, resourceTags: user.tags,
            serviceKeys: user.tags.sorted { $0.key < $1.key }.map { ("iam:ResourceTag/\($0.key)", [$0.value], .string) })
    }

    /// The call's CloudTrail `requestParameters`: the members an access key or user call was
    /// given (never a secret; they take none); nil for the other calls.
    static func auditParameters(of request: IdentityRequest) -> OutputNode? {
        switch request {
        case .user(.get(let userName?)): return .structure([("userName", .text(userName))])
        case .user(.list(let pathPrefix?, _, _)): return .structure([("pathPrefix", .text(pathPrefix))])
        default: break
        }
        guard case .accessKey(let accessKeyRequest) = request else { return nil }
        var members: [(String, OutputNode)] = []
        switch accessKeyRequest {
        case .create, .list: break
        case .update(_, let accessKeyId, let status): members = [("accessKeyId", .text(accessKeyId)), ("status", .text(status.rawValue))]
        case .delete(_, let accessKeyId), .lastUsed(let accessKeyId): members = [("accessKeyId", .text(accessKeyId))]
        }
        if let userName = accessKeyRequest.userName { members.append(("userName", .text(userName))) }
        return members.isEmpty ? nil : .structure(members)
    }
}

extension IdentityError {
    /// An authentication failure as IAM and STS answer it.
    init(_ failure: Authenticator.Failure) {
        switch failure {
        case .malformedQueryString: self = .malformedQueryString
        case .signature(.missingAuthenticationToken): self = .missingAuthenticationToken
        case .signature(.invalidClientTokenId): self = .invalidClientTokenId
        case .signature(.incompleteSignature(let reason)): self = .incompleteSignature(reason)
        case .signature(.signatureDoesNotMatch(let reason)): self = .signatureDoesNotMatch(reason)
        case .signature(.requestExpired(let reason)): self = .requestExpired(reason)
        }
    }
}
