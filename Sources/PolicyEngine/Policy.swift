/// A parsed and compiled IAM policy document, ready to evaluate many times.
public struct Policy: Sendable {
    /// The caller's name for the policy (IAM's `SourcePolicyId`).
    public let id: String
    /// Identity or resource policy.
    public let kind: PolicyKind
    /// `"2012-10-17"`, `"2008-10-17"`, or nil when the document has no `Version` (policy
    /// variables only work under 2012-10-17).
    public let version: String?
    /// The statements in document order.
    public let statements: [Statement]
    /// The document as given.
    public let text: String

    /// Whether a statement may read the condition key `lowercasedKey` (in a condition, or as a
    /// policy variable).
    public func reads(_ lowercasedKey: String) -> Bool {
        statements.contains { $0.readKeys.contains(lowercasedKey) }
    }

    /// The version under which policy variables are substituted.
    public static let variablesVersion = "2012-10-17"
    /// The versions IAM accepts.
    public static let knownVersions: Set<String> = ["2012-10-17", "2008-10-17"]

    /// Parses and compiles `text`; throws at the first grammar error, with its position.
    public static func parse(_ text: String, kind: PolicyKind, id: String) throws(PolicyError) -> Policy {
        try PolicyCompiler.compile(text, kind: kind, id: id)
    }
}
