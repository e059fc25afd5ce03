import WireJSON

/// Checks a policy the way IAM Access Analyzer's `ValidatePolicy` does: grammar errors, then
/// best-practice findings, then (when given) size quotas, each with its position.
public enum PolicyValidator {
    /// Every finding for `text`, ordered by position. A JSON syntax error is the only finding
    /// when the text is not JSON; a grammar error is reported alongside the other findings.
    /// `knownActions` holds every action (lowercased, by lowercased service prefix) of the
    /// services whose actions are all known: an action of one of them that names none is an error.
    public static func validate(
        _ text: String, kind: PolicyKind, quotas: PolicyQuotas? = nil, knownActions: [String: Set<String>] = [:]
    ) -> [ValidationFinding] {
        let document: LocatedJSON
        do {
            document = try PolicyCompiler.document(text)
        } catch {
            return [ValidationFinding(severity: .error, code: error.code, message: error.message, position: error.position)]
        }
        var findings: [ValidationFinding] = []
        do {
            _ = try PolicyCompiler.compile(document, text: text, kind: kind, id: "")
        } catch {
            findings.append(ValidationFinding(severity: .error, code: error.code, message: error.message, position: error.position))
        }
        var linter = PolicyLinter(kind: kind, quotas: quotas, knownActions: knownActions)
        linter.lint(document, text: text)
        findings += linter.findings
        return findings.enumerated().sorted { left, right in
            let a = left.element.position ?? SourcePosition(line: 0, column: 0)
            let b = right.element.position ?? SourcePosition(line: 0, column: 0)
            return (a.line, a.column, left.offset) < (b.line, b.column, right.offset)
        }.map(\.element)
    }
}
