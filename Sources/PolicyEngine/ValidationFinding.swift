/// One finding of `PolicyValidator`, shaped like IAM Access Analyzer's `ValidatePolicyFinding`.
public struct ValidationFinding: Sendable, Hashable, CustomStringConvertible {
    /// How serious a finding is; raw values are Access Analyzer's `findingType` names.
    public enum Severity: String, Sendable, Hashable {
        /// Part of the policy does not work (or the policy is refused).
        case error = "ERROR"
        /// The policy grants more than it probably means to.
        case securityWarning = "SECURITY_WARNING"
        /// Not how policies should be written.
        case warning = "WARNING"
        /// A stylistic improvement that does not change access.
        case suggestion = "SUGGESTION"
    }

    /// How serious.
    public var severity: Severity
    /// The issue code, Access Analyzer's where one exists (`MISSING_VERSION`,
    /// `FORALLVALUES_WITH_SINGLE_VALUED_KEY`, …).
    public var code: String
    /// What is wrong and how to fix it.
    public var message: String
    /// Where; nil only for findings about the document as a whole that have no better place.
    public var position: SourcePosition?

    /// A finding from its parts.
    public init(severity: Severity, code: String, message: String, position: SourcePosition?) {
        self.severity = severity
        self.code = code
        self.message = message
        self.position = position
    }

    /// "SEVERITY CODE at line L, column C: message".
    public var description: String {
        "\(severity.rawValue) \(code)\(position.map { " at \($0)" } ?? ""): \(message)"
    }
}
