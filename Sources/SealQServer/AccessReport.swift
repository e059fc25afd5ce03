import PolicyEngine
import Principals
import KeyService
import QueueEngine
import Storage

/// `sealq policy who-can`: every known principal that may do an action on a resource, with the
/// statements that allow it and the conditions under which the allow holds.
///
/// Runs the enforcing evaluator once per principal of `policies/` (and once for an unsigned
/// caller) with the keys known before any request is made: the principal's own keys and the
/// resource's tags. Conditions on keys only a request supplies (source IP, time, request tags)
/// are reported as the conditions under which the answer holds; a deny that depends on them is
/// reported as an exception. A statement that grants `"*"` is shown as a wildcard grant.
public struct AccessReport: Sendable {
    /// One principal that may act, and why.
    public struct Grant: Sendable {
        /// The principal's ARN, or `*` for anonymous callers.
        public var principal: String
        /// The statements that allow, each with the conditions it still needs.
        public var allowedBy: [Reason]
        /// Deny statements that apply when their conditions hold.
        public var unless: [Reason]
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

    /// A report over the principals of `catalog`.
    public init(catalog: PrincipalCatalog) {
        self.catalog = catalog
    }

    /// The queue `name` in the data directory, if it exists: its ARN parts, policy and tags.
    public static func queue(named name: String, dataDirectory: String) throws -> QueueRecord? {
        let path = dataDirectory + "/sealq.sqlite"
        return try SQLiteMessageStore.readQueues(path: path).first { $0.name == name }
    }

    /// The KMS key `identifier` (key id or `alias/NAME`) in the data directory, if it exists.
    public static func key(_ identifier: String, dataDirectory: String) throws -> ManagedKey? {
        let ring = try SQLiteKeyStore.readKeyring(path: dataDirectory + "/sealq.sqlite")
        let keyId = identifier.hasPrefix("alias/") ? ring.aliases[identifier]?.targetKeyId : identifier.split(separator: "/").last.map(String.init)
        return keyId.flatMap { ring.keys[$0] }.flatMap { $0.isOwnedByQueueService ? nil : $0 }
    }

    /// Who may do `action` on `resource`, given the resource's policy and tags. A resource-policy
    /// statement that names only the caller's account counts only together with an identity-policy
    /// allow, as IAM decides; with `keyPolicyRules` (the resource is a KMS key) the key policy must
    /// also allow, as KMS decides.
    public func grants(
        action: String, resource: String, resourcePolicy: Policy?, resourceTags: [String: String], keyPolicyRules: Bool = false
    ) -> [Grant] {
        var grants: [Grant] = []
        for principal in catalog.principals.values.sorted(by: { $0.principalArn < $1.principalArn }) {
            var context = principal.conditionKeys
            for (key, value) in resourceTags { context.set("aws:ResourceTag/\(key)", [value]) }
            let request = AuthorizationRequest(action: action, resource: resource, principal: principal.requestPrincipal, context: context)
            if let grant = grant(
                principal.principalArn, request, identityPolicies: principal.policies, resourcePolicy: resourcePolicy,
                keyPolicyRules: keyPolicyRules)
            {
                grants.append(grant)
            }
        }
        var context = Principal.anonymousConditionKeys
        for (key, value) in resourceTags { context.set("aws:ResourceTag/\(key)", [value]) }
        let anonymous = AuthorizationRequest(action: action, resource: resource, principal: nil, context: context)
        if let grant = grant("*", anonymous, identityPolicies: [], resourcePolicy: resourcePolicy, keyPolicyRules: keyPolicyRules) {
            grants.append(grant)
        }
        return grants
    }

    /// Whether `key` is known from the principal or the resource alone (no request supplies it).
    private static func comesWithPrincipalOrResource(_ key: String) -> Bool {
        let key = key.lowercased()
        return ["aws:resourcetag/", "aws:principaltag/"].contains { key.hasPrefix($0) }
            || ["aws:username", "aws:userid", "aws:principalarn", "aws:principalaccount", "aws:principaltype"].contains(key)
    }

    private func grant(
        _ name: String, _ request: AuthorizationRequest, identityPolicies: [Policy], resourcePolicy: Policy?, keyPolicyRules: Bool
    ) -> Grant? {
        let evaluation = PolicyEvaluator.evaluate(request, identityPolicies: identityPolicies, resourcePolicy: resourcePolicy, explain: true)
        var allows: [Reason] = []
        var delegations: [Reason] = []
        var denies: [Reason] = []
        for statement in evaluation.explanation
        where statement.actionMatched && statement.resourceMatched && statement.principalMatched != false {
            // Conditions on keys the principal or resource supplies are decided now, present or
            // not (a queue without the tag never has it); the rest depend on the request.
            let decidedNow = { (condition: ConditionExplanation) in condition.keyPresent || Self.comesWithPrincipalOrResource(condition.key) }
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
        guard !allows.isEmpty, !denies.contains(where: { $0.conditions.isEmpty }) else { return nil }
        return Grant(principal: name, allowedBy: allows, unless: denies)
    }
}
