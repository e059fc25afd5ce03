/// How one condition (one operator on one key) came out, for explanations.
public struct ConditionExplanation: Sendable, Hashable {
    /// The operator as written, such as `ForAnyValue:StringLikeIfExists`.
    public var `operator`: String
    /// The key as written.
    public var key: String
    /// Whether the request carried the key.
    public var keyPresent: Bool
    /// The request's values for the key (empty when absent).
    public var requestValues: [String]
    /// The policy's values, after policy-variable substitution (unresolvable ones as written).
    public var policyValues: [String]
    /// Whether the condition held.
    public var result: Bool

    /// An explanation from its parts.
    public init(
        operator: String, key: String, keyPresent: Bool, requestValues: [String], policyValues: [String], result: Bool
    ) {
        self.operator = `operator`
        self.key = key
        self.keyPresent = keyPresent
        self.requestValues = requestValues
        self.policyValues = policyValues
        self.result = result
    }
}
