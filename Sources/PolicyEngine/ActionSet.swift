import WireJSON

/// The actions an `Action` or `NotAction` element names, lowercased and compiled once.
struct ActionSet: Sendable {
    /// Whether one pattern is a lone `*`, which matches every action.
    let matchesEverything: Bool
    /// The patterns, lowercased (`sqs:send*`).
    let patterns: [WildcardPattern]
    /// How many actions the element lists (for quotas).
    let count: Int

    /// Whether `action` (already lowercased UTF-8) is named.
    func matches(_ lowercasedAction: [UInt8]) -> Bool {
        if matchesEverything { return true }
        return lowercasedAction.withUnsafeBufferPointer { action in
            patterns.contains { $0.matches(action, from: 0, to: action.count) }
        }
    }

    /// Compiles `"*"` or `"service:action"` entries; wildcards may appear in the action part only.
    static func compile(_ value: LocatedJSON, element: String) throws(PolicyError) -> ActionSet {
        let entries = try value.stringList(of: element)
        var patterns: [WildcardPattern] = []
        var matchesEverything = false
        for (text, position) in entries {
            if text == "*" {
                matchesEverything = true
                continue
            }
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !parts[1].contains(":") else {
                throw PolicyError(
                    code: "INVALID_ACTION",
                    message: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (got '\(text)')",
                    position: position)
            }
            guard parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw PolicyError(
                    code: "INVALID_SERVICE_IN_ACTION", message: "Vendor \(parts[0]) is not valid in action '\(text)'",
                    position: position)
            }
            patterns.append(WildcardPattern(glob: text, lowercase: true))
        }
        return ActionSet(matchesEverything: matchesEverything, patterns: patterns, count: entries.count)
    }
}
