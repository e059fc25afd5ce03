/// The evaluator's answer: the decision, the statements behind it, and what was missing.
public struct Evaluation: Sendable {
    /// Allowed, explicitly denied or implicitly denied.
    public var decision: Decision
    /// On an explicit deny, the deny statements that matched (as IAM's simulator lists them); when
    /// allowed, the allow statements that count; otherwise empty.
    public var matchedStatements: [MatchedStatement]
    /// Condition and policy-variable keys that statements which otherwise applied (action,
    /// resource, principal) read but the request lacked: sorted, unique (IAM's `MissingContextValues`).
    public var missingContextKeys: [String]
    /// Whether every permissions boundary allowed the request; nil when none was given.
    public var allowedByPermissionsBoundary: Bool?
    /// Every statement of every policy, when asked for with `explain: true`; else empty.
    public var explanation: [StatementExplanation]
    /// Which policies allowed, before explicit denies are applied: what a KMS key policy needs
    /// to tell a grant to the caller from a delegation to its account's IAM policies.
    public var allowSources: AllowSources
    /// Whether a statement that applied by action, resource and principal read one of the
    /// volatile keys the caller named: when false, the decision holds for any values of them.
    public var dependsOnVolatileKeys: Bool
}

/// Where the allows of an evaluation came from.
public struct AllowSources: Sendable, Equatable {
    /// How the resource policy allowed.
    public enum ResourcePolicyAllow: Sendable, Equatable {
        /// No resource-policy statement allowed.
        case none
        /// Only statements naming the caller's account (`arn:aws:iam::ACCOUNT:root`) allowed.
        case account
        /// A statement naming the caller, its role, or everyone (`*`) allowed.
        case caller
    }

    /// An identity policy allowed (within the permissions boundaries, when given).
    public var identityPolicy: Bool
    /// How the resource policy allowed.
    public var resourcePolicy: ResourcePolicyAllow

    /// Sources as given.
    public init(identityPolicy: Bool, resourcePolicy: ResourcePolicyAllow) {
        self.identityPolicy = identityPolicy
        self.resourcePolicy = resourcePolicy
    }
}
