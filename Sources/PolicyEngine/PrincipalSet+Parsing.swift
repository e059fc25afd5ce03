import WireJSON

extension PrincipalSet {
    /// Compiles a `Principal` or `NotPrincipal` value: `"*"`, or an object whose keys are
    /// `AWS`, `Service`, `Federated` and `CanonicalUser`, each a string or array of strings.
    static func compile(_ value: LocatedJSON, element: String) throws(PolicyError) -> PrincipalSet {
        if case .string(let text) = value.value {
            guard text == "*" else {
                throw PolicyError(
                    code: "INVALID_PRINCIPAL_FORMAT",
                    message: "Invalid principal in policy: \(element) must be \"*\" or an object such as {\"AWS\": …}",
                    position: value.position)
            }
            return PrincipalSet(entries: [.everyone])
        }
        var entries: [Entry] = []
        for member in try value.orderedMembers(of: element) {
            for (text, position) in try member.value.stringList(of: "\(element).\(member.key)") {
                entries.append(try entry(key: member.key, text, position, keyPosition: SourcePosition(member.keyStart)))
            }
        }
        return PrincipalSet(entries: entries)
    }

    private static func entry(key: String, _ text: String, _ position: SourcePosition, keyPosition: SourcePosition) throws(PolicyError) -> Entry {
        if text != "*", text.contains("*") || text.contains("?") {
            throw PolicyError(
                code: "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                message: "Invalid principal in policy: \"\(key)\":\"\(text)\" (wildcards are allowed only as a lone \"*\")",
                position: position)
        }
        switch key {
        case "AWS": return try awsEntry(text, position)
        case "Service", "Federated", "CanonicalUser":
            guard !text.isEmpty, text != "*" else { throw invalid(key, text, position) }
            switch key {
            case "Service": return .service(text)
            case "Federated": return .federated(text)
            default: return .canonicalUser(text)
            }
        default:
            throw PolicyError(
                code: "INVALID_PRINCIPAL_KEY",
                message: "Invalid principal in policy: unknown principal type \"\(key)\" (use AWS, Service, Federated or CanonicalUser)",
                position: keyPosition)
        }
    }

    private static func awsEntry(_ text: String, _ position: SourcePosition) throws(PolicyError) -> Entry {
        if text == "*" { return .everyone }
        if text.utf8.count == 12, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return .account(text)
        }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, parts[3].isEmpty,
            parts[4].utf8.count == 12, parts[4].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { throw invalid("AWS", text, position) }
        let account = String(parts[4])
        let resource = parts[5]
        switch (parts[2], resource.split(separator: "/", omittingEmptySubsequences: false).first ?? "") {
        case ("iam", "root") where resource == "root": return .account(account)
        case ("iam", "user"): return .exact(text)
        case ("iam", "role"):
            guard let name = resource.split(separator: "/").last, resource.contains("/") else { throw invalid("AWS", text, position) }
            return .role(arn: text, account: account, name: String(name))
        case ("sts", "assumed-role"), ("sts", "federated-user"): return .exact(text)
        default: throw invalid("AWS", text, position)
        }
    }

    private static func invalid(_ key: String, _ text: String, _ position: SourcePosition) -> PolicyError {
        PolicyError(code: "INVALID_PRINCIPAL_FORMAT", message: "Invalid principal in policy: \"\(key)\":\"\(text)\"", position: position)
    }
}
