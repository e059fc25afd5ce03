import Foundation
import PolicyEngine
import Principals
import SigV4
import Synchronization

/// Stage 3 of the request path: may this caller do this action on this resource?
///
/// Evaluates the caller's identity policies together with the resource's policy (the queue's
/// Policy attribute) on the same evaluator that `sealq policy simulate` and IAM's
/// SimulateCustomPolicy use: an explicit deny anywhere wins, then an allow from either side,
/// else the implicit deny. Condition keys are filled from the request, the caller and the
/// resource.
final class Authorizer: Sendable {
    /// What a call asks to do, as authorization sees it.
    struct Target: Sendable {
        /// The IAM action, such as `sqs:SendMessage` (batches carry their single action).
        var action: String
        /// The resource ARN, or `*` for actions without a resource.
        var resource: String
        /// The resource's policy text, if it has one.
        var resourcePolicy: String? = nil
        /// The resource's tags (`aws:ResourceTag/KEY`).
        var resourceTags: [String: String] = [:]
        /// Tags the call sets (`aws:RequestTag/KEY`).
        var requestTags: [String: String] = [:]
        /// Tag keys the call names (`aws:TagKeys`).
        var tagKeys: [String] = []
        /// Service-specific condition keys of the call (`kms:EncryptionContext:…`, …).
        var serviceKeys: [ConditionKey] = []
        /// Whether a service makes the call with the caller's credentials (`aws:ViaAWSService`):
        /// SQS using an SSE-KMS queue's key for the caller.
        var viaAWSService = false
        /// Names the resource's current policy and tags (for a queue: its id and version), so a
        /// decision that no request-dependent key influenced can be reused until they change;
        /// nil means never reuse.
        var revision: Revision? = nil
    }

    /// One condition key a call supplies, with its values and type.
    typealias ConditionKey = (key: String, values: [String], type: ContextValueType)

    /// A resource's identity and version, as far as its policy and tags go.
    struct Revision: Hashable, Sendable {
        /// The resource's id (a queue's row id), or a marker for no or a missing resource.
        var id: Int64
        /// Bumped whenever the resource's policy or tags change.
        var version: Int64

        /// A call on no resource (`*`).
        static let noResource = Revision(id: -1, version: 0)
        /// A named resource that does not exist (yet).
        static let absent = Revision(id: 0, version: 0)
    }

    let region: String
    /// The account that owns every resource here (`aws:ResourceAccount` of calls on `*`).
    let accountId: String
    /// False only in `--insecure-skip-auth` benchmarks: every call is allowed unevaluated.
    let enforcing: Bool
    private let resourcePolicies = ResourcePolicyCache()
    /// Decisions that no request-dependent condition key influenced, by caller, action,
    /// resource and resource revision.
    private let decisions = Mutex<[DecisionKey: Evaluation]>([:])
    private static let decisionCapacity = 10_000
    /// How many readings of keys that differ only in case a decision tries before it refuses
    /// (who-can tries as many, to agree with enforcement).
    static let maximumReadings = 4096

    /// The condition keys (lowercased prefixes) whose values change from request to request.
    private static let volatileKeyPrefixes = [
        "aws:sourceip", "aws:currenttime", "aws:epochtime", "aws:securetransport", "aws:useragent", "aws:requesttag/",
        "aws:tagkeys",
    ]
    /// `aws:CurrentTime` of the last second seen: formatted once a second, not once a call.
    private let currentTime = Mutex<(epoch: Int64, text: String)>((-1, ""))

    init(region: String, accountId: String, enforcing: Bool = true) {
        self.region = region
        self.accountId = accountId
        self.enforcing = enforcing
    }

    /// Decides one call made by `identity` from `call` at `now`: the evaluation, or nil when
    /// access control is off.
    func authorize(_ identity: Authenticator.Identity, _ target: Target, call: IncomingCall, now: Date = Date()) -> Evaluation? {
        guard enforcing else { return nil }
        let reuseKey = target.revision.map {
            DecisionKey(caller: identity.principal?.arn ?? "*", action: target.action, resource: target.resource, revision: $0)
        }
        if let reuseKey, let known = decisions.withLock({ $0[reuseKey] }) { return known }
        let evaluation = evaluate(identity, target, call: call, now: now)
        if let reuseKey, !evaluation.dependsOnVolatileKeys {
            decisions.withLock { cache in
                if cache.count >= Self.decisionCapacity { cache.removeAll() }
                cache[reuseKey] = evaluation
            }
        }
        return evaluation
    }

    private func evaluate(_ identity: Authenticator.Identity, _ target: Target, call: IncomingCall, now: Date) -> Evaluation {
        var context = identity.principal?.conditionKeys ?? Principal.anonymousConditionKeys
        let epoch = Int64(now.timeIntervalSince1970)
        // Also for the key uses SQS makes for the caller: they are forward access sessions, which
        // IAM says keep "the original requester's IP address".
        context.set("aws:SourceIp", [call.sourceIP], type: .ip)
        context.set("aws:CurrentTime", [currentTimeText(epoch)], type: .date)
        context.set("aws:EpochTime", [String(epoch)], type: .numeric)
        context.set("aws:SecureTransport", ["false"], type: .boolean)
        // IAM has one endpoint, in us-east-1: IAM's calls are made to that region.
        context.set("aws:RequestedRegion", [target.action.hasPrefix("iam:") ? "us-east-1" : region])
        context.set("aws:ResourceAccount", [Self.owner(of: target.resource) ?? accountId])
        if let agent = call.headers["user-agent"] { context.set("aws:UserAgent", [agent]) }
        context.set("aws:ViaAWSService", [target.viaAWSService ? "true" : "false"], type: .boolean)
        if !target.tagKeys.isEmpty { context.set("aws:TagKeys", target.tagKeys, type: .stringList) }
        context.add(
            contentsOf: target.resourceTags.map { ("aws:ResourceTag/\($0.key)", [$0.value], .string) }
                + target.requestTags.map { ("aws:RequestTag/\($0.key)", [$0.value], .string) }
                + target.serviceKeys.map { ($0.key, $0.values, $0.type) })
        let resourcePolicy = target.resourcePolicy.flatMap { resourcePolicies.policy(for: $0) }
        let identityPolicies = identity.principal?.policies ?? []
        func evaluate(_ context: ConditionContext) -> Evaluation {
            let request = AuthorizationRequest(
                action: target.action, resource: target.resource, principal: identity.principal?.requestPrincipal, context: context)
            return PolicyEvaluator.evaluate(
                request, identityPolicies: identityPolicies, resourcePolicy: resourcePolicy, reportingMissingKeys: false,
                volatileKeyPrefixes: Self.volatileKeyPrefixes)
        }
        guard !context.ambiguousKeys.isEmpty else { return evaluate(context) }
        // Tag or encryption-context keys that differ only in case gave one condition key several
        // values: the call gets the strictest decision over every reading of the keys a policy
        // reads, so no choice of reading (a decoy `ENV` beside `env`) can slip past a Deny or
        // make an Allow. Keys no policy reads change nothing.
        let policies = identityPolicies + (resourcePolicy.map { [$0] } ?? [])
        guard let readings = context.readings(limit: Self.maximumReadings, of: { key in policies.contains { $0.reads(key) } }) else {
            // More readings than can be tried: nothing is allowed.
            var refused = evaluate(context)
            if refused.decision == .allowed { (refused.decision, refused.matchedStatements) = (.implicitDeny, []) }
            refused.allowSources = AllowSources(identityPolicy: false, resourcePolicy: .none)
            refused.dependsOnVolatileKeys = true
            return refused
        }
        return readings.count == 1 ? evaluate(context) : Self.strictest(readings.map(evaluate))
    }

    /// The account in the fifth field of the ARN `resource`, if it names one.
    static func owner(of resource: String) -> String? {
        let fields = resource.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", !fields[4].isEmpty else { return nil }
        return String(fields[4])
    }

    /// The evaluation that allows least: an explicit deny, else an implicit one, else the allow
    /// from the fewest sources (what KMS's key rule reads). Never reused for other calls.
    static func strictest(_ evaluations: [Evaluation]) -> Evaluation {
        func rank(_ evaluation: Evaluation) -> (Int, Int, Int) {
            let decision = switch evaluation.decision {
            case .explicitDeny: 0
            case .implicitDeny: 1
            case .allowed: 2
            }
            let resource = switch evaluation.allowSources.resourcePolicy {
            case .none: 0
            case .account: 1
            case .caller: 2
            }
            return (decision, resource, evaluation.allowSources.identityPolicy ? 1 : 0)
        }
        var strictest = evaluations[0]
        for evaluation in evaluations.dropFirst() where rank(evaluation) < rank(strictest) { strictest = evaluation }
        strictest.dependsOnVolatileKeys = true
        return strictest
    }

    private func currentTimeText(_ epoch: Int64) -> String {
        if let text = currentTime.withLock({ $0.epoch == epoch ? $0.text : nil }) { return text }
        let text = AmzDate.iso8601(seconds: epoch)
        currentTime.withLock { $0 = (epoch, text) }
        return text
    }
}

/// What a reusable decision is filed under.
private struct DecisionKey: Hashable {
    var caller: String
    var action: String
    var resource: String
    var revision: Authorizer.Revision
}
