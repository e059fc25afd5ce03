/// Why a policy document was refused, and where.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    /// The Access-Analyzer-style issue code, such as `MISSING_ACTION` or `JSON_SYNTAX_ERROR`.
    public var code: String
    /// What is wrong, in the manner of IAM's MalformedPolicyDocument messages.
    public var message: String
    /// Where it is wrong; nil when the fault is the document as a whole (its size).
    public var position: SourcePosition?

    /// An error from its parts.
    public init(code: String, message: String, position: SourcePosition?) {
        self.code = code
        self.message = message
        self.position = position
    }

    /// "line L, column C: message", or the bare message when there is no position.
    public var description: String {
        guard let position else { return message }
        return "\(position): \(message)"
    }
}
