import AuditTrail
import Foundation
import KMSWire
import KeyService
import Logging
import PolicyEngine
import Principals
import QueueEngine
import Synchronization
import WireFormat

/// The request path of DESIGN.md for the key service (KMS JSON 1.1): decode → authenticate →
/// authorize → execute → record → encode, with KMS's authorization rule: an explicit deny
/// anywhere wins; else the key policy must allow the caller itself, or delegate to the caller's
/// account and an IAM policy allow it, or a grant must allow the operation under the request's
/// encryption context.
struct KMSPipeline: Sendable {
    let authenticator: Authenticator
    let authorizer: Authorizer
    let executor: KMSExecutor
    let recorder: RequestRecorder
    let logger: Logger

    /// The key service the executor runs calls on.
    var keys: KeyService { executor.keys }
    private var keyRule: KeyPolicyRule { KeyPolicyRule(authorizer: authorizer, keys: keys) }

    /// Runs one KMS call through every stage.
    func handle(_ call: IncomingCall) async -> EncodedResponse {
        let requestId = RandomIdentifier.uuid()
        var record = RequestRecord(requestId: requestId, action: "Unknown", sourceIP: call.sourceIP)
        record.eventSource = "kms.amazonaws.com"
        record.userAgent = call.headers["user-agent"]
        var pending: PendingAuditRecord?
        let denial = RetirementDenial()
        do {
            let decoded = Result { () throws(KMSError) in try KMSRequestDecoder.decode(target: call.headers["x-amz-target"], body: call.body) }
            switch decoded {
            case .success(let request): record.action = request.action.rawValue
            case .failure: record.action = KMSTarget.operationName(of: call.headers["x-amz-target"]) ?? record.action
            }
            let identity: Authenticator.Identity
            do { identity = try authenticator.authenticate(call, service: "kms") } catch {
                record.accessKeyId = authenticator.claimedAccessKeyId(call)
                throw KMSError(error)
            }
            record.identify(identity)
            // KMS serves no anonymous caller: an unsigned request hears that first.
            guard let principal = identity.principal else { throw KMSError.missingAuthenticationToken }
            let request = try decoded.get()
            record.action = request.action.rawValue
            record.requestParameters = request.auditParameters
            try authorize(request, identity: identity, principal: principal, call: call, record: &record)
            let retirementPolicy = retirementPolicy(identity: identity, principal: principal, call: call, denial: denial)
            if request.isDryRun {
                try await checkWouldSucceed(request, caller: principal, retirementPolicy: retirementPolicy)
                throw KMSError.dryRunOperation
            }
            // A new key's id is chosen first, so the record of its creation names it in its
            // resources, as CloudTrail's CreateKey records do; its responseElements, the key's
            // whole metadata, and a new grant's id come from the key service as it stores them.
            let newKeyId = RandomIdentifier.uuid()
            var succeeded = record
            if case .createKey = request {
                let arn = keys.keyArn(newKeyId)
                succeeded.resources = [AuditEvent.Resource(type: "AWS::KMS::Key", arn: arn, accountId: principal.accountId)]
                succeeded.responseElementsPerEvent = true
            }
            if case .createGrant = request { succeeded.responseElementsPerEvent = true }
            // A crypto call changes nothing and learns its key material as it runs: its record
            // is made afterwards, naming that material as CloudTrail's do.
            let running = request.usesKeyMaterial ? PendingAuditRecord(keyUsesOf: requestId) : recorder.pending(for: succeeded)
            pending = running
            let response = try await PendingAuditRecord.$current.withValue(running) {
                try await executor.execute(request, caller: principal, newKeyId: newKeyId, retirementPolicy: retirementPolicy)
            }
            succeeded.keyMaterialIds = response.keyMaterialIds
            try await recorder.record(succeeded, pending: running)
            return KMSResponseEncoder.encode(response, requestId: requestId)
        } catch {
            let kmsError: KMSError
            switch error {
            case let error as KMSError: kmsError = error
            case let error as KeyServiceError: kmsError = KMSError(error)
            default:
                logger.error("request failed", metadata: ["request.id": "\(requestId)", "error": "\(error)"])
                kmsError = .internalFailure
            }
            record.errorCode = kmsError.type
            record.errorMessage = kmsError.message
            if let statements = denial.statements.withLock({ $0 }) {
                record.decision = .explicitDeny
                record.decidingStatements = statements
            }
            return await recorder.answer(
                failed: record, pending: pending, with: KMSResponseEncoder.encode(kmsError, requestId: requestId),
                else: { KMSResponseEncoder.encode(.internalFailure, requestId: requestId) })
        }
    }

    /// What the caller's IAM policies say of retiring a grant (kms:RetireGrant on its key; the
    /// permission means nothing in a key policy): an allow lets a caller of the account that
    /// created the grant retire it (KMS lets that account retire its grants), and a deny stops
    /// everyone, the grant's own retiring principal and grantee included.
    private func retirementPolicy(
        identity: Authenticator.Identity, principal: Principal, call: IncomingCall, denial: RetirementDenial
    ) -> @Sendable (KeyGrant) -> GrantRetirementPolicy {
        let keyRule = keyRule
        let keys = keys
        return { grant in
            guard let key = try? keys.resolve(grant.keyId, aliases: false) else { return .silent }
            let use = KeyPolicyRule.Use(action: "kms:RetireGrant", key: key)
            switch keyRule.identityOutcome(use, identity: identity, principal: principal, call: call) {
            case let outcome? where outcome.decision == .explicitDeny:
                denial.statements.withLock { $0 = outcome.statements }
                return .denies
            case let outcome? where outcome.decision == .implicitDeny: return .silent
            default: return principal.accountId == grant.issuingAccount ? .allowsForAccount : .silent
            }
        }
    }

    /// The statements that denied a RetireGrant, for its record (the decision is made while the
    /// grant is looked up, after the authorize stage).
    final class RetirementDenial: Sendable {
        let statements = Mutex<[MatchedStatement]?>(nil)
    }

    /// Stage 3: every key the call touches must let the caller do what it asks.
    private func authorize(
        _ request: KMSRequest, identity: Authenticator.Identity, principal: Principal, call: IncomingCall, record: inout RequestRecord
    ) throws {
        // A grant token is a credential: it is not repeated in the error, not even in part.
        if request.grantTokens.contains(where: { keys.grant(issuing: $0) == nil }) {
            throw KMSError.invalidGrantToken("A grant token in the request is not valid.")
        }
        let checks = try targets(of: request)
        record.resources = checks.compactMap { check in
            check.key.map { AuditEvent.Resource(type: "AWS::KMS::Key", arn: $0.arn, accountId: $0.accountId) }
        }
        var refusal: (check: Check, outcome: KeyPolicyRule.Outcome)?
        var allowingStatements: [MatchedStatement] = []
        for check in checks {
            let outcome: KeyPolicyRule.Outcome
            if let key = check.key {
                outcome = keyOutcome(key, check, identity: identity, principal: principal, call: call)
            } else {
                var target = Authorizer.Target(action: check.action, resource: check.resource ?? "*")
                target.requestTags = check.requestTags
                target.tagKeys = check.tagKeys
                target.serviceKeys = check.requestKeys
                outcome = authorizer.authorize(identity, target, call: call).map {
                    KeyPolicyRule.Outcome(decision: $0.decision, statements: $0.matchedStatements)
                } ?? KeyPolicyRule.Outcome(decision: .allowed)
            }
            if outcome.decision == .allowed {
                allowingStatements += outcome.statements
            } else if refusal == nil || (outcome.decision == .explicitDeny && refusal?.outcome.decision != .explicitDeny) {
                refusal = (check, outcome)
            }
        }
        // The record says what decided: the first explicit deny, else the first refusal, else
        // every statement that allowed a part of the call.
        record.decision = refusal?.outcome.decision ?? .allowed
        record.decidingStatements = refusal?.outcome.statements ?? allowingStatements
        let refused = refusal?.check
        if let refused {
            // A key only the ciphertext names is not named back to a caller who may not use it.
            if case .decrypt(let input) = request, input.keyId == nil {
                throw KMSError.accessDenied(
                    "User: \(principal.arn) is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext")
            }
            if case .reEncrypt(let input) = request, input.sourceKeyId == nil, refused.action == "kms:ReEncryptFrom" {
                throw KMSError.accessDenied(
                    "User: \(principal.arn) is not authorized to perform: kms:ReEncryptFrom on the resource associated with this ciphertext")
            }
            throw KMSError.accessDenied(principalArn: principal.arn, action: refused.action, resource: refused.key?.arn)
        }
        switch request {
        case .putKeyPolicy(let input):
            try checkNewPolicy(
                input.policy, key: checks.first?.key, creating: [], creatingTags: [:], bypass: input.bypassPolicyLockoutSafetyCheck,
                identity: identity, principal: principal, call: call)
        case .createKey(let input):
            if let policy = input.policy {
                let properties = Self.creationKeys(input).filter { $0.key != "kms:BypassPolicyLockoutSafetyCheck" }
                let tags = Dictionary(input.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
                try checkNewPolicy(
                    policy, key: nil, creating: properties, creatingTags: tags, bypass: input.bypassPolicyLockoutSafetyCheck,
                    identity: identity, principal: principal, call: call)
            }
        default:
            break
        }
    }

    /// A DryRun answers DryRunOperationException only where the call would have succeeded: a
    /// cryptographic call runs and its result is dropped (unless it was asked to ignore the
    /// ciphertext); a grant call checks the key and the grant without changing them.
    private func checkWouldSucceed(
        _ request: KMSRequest, caller: Principal, retirementPolicy: @escaping @Sendable (KeyGrant) -> GrantRetirementPolicy
    ) async throws {
        do {
            switch request {
            case .decrypt(let input) where input.dryRunModifiers.contains(.ignoreCiphertext): break
            case .reEncrypt(let input) where input.dryRunModifiers.contains(.ignoreCiphertext): break
            case .encrypt, .decrypt, .reEncrypt, .generateDataKey, .generateDataKeyWithoutPlaintext, .generateMac, .verifyMac:
                _ = try await executor.execute(request, caller: caller)
            case .createGrant(let input):
                try keys.checkGrantable(
                    input.keyId, operations: input.operations.map(\.rawValue), contextSubset: input.constraints?.encryptionContextSubset,
                    contextEquals: input.constraints?.encryptionContextEquals)
            case .revokeGrant(let keyId, let grantId, _):
                try keys.revocableGrant(keyId, grantId: grantId)
            case .retireGrant(let input):
                try keys.retirableGrant(
                    token: input.grantToken, identifier: input.keyId, grantId: input.grantId, callerArn: caller.principalArn,
                    policy: retirementPolicy)
            default:
                break
            }
        } catch let error as KeyServiceError {
            throw KMSError(error)
        }
    }

    private func keyOutcome(
        _ key: ManagedKey, _ check: Check, identity: Authenticator.Identity, principal: Principal, call: IncomingCall
    ) -> KeyPolicyRule.Outcome {
        keyRule.decide(
            KeyPolicyRule.Use(
                action: check.action, grantOperation: check.grantOperation, key: key, context: check.context, newGrant: check.newGrant,
                requestTags: check.requestTags, tagKeys: check.tagKeys, requestKeys: check.requestKeys),
            identity: identity, principal: principal, call: call)
    }

    /// A key policy must pass `KeyPolicyDocument`'s checks and (unless the caller bypasses the
    /// lockout safety check) still let the caller change it later.
    private func checkNewPolicy(
        _ text: String, key: ManagedKey?, creating: [Authorizer.ConditionKey], creatingTags: [String: String], bypass: Bool,
        identity: Authenticator.Identity, principal: Principal, call: IncomingCall
    ) throws {
        _ = try KeyPolicyDocument.parse(text, account: identity.principal?.accountId, catalog: authenticator.directory.catalog)
        guard !bypass else { return }
        guard keyRule.keepsPolicyControl(
            under: text, key: key, creating: creating, creatingTags: creatingTags, identity: identity, principal: principal, call: call)
        else {
            throw KMSError.malformedPolicyDocument(
                "The new key policy will not allow you to update the key policy in the future.")
        }
    }
}

extension KMSError {
    /// An authentication failure as KMS answers it.
    init(_ failure: Authenticator.Failure) {
        switch failure {
        case .malformedQueryString: self = .serialization("The query string is malformed.")
        case .signature(.missingAuthenticationToken): self = .missingAuthenticationToken
        case .signature(.invalidClientTokenId): self = .unrecognizedClient
        case .signature(.incompleteSignature(let reason)): self = .incompleteSignature(reason)
        case .signature(.signatureDoesNotMatch(let reason)): self = .invalidSignature(reason)
        case .signature(.requestExpired(let reason)): self = .invalidSignature(reason)
        }
    }
}
