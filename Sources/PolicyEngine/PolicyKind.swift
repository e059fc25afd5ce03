/// The role a policy plays, which decides whether its statements name principals.
public enum PolicyKind: String, Sendable {
    /// Attached to a principal (user, role, group) or used as a permissions boundary: no
    /// `Principal`/`NotPrincipal`.
    case identity
    /// Attached to a resource such as a queue: every statement names its `Principal` or `NotPrincipal`.
    case resource
}
