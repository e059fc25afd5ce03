/// Why each evaluation result came out as it did, for `sealq policy simulate --explain`; plain data the server
/// fills from its policy engine, printed under the top-level `Explanation` key beside awscli's output.
public struct SimulationExplanation: Sendable, Equatable {
    /// One entry per evaluation result, in the same order.
    public var results: [ResultExplanation]

    /// Creates an explanation.
    public init(results: [ResultExplanation]) {
        self.results = results
    }
}

/// The statements considered for one action and resource.
public struct ResultExplanation: Sendable, Equatable {
    /// The simulated action.
    public var actionName: String
    /// The simulated resource.
    public var resourceName: String
    /// Every statement of every policy, matched or not.
    public var statements: [SimulatedStatementExplanation]

    /// Creates a result explanation.
    public init(actionName: String, resourceName: String, statements: [SimulatedStatementExplanation]) {
        self.actionName = actionName
        self.resourceName = resourceName
        self.statements = statements
    }
}

/// One statement and why it applied or not.
public struct SimulatedStatementExplanation: Sendable, Equatable {
    /// The policy the statement belongs to (`PolicyInputList.1`).
    public var sourcePolicyId: String
    /// The statement's `Sid`, when it has one.
    public var sid: String?
    /// `Allow` or `Deny`.
    public var effect: String
    /// Whether the statement applied to the request.
    public var matched: Bool
    /// A one-line reason (`Action does not match`, `All conditions hold`).
    public var reason: String
    /// Each condition the statement tests.
    public var conditions: [SimulatedConditionExplanation]

    /// Creates a statement explanation.
    public init(
        sourcePolicyId: String, sid: String? = nil, effect: String, matched: Bool, reason: String,
        conditions: [SimulatedConditionExplanation] = []
    ) {
        self.sourcePolicyId = sourcePolicyId
        self.sid = sid
        self.effect = effect
        self.matched = matched
        self.reason = reason
        self.conditions = conditions
    }
}

/// One condition test: operator, key, the values on each side, and its outcome.
public struct SimulatedConditionExplanation: Sendable, Equatable {
    /// The operator as written (`ForAnyValue:StringLike`, `IpAddressIfExists`).
    public var conditionOperator: String
    /// The context key.
    public var key: String
    /// The request's values for the key; nil when the request did not supply it.
    public var requestValues: [String]?
    /// The values the policy compares against.
    public var policyValues: [String]
    /// Whether the condition held.
    public var result: Bool

    /// Creates a condition explanation.
    public init(conditionOperator: String, key: String, requestValues: [String]?, policyValues: [String], result: Bool) {
        self.conditionOperator = conditionOperator
        self.key = key
        self.requestValues = requestValues
        self.policyValues = policyValues
        self.result = result
    }
}
