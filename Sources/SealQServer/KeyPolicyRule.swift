import KeyService
import PolicyEngine
import Principals

/// KMS's authorization rule for a use of a key: an explicit deny anywhere wins; else the key
/// policy must allow the caller itself, or delegate to the caller's account and an IAM policy
/// allow it, or a grant must allow the operation under the request's encryption context.
struct KeyPolicyRule: Sendable {
    /// One use of one key.
    struct Use {
        /// The IAM action (`kms:Decrypt`, …).
        var action: String
        /// The grant operation that would allow it (`Decrypt`, …), if grants can.
        var grantOperation: String?
        /// The key.
        var key: ManagedKey
        /// The encryption context of the call.
        var context: [String: String] = [:]
        /// The AWS service making the call for the caller (`kms:ViaService`), if any.
        var viaService: String?
        /// For CreateGrant, the grant asked for: a grant allows creating only grants within its own.
        var newGrant: NewGrant?
        /// Tags the call sets (`aws:RequestTag/KEY`) and the tag keys it names (`aws:TagKeys`).
        var requestTags: [String: String] = [:]
        var tagKeys: [String] = []
        /// Condition keys from the call's parameters (`kms:EncryptionAlgorithm`, `kms:RequestAlias`, …).
        var requestKeys: [Authorizer.ConditionKey] = []
    }

    /// The operations, principals and constraint of a grant being created.
    struct NewGrant {
        var operations: [String]
        var contextSubset: [String: String]?
        var contextEquals: [String: String]?
        var granteePrincipal: String
        var retiringPrincipal: String?
    }

    let authorizer: Authorizer
    let keys: KeyService

    /// KMS's answer for one use: the decision and the policy statements behind it (none when a
    /// grant allowed).
    struct Outcome {
        var decision: Decision
        var statements: [MatchedStatement] = []
    }

    /// Whether `principal` (authenticated as `identity`, calling as `call`) may make `use`.
    func allows(_ use: Use, identity: Authenticator.Identity, principal: Principal, call: IncomingCall) -> Bool {
        decide(use, identity: identity, principal: principal, call: call).decision == .allowed
    }

    /// How KMS decides `use` by `principal` (authenticated as `identity`, calling as `call`).
    func decide(_ use: Use, identity: Authenticator.Identity, principal: Principal, call: IncomingCall) -> Outcome {
        guard let evaluation = authorizer.authorize(identity, target(of: use, caller: principal), call: call) else {
            return Outcome(decision: .allowed)
        }
        if evaluation.decision == .explicitDeny { return Outcome(decision: .explicitDeny, statements: evaluation.matchedStatements) }
        if Self.policiesAllow(evaluation) { return Outcome(decision: .allowed, statements: evaluation.matchedStatements) }
        return Outcome(decision: grantAllows(use, principal: principal) ? .allowed : .implicitDeny)
    }

    /// How the caller's IAM policies alone decide `use` (the key's tags and KMS's condition keys
    /// in the request, as for every other use), for what the key policy has no say in: who may
    /// retire a grant. Nil when authorization is off.
    func identityOutcome(_ use: Use, identity: Authenticator.Identity, principal: Principal, call: IncomingCall) -> Outcome? {
        var target = target(of: use, caller: principal)
        target.resourcePolicy = nil
        return authorizer.authorize(identity, target, call: call).map { Outcome(decision: $0.decision, statements: $0.matchedStatements) }
    }

    /// What the authorizer is asked about `use` by `caller`.
    private func target(of use: Use, caller: Principal) -> Authorizer.Target {
        var target = Authorizer.Target(action: use.action, resource: use.key.arn, resourcePolicy: use.key.policy)
        target.resourceTags = use.key.tags
        target.requestTags = use.requestTags
        target.tagKeys = use.tagKeys
        target.serviceKeys = conditionKeys(use, caller: caller)
        target.viaAWSService = use.viaService != nil
        return target
    }

    /// Whether a grant of the key lets `principal` make `use`.
    private func grantAllows(_ use: Use, principal: Principal) -> Bool {
        guard let operation = use.grantOperation else { return false }
        if let child = use.newGrant {
            return keys.grants(of: use.key.keyId).contains {
                $0.allowsCreating(
                    operations: child.operations, contextSubset: child.contextSubset, contextEquals: child.contextEquals,
                    by: principal.principalArn)
            }
        }
        return keys.grants(of: use.key.keyId).contains { $0.allows(operation, by: principal.principalArn, context: use.context) }
    }

    /// `kms:RequestAlias`: the alias a call names its key by (`alias/NAME`, also when given as an alias ARN).
    static func requestAlias(_ identifier: String) -> [Authorizer.ConditionKey] {
        if identifier.hasPrefix("alias/") { return [("kms:RequestAlias", [identifier], .string)] }
        guard identifier.hasPrefix("arn:"), let range = identifier.range(of: ":alias/") else { return [] }
        return [("kms:RequestAlias", ["alias/" + identifier[range.upperBound...]], .string)]
    }

    /// The condition keys that describe `key` itself.
    private func properties(of key: ManagedKey) -> [Authorizer.ConditionKey] {
        Self.properties(of: key, aliases: keys.aliases(of: key.keyId).map(\.name))
    }

    /// The condition keys that describe `key`, known as `aliases` (who-can reads them too).
    static func properties(of key: ManagedKey, aliases: [String]) -> [Authorizer.ConditionKey] {
        var properties: [Authorizer.ConditionKey] = [
            ("kms:KeySpec", [key.spec.rawValue], .string), ("kms:KeyUsage", [key.spec.usage], .string),
            ("kms:KeyOrigin", ["AWS_KMS"], .string), ("kms:MultiRegion", ["false"], .boolean),
        ]
        if !aliases.isEmpty { properties.append(("kms:ResourceAliases", aliases.sorted(), .stringList)) }
        return properties
    }

    /// KMS's lockout safety check: whether `principal` could still change the policy of `key`
    /// (nil: of the key CreateKey makes, described by `creating` and tagged `creatingTags`) once it
    /// is `policy`, judged with the keys that later PutKeyPolicy would carry.
    func keepsPolicyControl(
        under policy: String, key: ManagedKey?, creating: [Authorizer.ConditionKey], creatingTags: [String: String],
        identity: Authenticator.Identity, principal: Principal, call: IncomingCall
    ) -> Bool {
        var target = Authorizer.Target(action: "kms:PutKeyPolicy", resource: key?.arn ?? keys.keyArn("*"), resourcePolicy: policy)
        target.resourceTags = key?.tags ?? creatingTags
        target.serviceKeys = (key.map(properties(of:)) ?? creating)
            + [("kms:CallerAccount", [principal.accountId], .string), ("kms:BypassPolicyLockoutSafetyCheck", ["false"], .boolean)]
        guard let evaluation = authorizer.authorize(identity, target, call: call) else { return true }
        return evaluation.decision != .explicitDeny && Self.policiesAllow(evaluation)
    }

    /// Whether policies alone allow a use judged as `evaluation` (no explicit deny assumed): the
    /// key policy allows the caller itself, or delegates to the caller's account and an IAM
    /// policy allows.
    static func policiesAllow(_ evaluation: Evaluation) -> Bool {
        switch evaluation.allowSources.resourcePolicy {
        case .caller: true
        case .account: evaluation.allowSources.identityPolicy
        default: false
        }
    }

    /// The operations whose `kms:EncryptionAlgorithm` is the algorithm that encrypts: the
    /// request's `EncryptionAlgorithm`, else `SYMMETRIC_DEFAULT`, the only one symmetric keys have.
    private static let encryptingActions: Set<String> = [
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
    ]

    /// KMS's condition keys for a use of a key: `kms:CallerAccount`; `kms:ViaService` for calls a
    /// service makes for the caller; the key's own `kms:KeySpec`, `kms:KeyUsage`, `kms:KeyOrigin`,
    /// `kms:MultiRegion` and `kms:ResourceAliases`; for calls with an encryption context
    /// `kms:EncryptionContext:KEY` and `kms:EncryptionContextKeys`; and what the call's
    /// parameters supply.
    private func conditionKeys(_ use: Use, caller: Principal) -> [Authorizer.ConditionKey] {
        var keys = [("kms:CallerAccount", [caller.accountId], .string)] + properties(of: use.key)
        if let service = use.viaService { keys.append(("kms:ViaService", [service], .string)) }
        if Self.encryptingActions.contains(use.action), !use.requestKeys.contains(where: { $0.key == "kms:EncryptionAlgorithm" }) {
            keys.append(("kms:EncryptionAlgorithm", ["SYMMETRIC_DEFAULT"], .string))
        }
        keys += use.requestKeys
        for (key, value) in use.context { keys.append(("kms:EncryptionContext:\(key)", [value], .string)) }
        if !use.context.isEmpty { keys.append(("kms:EncryptionContextKeys", use.context.keys.sorted(), .stringList)) }
        // What a CreateGrant grants, so key and IAM policies can limit it (kms:GrantOperations …).
        if let grant = use.newGrant {
            keys.append(("kms:GrantOperations", grant.operations.sorted(), .stringList))
            keys.append(("kms:GranteePrincipal", [grant.granteePrincipal], .string))
            if let retiring = grant.retiringPrincipal { keys.append(("kms:RetiringPrincipal", [retiring], .string)) }
            keys.append(("kms:GrantIsForAWSResource", ["false"], .boolean))
            if grant.contextEquals != nil { keys.append(("kms:GrantConstraintType", ["EncryptionContextEquals"], .string)) }
            if grant.contextSubset != nil { keys.append(("kms:GrantConstraintType", ["EncryptionContextSubset"], .string)) }
        }
        return keys
    }
}
