import WireJSON

extension Condition {
    /// Compiles one key of an operator block: `"<operator>": {"<key>": <value or values>}`.
    static func compile(
        operator operatorMember: LocatedJSON.Member, key keyMember: LocatedJSON.Member, variables: Bool
    ) throws(PolicyError) -> Condition {
        guard let op = ConditionOperator(operatorMember.key) else {
            throw PolicyError(
                code: "INVALID_CONDITION_OPERATOR", message: "Invalid Condition type : \(operatorMember.key)",
                position: SourcePosition(operatorMember.keyStart))
        }
        // IAM takes IfExists on every operator but Null, and refuses the policy.
        guard !(op.base == .null && op.ifExists) else {
            throw PolicyError(
                code: "NULL_WITH_IF_EXISTS", message: "Invalid Condition type : \(operatorMember.key) (Null cannot take IfExists; use Null)",
                position: SourcePosition(operatorMember.keyStart))
        }
        let keyName = keyMember.key
        guard !keyName.isEmpty else {
            throw PolicyError(
                code: "INVALID_CONDITION_KEY_FORMAT", message: "Condition key must not be empty",
                position: SourcePosition(keyMember.keyStart))
        }
        var items: [LocatedJSON] = []
        if case .array(let elements) = keyMember.value.value { items = elements } else { items = [keyMember.value] }
        var texts: [(String, SourcePosition)] = []
        for item in items { texts.append((try item.conditionScalar(of: keyName), item.position)) }
        let substitutes = variables && op.base.takesVariables
        let operands = try compileOperands(op, texts, variables: substitutes)
        let hasVariables: Bool =
            switch operands {
            case .strings(let operands): operands.contains { $0.template.hasVariables }
            case .patterns(let operands): operands.contains { $0.template.hasVariables }
            case .arns(let operands): operands.contains { $0.template.hasVariables }
            default: false
            }
        return Condition(
            operator: op, keyName: keyName, key: keyName.lowercased(), operands: operands, valueTexts: texts.map(\.0),
            hasVariables: hasVariables, position: SourcePosition(keyMember.keyStart))
    }

    private static func compileOperands(
        _ op: ConditionOperator, _ texts: [(String, SourcePosition)], variables: Bool
    ) throws(PolicyError) -> Operands {
        switch op.base {
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            var operands: [StringOperand] = []
            for (text, position) in texts {
                let template = try template(text, position, variables: variables)
                // With variables, the value is worked out per request; this one is never read.
                operands.append(StringOperand(template: template, value: template.resolvedString(in: ConditionContext()) ?? ""))
            }
            return .strings(operands)
        case .stringLike, .stringNotLike:
            var operands: [TemplatedOperand<WildcardPattern>] = []
            for (text, position) in texts {
                let template = try template(text, position, variables: variables)
                let fixed = template.hasVariables ? nil : template.resolvedElements(in: ConditionContext()).map(WildcardPattern.init)
                operands.append(TemplatedOperand(template: template, compiled: fixed))
            }
            return .patterns(operands)
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
            var operands: [TemplatedOperand<ArnPattern>] = []
            for (text, position) in texts {
                let template = try template(text, position, variables: variables)
                let fixed = template.hasVariables ? nil : template.resolvedElements(in: ConditionContext()).map(ArnPattern.init)
                operands.append(TemplatedOperand(template: template, compiled: fixed))
            }
            return .arns(operands)
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            return .numbers(try texts.map { (text, position) throws(PolicyError) in
                guard let number = DecimalNumber.parse(text) else { throw mismatch(text, "a number", op, position) }
                return number
            })
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            return .dates(try texts.map { (text, position) throws(PolicyError) in
                guard let date = PolicyDate.parse(text) else {
                    throw mismatch(text, "an ISO 8601 date or epoch seconds", op, position)
                }
                return date
            })
        case .bool, .null:
            return .booleans(try texts.map { (text, position) throws(PolicyError) in
                switch text.lowercased() {
                case "true": return true
                case "false": return false
                default: throw mismatch(text, "true or false", op, position)
                }
            })
        case .binaryEquals:
            return .binaries(try texts.map { (text, position) throws(PolicyError) in
                guard let bytes = Base64.decode(text) else { throw mismatch(text, "base64", op, position) }
                return bytes
            })
        case .ipAddress, .notIpAddress:
            return .networks(try texts.map { (text, position) throws(PolicyError) in
                guard let network = IPNetwork(cidr: text) else { throw mismatch(text, "an IP address or CIDR block", op, position) }
                return network
            })
        }
    }

    private static func template(_ text: String, _ position: SourcePosition, variables: Bool) throws(PolicyError) -> PolicyTemplate {
        do {
            return try PolicyTemplate.parse(text, variables: variables)
        } catch {
            throw PolicyError(code: error.code, message: error.message, position: position)
        }
    }

    private static func mismatch(_ text: String, _ expected: String, _ op: ConditionOperator, _ position: SourcePosition) -> PolicyError {
        PolicyError(
            code: "INVALID_CONDITION_DATA_TYPE", message: "Value '\(text)' for \(op.text) must be \(expected)", position: position)
    }
}
