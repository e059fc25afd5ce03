import PolicyEngine
import Principals
import KeyService
import QueueEngine
import SQSWire
import Storage

/// `sealq policy who-can`: every known principal that may do an action on a resource, with the
/// statements that allow it and the conditions under which the allow holds.
///
/// Runs the enforcing evaluator once per principal of `policies/` (and once for an unsigned
/// caller) with the keys known before any request is made: the principal's own keys, the
/// resource's tags, the daemon's region and plain-HTTP transport, and the absence of request
/// tags from actions whose requests carry none. Conditions on keys only a request supplies
/// (source IP, time, request tags) are reported as the conditions under which the answer holds;
/// a deny that depends on them is reported as an exception. A statement that grants `"*"` is shown as a wildcard grant.
public struct AccessReport: Sendable {
    /// One principal that may act, and why.
    public struct Grant: Sendable {
        /// The principal's ARN, or `*` for anonymous callers.
        public var principal: String
        /// The statements that allow, each with the conditions it still needs.
        public var allowedBy: [Reason]
        /// Deny statements that apply when their conditions hold.
        public var unless: [Reason]
        /// KMS grants of the key that allow the action to this principal.
        public var grants: [KeyGrant] = []
    }

    /// What KMS knows of a key before any call: the condition keys that describe it
    /// (`kms:KeySpec`, `kms:ResourceAliases`, …) and its grants.
    public struct KeyFacts: Sendable {
        /// The key's own condition keys.
        public var conditionKeys: ConditionContext
        /// The key's grants.
        public var grants: [KeyGrant]
    }

    /// A statement, with the conditions that decide whether it applies.
    public struct Reason: Sendable {
        /// The policy the statement is in.
        public var policyId: String
        /// Identity or resource policy.
        public var kind: PolicyKind
        /// The statement id, if any.
        public var sid: String?
        /// Where the statement is.
        public var position: SourcePosition
        /// Conditions on keys that only a request supplies.
        public var conditions: [ConditionExplanation]
    }

    let catalog: PrincipalCatalog
    /// The daemon's region, where every request goes (`aws:RequestedRegion`).
    let region: String

    /// A report over the principals of `catalog`, for a daemon serving `region`.
    public init(catalog: PrincipalCatalog, region: String) {
        self.catalog = catalog
        self.region = region
    }

    /// The queue `name` in the data directory, if it exists: its ARN parts, policy and tags.
    public static func queue(named name: String, dataDirectory: String) throws -> QueueRecord? {
        let path = dataDirectory + "/sealq.sqlite"
        return try SQLiteMessageStore.readQueues(path: path).first { $0.name == name }
    }

    /// The KMS key `identifier` (key id or `alias/NAME`) in the data directory, if it exists,
    /// with what KMS knows of it before any call.
    public static func key(_ identifier: String, dataDirectory: String) throws -> (key: ManagedKey, facts: KeyFacts)? {
        let ring = try SQLiteKeyStore.readKeyring(path: dataDirectory + "/sealq.sqlite")
        let keyId = identifier.hasPrefix("alias/") ? ring.aliases[identifier]?.targetKeyId : identifier.split(separator: "/").last.map(String.init)
        guard let key = keyId.flatMap({ ring.keys[$0] }), !key.isOwnedByQueueService else { return nil }
        var keys = ConditionContext()
        let aliases = ring.aliases(of: key.keyId).map(\.name)
        for property in KeyPolicyRule.properties(of: key, aliases: aliases) { keys.set(property.key, property.values, type: property.type) }
        let grants = ring.grants.values.filter { $0.keyId == key.keyId }.sorted { ($0.createdAt, $0.grantId) < ($1.createdAt, $1.grantId) }
        return (key, KeyFacts(conditionKeys: keys, grants: grants))
    }

    /// Whether SQS refuses an unsigned caller `action` (an IAM action) on `queue` whatever the
    /// policies say: the actions only the queue owner's identities may call, and sends and
    /// receives on a queue with server-side encryption on.
    public static func refusesUnsigned(_ action: String, on queue: QueueRecord?) -> Bool {
        let refused = SQSAuthorizationTarget.ownerOnlyActions.map(\.iamAction)
            + (queue.flatMap { SealingProtection($0.settings) } != nil ? ["sqs:SendMessage", "sqs:ReceiveMessage"] : [])
        return refused.contains { $0.lowercased() == action.lowercased() }
    }

    /// Who may do `action` on `resource`, given the resource's policy and tags. A resource-policy
    /// statement that names only the caller's account counts only together with an identity-policy
    /// allow, as IAM decides; with `keyPolicyRules` (the resource is a KMS key) the key policy must
    /// also allow, as KMS decides, or one of the key's grants (`key`); KMS serves no unsigned
    /// caller, nor does the service when `unsignedRefused` (see `refusesUnsigned`).
    public func grants(
        action: String, resource: String, resourcePolicy: Policy?, resourceTags: [String: String], keyPolicyRules: Bool = false,
        key: KeyFacts? = nil, unsignedRefused: Bool = false
    ) -> [Grant] {
        let keyPolicyRules = keyPolicyRules || key != nil
        var grants: [Grant] = []
        for principal in catalog.principals.values.sorted(by: { $0.principalArn < $1.principalArn }) {
            var context = principal.conditionKeys
            addDaemonFacts(to: &context)
            context.set("aws:ResourceAccount", [Authorizer.owner(of: resource) ?? principal.accountId])
            for (key, value) in resourceTags { context.add("aws:ResourceTag/\(key)", [value]) }
            if keyPolicyRules { context.set("kms:CallerAccount", [principal.accountId]) }
            for name in key?.conditionKeys.keys ?? [] {
                context.set(name, key?.conditionKeys.values(name) ?? [], type: key?.conditionKeys.type(of: name) ?? .string)
            }
            let byGrant = key?.grants.filter { Self.grant($0, allows: action, to: principal.principalArn) } ?? []
            if var grant = everyReading(
                principal.principalArn, action: action, resource: resource, principal: principal.requestPrincipal, context: context,
                identityPolicies: principal.policies, resourcePolicy: resourcePolicy, keyPolicyRules: keyPolicyRules, grantAllows: !byGrant.isEmpty)
            {
                grant.grants = byGrant
                grants.append(grant)
            }
        }
        guard !keyPolicyRules, !unsignedRefused else { return grants }
        var context = Principal.anonymousConditionKeys
        addDaemonFacts(to: &context)
        if let owner = Authorizer.owner(of: resource) { context.set("aws:ResourceAccount", [owner]) }
        for (key, value) in resourceTags { context.add("aws:ResourceTag/\(key)", [value]) }
        if let grant = everyReading(
            "*", action: action, resource: resource, principal: nil, context: context, identityPolicies: [],
            resourcePolicy: resourcePolicy, keyPolicyRules: false)
        {
            grants.append(grant)
        }
        return grants
    }

    /// The grant of `name` when every reading of `context` allows it, as enforcement decides for
    /// tags that differ only in case (see Authorizer); nil otherwise.
    private func everyReading(
        _ name: String, action: String, resource: String, principal: RequestPrincipal?, context: ConditionContext,
        identityPolicies: [Policy], resourcePolicy: Policy?, keyPolicyRules: Bool, grantAllows: Bool = false
    ) -> Grant? {
        let policies = identityPolicies + (resourcePolicy.map { [$0] } ?? [])
        let readings = context.readings(limit: Authorizer.maximumReadings, of: { key in policies.contains { $0.reads(key) } }) ?? []
        let perReading = readings.map { reading in
            grant(
                name, AuthorizationRequest(action: action, resource: resource, principal: principal, context: reading),
                identityPolicies: identityPolicies, resourcePolicy: resourcePolicy, keyPolicyRules: keyPolicyRules, grantAllows: grantAllows)
        }
        guard !perReading.isEmpty, !perReading.contains(where: { $0 == nil }) else { return nil }
        return perReading[0]
    }

    /// Whether `grant` gives `grantee` the operation of the IAM action `action` (`kms:Decrypt`).
    private static func grant(_ grant: KeyGrant, allows action: String, to grantee: String) -> Bool {
        let parts = action.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "kms", grant.granteePrincipal == grantee else { return false }
        return grant.operations.contains { $0.lowercased() == parts[1].lowercased() }
    }

    /// The keys every call to the daemon has, whoever makes it: plain HTTP (`aws:SecureTransport`
    /// false, as the daemon sets it) and the daemon's region.
    private func addDaemonFacts(to context: inout ConditionContext) {
        context.set("aws:SecureTransport", ["false"], type: .boolean)
        context.set("aws:RequestedRegion", [region])
    }

    /// The actions whose requests may carry tags (`aws:RequestTag/…`), and those that may name
    /// tag keys (`aws:TagKeys`); every other action's requests never have these keys.
    private static let actionsWithRequestTags: Set<String> = ["sqs:createqueue", "sqs:tagqueue", "kms:createkey", "kms:tagresource"]
    private static let actionsWithTagKeys = actionsWithRequestTags.union(["sqs:untagqueue", "kms:untagresource"])

    /// Whether `key`'s value, or its absence, is settled before `action` is requested: it comes
    /// with the principal or the resource, or `action`'s requests never carry it.
    private static func settledBeforeRequest(_ key: String, action: String) -> Bool {
        let key = key.lowercased()
        let action = action.lowercased()
        if key.hasPrefix("aws:requesttag/") { return !actionsWithRequestTags.contains(action) }
        if key == "aws:tagkeys" { return !actionsWithTagKeys.contains(action) }
        return ["aws:resourcetag/", "aws:principaltag/"].contains { key.hasPrefix($0) }
            || [
                "aws:username", "aws:userid", "aws:principalarn", "aws:principalaccount", "aws:principaltype",
                "aws:principalisawsservice", "aws:resourceaccount",
                "kms:calleraccount", "kms:keyspec", "kms:keyusage", "kms:keyorigin", "kms:multiregion", "kms:resourcealiases",
            ].contains(key)
    }

    private func grant(
        _ name: String, _ request: AuthorizationRequest, identityPolicies: [Policy], resourcePolicy: Policy?, keyPolicyRules: Bool,
        grantAllows: Bool = false
    ) -> Grant? {
        let evaluation = PolicyEvaluator.evaluate(request, identityPolicies: identityPolicies, resourcePolicy: resourcePolicy, explain: true)
        var allows: [Reason] = []
        var delegations: [Reason] = []
        var denies: [Reason] = []
        for statement in evaluation.explanation
        where statement.actionMatched && statement.resourceMatched && statement.principalMatched != false {
            // Conditions on keys settled before the request are decided now, present or not (a
            // queue without the tag never has it, a send never carries request tags); the rest
            // depend on the request.
            let decidedNow = { (condition: ConditionExplanation) in
                condition.keyPresent || Self.settledBeforeRequest(condition.key, action: request.action)
            }
            guard statement.conditions.allSatisfy({ !decidedNow($0) || $0.result }) else { continue }
            let reason = Reason(
                policyId: statement.policyId, kind: statement.kind, sid: statement.sid, position: statement.start,
                conditions: statement.conditions.filter { !decidedNow($0) })
            if statement.effect == .deny {
                denies.append(reason)
            } else if statement.kind == .resource && statement.principalMatchedViaAccount {
                delegations.append(reason)
            } else {
                allows.append(reason)
            }
        }
        // A resource policy's delegation to the account counts only beside an identity-policy allow.
        if !delegations.isEmpty && allows.contains(where: { $0.kind == .identity }) { allows += delegations }
        if keyPolicyRules { allows = allows.filter { $0.kind == .resource || !delegations.isEmpty } }
        // An unconditional deny beats every allow, a grant's too.
        guard !allows.isEmpty || grantAllows, !denies.contains(where: { $0.conditions.isEmpty }) else { return nil }
        return Grant(principal: name, allowedBy: allows, unless: denies)
    }
}
