import WireJSON

/// Reading policy elements out of located JSON, with errors that point at the offending text.
extension LocatedJSON {
    /// Where the value starts.
    var position: SourcePosition { SourcePosition(start) }

    /// The members of an object by key, refusing duplicates; `element` names the object in messages.
    func uniqueMembers(of element: String) throws(PolicyError) -> [String: Member] {
        guard case .object(let members) = value else {
            throw PolicyError(
                code: "DATA_TYPE_MISMATCH", message: "\(element) must be an object, not \(typeName)", position: position)
        }
        var byKey: [String: Member] = [:]
        for member in members {
            guard byKey[member.key] == nil else {
                throw PolicyError(
                    code: "JSON_SYNTAX_ERROR", message: "Duplicate key '\(member.key)' in \(element)",
                    position: SourcePosition(member.keyStart))
            }
            byKey[member.key] = member
        }
        return byKey
    }

    /// The object's members in document order; `element` names the object in messages.
    func orderedMembers(of element: String) throws(PolicyError) -> [Member] {
        guard case .object(let members) = value else {
            throw PolicyError(
                code: "DATA_TYPE_MISMATCH", message: "\(element) must be an object, not \(typeName)", position: position)
        }
        return members
    }

    /// A string, or an array of strings, with each string's position.
    func stringList(of element: String) throws(PolicyError) -> [(text: String, position: SourcePosition)] {
        switch value {
        case .string(let text): return [(text, position)]
        case .array(let items):
            var strings: [(text: String, position: SourcePosition)] = []
            for item in items {
                guard case .string(let text) = item.value else {
                    throw PolicyError(
                        code: "DATA_TYPE_MISMATCH", message: "\(element) must hold strings, not \(item.typeName)",
                        position: item.position)
                }
                strings.append((text, item.position))
            }
            return strings
        default:
            throw PolicyError(
                code: "DATA_TYPE_MISMATCH", message: "\(element) must be a string or an array of strings, not \(typeName)",
                position: position)
        }
    }

    /// A scalar condition value as text: strings as they are, numbers as written, booleans as `true`/`false`.
    func conditionScalar(of element: String) throws(PolicyError) -> String {
        switch value {
        case .string(let text): return text
        case .number(_, let literal): return literal
        case .bool(let flag): return flag ? "true" : "false"
        default:
            throw PolicyError(
                code: "DATA_TYPE_MISMATCH",
                message: "Condition value for \(element) must be a string, number or boolean, not \(typeName)",
                position: position)
        }
    }
}
