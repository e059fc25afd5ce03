import WireJSON

/// The resources a `Resource` or `NotResource` element names: `*`, or ARN patterns that may
/// hold policy variables.
struct ResourceSet: Sendable {
    /// One listed resource.
    enum Entry: Sendable {
        /// `*`: every resource.
        case any
        /// An ARN pattern without variables, compiled once.
        case arn(ArnPattern)
        /// An ARN pattern with variables, compiled per request.
        case template(PolicyTemplate)
    }

    /// How a resource fared against the element.
    enum Outcome {
        case matched
        case notMatched
        /// No entry matched, and some entry's policy variable had no value: that entry names no
        /// resource (so a `Resource` does not match and a `NotResource` does).
        case unresolved
    }

    let entries: [Entry]

    /// Whether `resource` is listed; an entry with an unresolvable variable matches nothing.
    func match(_ resource: ArnText, context: ConditionContext) -> Outcome {
        var sawUnresolved = false
        for entry in entries {
            switch entry {
            case .any: return .matched
            case .arn(let pattern): if pattern.matches(resource) { return .matched }
            case .template(let template):
                guard let elements = template.resolvedElements(in: context) else {
                    sawUnresolved = true
                    continue
                }
                if ArnPattern(elements: elements).matches(resource) { return .matched }
            }
        }
        return sawUnresolved ? .unresolved : .notMatched
    }

    /// The entries that hold policy variables.
    var templates: [PolicyTemplate] {
        entries.compactMap { entry in
            if case .template(let template) = entry { template } else { nil }
        }
    }

    /// Compiles `"*"` or ARNs: `arn:partition:service:region:account:resource`, wildcards in any
    /// segment but the service's; an ARN with fewer segments must end in `*`.
    static func compile(_ value: LocatedJSON, element: String, variables: Bool) throws(PolicyError) -> ResourceSet {
        var entries: [Entry] = []
        for (text, position) in try value.stringList(of: element) {
            if text == "*" {
                entries.append(.any)
                continue
            }
            try validate(text, position)
            let template: PolicyTemplate
            do {
                template = try PolicyTemplate.parse(text, variables: variables)
            } catch {
                throw PolicyError(code: error.code, message: error.message, position: position)
            }
            if template.hasVariables {
                entries.append(.template(template))
            } else {
                entries.append(.arn(ArnPattern(elements: template.resolvedElements(in: ConditionContext()) ?? [])))
            }
        }
        return ResourceSet(entries: entries)
    }

    private static func validate(_ text: String, _ position: SourcePosition) throws(PolicyError) {
        let segments = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard segments.count >= 3, segments[0] == "arn", !segments[1].isEmpty, !segments[2].isEmpty,
            segments.count == 6 || text.hasSuffix("*")
        else {
            throw PolicyError(
                code: "INVALID_ARN_RESOURCE", message: "Resource \(text) must be in ARN format or \"*\".", position: position)
        }
        guard !segments[2].contains("*"), !segments[2].contains("?") else {
            throw PolicyError(
                code: "INVALID_SERVICE",
                message: "Resource vendor must be fully qualified and cannot contain regexes (in \(text)).", position: position)
        }
    }
}
