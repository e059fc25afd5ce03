/// How one statement fared against a request, element by element.
public struct StatementExplanation: Sendable, Hashable {
    /// The policy's id.
    public var policyId: String
    /// Identity or resource policy.
    public var kind: PolicyKind
    /// Whether the policy was given as a permissions boundary.
    public var isPermissionsBoundary: Bool
    /// The statement's `Sid`, if any.
    public var sid: String?
    /// Allow or deny.
    public var effect: Effect
    /// Where the statement object starts.
    public var start: SourcePosition
    /// Just past the statement object's end.
    public var end: SourcePosition
    /// `Action` named the action (or `NotAction` did not).
    public var actionMatched: Bool
    /// `Resource` named the resource (or `NotResource` did not); an entry whose policy variable
    /// had no value names no resource.
    public var resourceMatched: Bool
    /// `Principal` named the caller (or `NotPrincipal` did not exempt it); nil for identity policies.
    public var principalMatched: Bool?
    /// The caller matched `Principal` only through its account (`arn:aws:iam::ACCOUNT:root` or
    /// a bare account id): in a KMS key policy, a delegation to the account's IAM policies.
    public var principalMatchedViaAccount: Bool
    /// Every condition of the statement, in document order.
    public var conditions: [ConditionExplanation]
    /// The statement applies to the request.
    public var matched: Bool
}
