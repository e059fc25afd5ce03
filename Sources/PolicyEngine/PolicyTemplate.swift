/// A policy string that may hold policy variables: `${aws:username}`,
/// `${aws:PrincipalTag/team, 'none'}` and the escapes `${*}`, `${?}`, `${$}`.
///
/// Variables exist only under `"Version": "2012-10-17"`; otherwise the text is taken as written.
/// Substituted values and escapes are literal text: a `*` from `${*}` or from a tag value is
/// never a wildcard.
struct PolicyTemplate: Sendable {
    /// One piece of the text.
    enum Part: Sendable {
        /// Text as written; in `…Like`, `Arn…` and `Resource`, its `*` and `?` are wildcards.
        case text(String)
        /// Literal text from an escape (`${*}` is `*`).
        case literal(String)
        /// A variable: the key (lowercased for lookup, and as written) and its default.
        case variable(key: String, name: String, defaultValue: String?)
    }

    /// The pieces in order.
    let parts: [Part]
    /// The text as written.
    let source: String

    /// Whether any part is a variable.
    var hasVariables: Bool {
        parts.contains { if case .variable = $0 { true } else { false } }
    }

    /// Every variable key, lowercased (with a default or not): what the text may read.
    var lowercasedKeys: [String] {
        parts.compactMap { if case .variable(let key, _, _) = $0 { key } else { nil } }
    }

    /// The variable keys as written that have no default.
    var keysWithoutDefault: [String] {
        parts.compactMap { if case .variable(_, let name, nil) = $0 { name } else { nil } }
    }

    /// Why a variable is malformed.
    struct SyntaxError: Error {
        let code: String
        let message: String
    }

    /// Splits `text` into parts; with `variables` false the whole text is one `.text` part.
    static func parse(_ text: String, variables: Bool) throws(SyntaxError) -> PolicyTemplate {
        guard variables, text.contains("${") else { return PolicyTemplate(parts: [.text(text)], source: text) }
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "${") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            let body = rest[open.upperBound...]
            guard let close = body.firstIndex(of: "}") else {
                throw SyntaxError(code: "MISSING_BRACE_IN_VARIABLE", message: "Policy variable in '\(text)' is missing its closing brace")
            }
            parts.append(try variable(String(body[..<close]), in: text))
            rest = body[body.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return PolicyTemplate(parts: parts, source: text)
    }

    private static func variable(_ body: String, in text: String) throws(SyntaxError) -> Part {
        if body == "*" || body == "?" || body == "$" { return .literal(body) }
        let pieces = body.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let name = pieces[0].trimmingSpaces
        guard !name.isEmpty else {
            throw SyntaxError(code: "EMPTY_VARIABLE", message: "Policy variable in '\(text)' names no key")
        }
        guard !name.contains(" "), !name.contains("'") else {
            throw SyntaxError(code: "UNSUPPORTED_SPACE_IN_VARIABLE", message: "Policy variable '\(name)' in '\(text)' is malformed")
        }
        guard pieces.count == 2 else { return .variable(key: name.lowercased(), name: name, defaultValue: nil) }
        let fallback = pieces[1].trimmingSpaces
        guard fallback.count >= 2, fallback.hasPrefix("'"), fallback.hasSuffix("'") else {
            throw SyntaxError(code: "MISSING_QUOTE_IN_VARIABLE", message: "The default of policy variable '\(name)' in '\(text)' must be in single quotes")
        }
        return .variable(key: name.lowercased(), name: name, defaultValue: String(fallback.dropFirst().dropLast()))
    }

    /// The text with variables substituted; nil when a variable has neither a value nor a default.
    func resolvedString(in context: ConditionContext) -> String? {
        var result = ""
        for part in parts {
            switch part {
            case .text(let text), .literal(let text): result += text
            case .variable(let key, _, let defaultValue):
                guard let value = Self.value(of: key, defaultValue: defaultValue, in: context) else { return nil }
                result += value
            }
        }
        return result
    }

    /// The text with variables substituted, for display: unresolvable variables stay as written.
    func displayString(in context: ConditionContext) -> String {
        resolvedString(in: context) ?? source
    }

    /// The compiled wildcard elements with variables substituted as literal text; nil when a
    /// variable cannot be resolved.
    func resolvedElements(in context: ConditionContext) -> [WildcardPattern.Element]? {
        var elements: [WildcardPattern.Element] = []
        for part in parts {
            switch part {
            case .text(let text): elements += WildcardPattern.elements(glob: text)
            case .literal(let text): elements += WildcardPattern.elements(literal: text)
            case .variable(let key, _, let defaultValue):
                guard let value = Self.value(of: key, defaultValue: defaultValue, in: context) else { return nil }
                elements += WildcardPattern.elements(literal: value)
            }
        }
        return elements
    }

    private static func value(of key: String, defaultValue: String?, in context: ConditionContext) -> String? {
        context.variableValue(lowercasedKey: key) ?? defaultValue
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
