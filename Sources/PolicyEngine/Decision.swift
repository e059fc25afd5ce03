/// The evaluator's verdict; raw values are IAM's `EvalDecision` strings.
public enum Decision: String, Sendable {
    /// An allow matched and no deny did.
    case allowed
    /// A deny statement matched.
    case explicitDeny
    /// Nothing allowed it (or a permissions boundary did not).
    case implicitDeny
}
