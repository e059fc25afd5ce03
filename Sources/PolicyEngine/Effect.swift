/// What a statement does when it matches.
public enum Effect: String, Sendable {
    /// Grants the access, unless a deny matches too.
    case allow = "Allow"
    /// Refuses the access, whatever else allows it.
    case deny = "Deny"
}
