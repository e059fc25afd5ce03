import WireJSON

/// Turns a policy's text into a `Policy`, checking the IAM grammar element by element.
enum PolicyCompiler {
    /// Documents larger than this are refused outright, whatever quotas the caller applies later.
    static let maximumBytes = 262_144

    static let documentElements: Set<String> = ["Version", "Id", "Statement"]
    static let statementElements: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]

    static func compile(_ text: String, kind: PolicyKind, id: String) throws(PolicyError) -> Policy {
        try compile(try document(text), text: text, kind: kind, id: id)
    }

    /// The located JSON of `text`, with JSON errors as `JSON_SYNTAX_ERROR`.
    static func document(_ text: String) throws(PolicyError) -> LocatedJSON {
        let bytes = Array(text.utf8)
        guard bytes.count <= maximumBytes else {
            throw PolicyError(
                code: "POLICY_SIZE_EXCEEDED", message: "Policy document is \(bytes.count) bytes; at most \(maximumBytes) are read",
                position: nil)
        }
        do {
            return try JSONParser.parseLocated(bytes)
        } catch {
            throw PolicyError(code: "JSON_SYNTAX_ERROR", message: "Syntax error: \(error.reason)", position: SourcePosition(error.location))
        }
    }

    static func compile(_ document: LocatedJSON, text: String, kind: PolicyKind, id: String) throws(PolicyError) -> Policy {
        let members = try document.uniqueMembers(of: "The policy document")
        for member in try document.orderedMembers(of: "The policy document") where !documentElements.contains(member.key) {
            throw PolicyError(
                code: "INVALID_POLICY_ELEMENT", message: "Unknown field \(member.key) in the policy document",
                position: SourcePosition(member.keyStart))
        }
        var version: String?
        if let member = members["Version"] {
            guard case .string(let text) = member.value.value, Policy.knownVersions.contains(text) else {
                throw PolicyError(
                    code: "INVALID_VERSION", message: "Version must be \"2012-10-17\" or \"2008-10-17\"",
                    position: member.value.position)
            }
            version = text
        }
        if let member = members["Id"] {
            guard case .string = member.value.value else {
                throw PolicyError(code: "DATA_TYPE_MISMATCH", message: "Id must be a string", position: member.value.position)
            }
        }
        guard let statementMember = members["Statement"] else {
            throw PolicyError(code: "MISSING_STATEMENT", message: "Missing required field Statement", position: document.position)
        }
        var statementValues: [LocatedJSON]
        switch statementMember.value.value {
        case .object: statementValues = [statementMember.value]
        case .array(let items): statementValues = items
        default:
            throw PolicyError(
                code: "DATA_TYPE_MISMATCH", message: "Statement must be an object or an array of objects",
                position: statementMember.value.position)
        }
        let variables = version == Policy.variablesVersion
        var statements: [Statement] = []
        for (index, value) in statementValues.enumerated() {
            statements.append(try statement(value, index: index, kind: kind, variables: variables))
        }
        return Policy(id: id, kind: kind, version: version, statements: statements, text: text)
    }

    private static func statement(_ value: LocatedJSON, index: Int, kind: PolicyKind, variables: Bool) throws(PolicyError) -> Statement {
        let members = try value.uniqueMembers(of: "Statement")
        for member in try value.orderedMembers(of: "Statement") where !statementElements.contains(member.key) {
            throw PolicyError(
                code: "INVALID_POLICY_ELEMENT", message: "Unknown field \(member.key) in statement",
                position: SourcePosition(member.keyStart))
        }
        var sid: String?
        if let member = members["Sid"] {
            guard case .string(let text) = member.value.value else {
                throw PolicyError(code: "DATA_TYPE_MISMATCH", message: "Sid must be a string", position: member.value.position)
            }
            sid = text
        }
        guard let effectMember = members["Effect"] else {
            throw PolicyError(code: "MISSING_EFFECT", message: "Missing required field Effect", position: value.position)
        }
        guard case .string(let effectText) = effectMember.value.value, let effect = Effect(rawValue: effectText) else {
            throw PolicyError(
                code: "INVALID_EFFECT", message: "Invalid effect: Effect must be \"Allow\" or \"Deny\"",
                position: effectMember.value.position)
        }
        let (actionMember, actionsNegated) = try oneOf("Action", "NotAction", in: members, statement: value, missing: "MISSING_ACTION")
        let (resourceMember, resourcesNegated) = try oneOf(
            "Resource", "NotResource", in: members, statement: value, missing: "MISSING_RESOURCE")
        let principals = try principalSet(members, kind: kind, statement: value)
        let actions = try ActionSet.compile(actionMember.value, element: actionMember.key)
        let resources = try ResourceSet.compile(resourceMember.value, element: resourceMember.key, variables: variables)
        var conditions: [Condition] = []
        if let conditionMember = members["Condition"] {
            for operatorMember in try conditionMember.value.orderedMembers(of: "Condition") {
                var seenKeys: Set<String> = []
                for keyMember in try operatorMember.value.orderedMembers(of: "Condition operator \(operatorMember.key)") {
                    guard seenKeys.insert(keyMember.key.lowercased()).inserted else {
                        throw PolicyError(
                            code: "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
                            message: "Condition key \(keyMember.key) appears twice under \(operatorMember.key)",
                            position: SourcePosition(keyMember.keyStart))
                    }
                    conditions.append(try Condition.compile(operator: operatorMember, key: keyMember, variables: variables))
                }
            }
        }
        return Statement(
            sid: sid, effect: effect, index: index, start: value.position, end: SourcePosition(value.end), actions: actions,
            actionsNegated: actionsNegated, resources: resources, resourcesNegated: resourcesNegated,
            principals: principals?.set, principalsNegated: principals?.negated ?? false, conditions: conditions,
            referencedKeys: referencedKeys(conditions, resources), readKeys: readKeys(conditions, resources))
    }

    /// Exactly one of `name` and `negatedName`: the member and whether it was the negated one.
    private static func oneOf(
        _ name: String, _ negatedName: String, in members: [String: LocatedJSON.Member], statement: LocatedJSON, missing: String
    ) throws(PolicyError) -> (LocatedJSON.Member, Bool) {
        switch (members[name], members[negatedName]) {
        case (let member?, nil): return (member, false)
        case (nil, let member?): return (member, true)
        case (_, let member?):
            throw PolicyError(
                code: "UNSUPPORTED_ELEMENT_COMBINATION", message: "Statement must not contain both \(name) and \(negatedName)",
                position: SourcePosition(member.keyStart))
        case (nil, nil):
            let noun = name == "Action" ? "actions" : "resources"
            throw PolicyError(code: missing, message: "Policy statement must contain \(noun).", position: statement.position)
        }
    }

    private static func principalSet(
        _ members: [String: LocatedJSON.Member], kind: PolicyKind, statement: LocatedJSON
    ) throws(PolicyError) -> (set: PrincipalSet, negated: Bool)? {
        let principal = members["Principal"]
        let notPrincipal = members["NotPrincipal"]
        switch kind {
        case .identity:
            if let member = principal ?? notPrincipal {
                throw PolicyError(
                    code: "UNSUPPORTED_PRINCIPAL", message: "Has prohibited field \(member.key)",
                    position: SourcePosition(member.keyStart))
            }
            return nil
        case .resource:
            switch (principal, notPrincipal) {
            case (let member?, nil): return (try PrincipalSet.compile(member.value, element: "Principal"), false)
            case (nil, let member?): return (try PrincipalSet.compile(member.value, element: "NotPrincipal"), true)
            case (_, let member?):
                throw PolicyError(
                    code: "UNSUPPORTED_ELEMENT_COMBINATION", message: "Statement must not contain both Principal and NotPrincipal",
                    position: SourcePosition(member.keyStart))
            case (nil, nil):
                throw PolicyError(code: "MISSING_PRINCIPAL", message: "Missing required field Principal", position: statement.position)
            }
        }
    }

    /// Every key a statement may read, lowercased and unique: its condition keys and every variable
    /// in its condition values and resources, defaults or not.
    private static func readKeys(_ conditions: [Condition], _ resources: ResourceSet) -> [String] {
        let templates = operandTemplates(conditions) + resources.templates
        let keys = conditions.map { $0.keyName.lowercased() } + templates.flatMap(\.lowercasedKeys)
        var seen: Set<String> = []
        return keys.filter { seen.insert($0).inserted }
    }

    /// The keys a statement reads, unique by lowercased name, in first-use order.
    private static func referencedKeys(_ conditions: [Condition], _ resources: ResourceSet) -> [(key: String, name: String)] {
        let names = conditions.map(\.keyName) + (resources.templates + operandTemplates(conditions)).flatMap(\.keysWithoutDefault)
        var seen: Set<String> = []
        return names.compactMap { name in seen.insert(name.lowercased()).inserted ? (name.lowercased(), name) : nil }
    }

    /// The templates of the conditions' values (strings, patterns and ARNs).
    private static func operandTemplates(_ conditions: [Condition]) -> [PolicyTemplate] {
        conditions.flatMap { condition -> [PolicyTemplate] in
            switch condition.operands {
            case .strings(let operands): operands.map(\.template)
            case .patterns(let operands): operands.map(\.template)
            case .arns(let operands): operands.map(\.template)
            default: []
            }
        }
    }
}
