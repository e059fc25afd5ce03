/// A statement that decided an evaluation, as IAM's simulator lists it in `MatchedStatements`.
public struct MatchedStatement: Sendable, Hashable {
    /// The policy's id.
    public var policyId: String
    /// Identity or resource policy.
    public var kind: PolicyKind
    /// The statement's `Sid`, if any.
    public var sid: String?
    /// Allow or deny.
    public var effect: Effect
    /// Where the statement object starts.
    public var start: SourcePosition
    /// Just past the statement object's end.
    public var end: SourcePosition

    /// The record of `statement` of `policy`.
    init(_ statement: Statement, of policy: Policy) {
        policyId = policy.id
        kind = policy.kind
        sid = statement.sid
        effect = statement.effect
        start = statement.start
        end = statement.end
    }
}

