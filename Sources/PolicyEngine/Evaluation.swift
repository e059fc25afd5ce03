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
}
