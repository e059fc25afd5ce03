import WireJSON

/// One compiled test of a `Condition` block: an operator applied to one key with its values,
/// such as `"StringLike": {"aws:PrincipalTag/team": ["red-*", "blue"]}`.
struct Condition: Sendable {
    /// The policy values, compiled for the operator's family.
    enum Operands: Sendable {
        case strings([StringOperand])
        case patterns([TemplatedOperand<WildcardPattern>])
        case arns([TemplatedOperand<ArnPattern>])
        case numbers([Double])
        case dates([Double])
        case booleans([Bool])
        case binaries([[UInt8]])
        case networks([IPNetwork])
    }

    let `operator`: ConditionOperator
    /// The key as written.
    let keyName: String
    /// The key lowercased, for lookup.
    let key: String
    let operands: Operands
    /// The policy values as written (after JSON: numbers as their literal text).
    let valueTexts: [String]
    /// Whether any operand holds a policy variable.
    let hasVariables: Bool
    /// Where the key is written.
    let position: SourcePosition

    /// Whether the condition holds for `context`.
    func holds(in context: ConditionContext) -> Bool {
        let requestValues = context.values(lowercasedKey: key)
        if `operator`.base == .null {
            guard case .booleans(let expectAbsent) = operands else { return false }
            let absent = requestValues?.isEmpty ?? true
            return expectAbsent.contains(absent)
        }
        let operands = resolvedOperands(in: context)
        let negated = `operator`.base.isNegated
        switch `operator`.qualifier {
        case nil:
            guard let requestValues else { return `operator`.ifExists || negated }
            let anyMatch = requestValues.contains { matches($0, operands) }
            return negated ? !anyMatch : anyMatch
        case .forAllValues:
            guard let requestValues, !requestValues.isEmpty else { return true }
            return requestValues.allSatisfy { negated != matches($0, operands) }
        case .forAnyValue:
            guard let requestValues else { return `operator`.ifExists }
            return requestValues.contains { negated != matches($0, operands) }
        }
    }

    /// What the condition compared and how it came out, for explanations.
    func explain(in context: ConditionContext) -> ConditionExplanation {
        let requestValues = context.values(lowercasedKey: key)
        let policyValues: [String] =
            switch operands {
            case .strings(let operands): operands.map { $0.template.displayString(in: context) }
            case .patterns(let operands): operands.map { $0.template.displayString(in: context) }
            case .arns(let operands): operands.map { $0.template.displayString(in: context) }
            default: valueTexts
            }
        return ConditionExplanation(
            operator: `operator`.text, key: keyName, keyPresent: requestValues != nil, requestValues: requestValues ?? [],
            policyValues: policyValues, result: holds(in: context))
    }

    /// The operands with policy variables substituted. A value whose variable has no value is
    /// left out: IAM takes it as null, which nothing equals or is like, so it matches no request
    /// value and a negated operator (`StringNotEquals`) holds against it.
    private func resolvedOperands(in context: ConditionContext) -> Operands {
        guard hasVariables else { return operands }
        switch operands {
        case .strings(let operands):
            return .strings(operands.compactMap { operand in
                operand.template.resolvedString(in: context).map { StringOperand(template: operand.template, value: $0) }
            })
        case .patterns(let operands):
            return .patterns(operands.compactMap { operand in
                operand.template.resolvedElements(in: context).map {
                    TemplatedOperand(template: operand.template, compiled: WildcardPattern(elements: $0))
                }
            })
        case .arns(let operands):
            return .arns(operands.compactMap { operand in
                operand.template.resolvedElements(in: context).map {
                    TemplatedOperand(template: operand.template, compiled: ArnPattern(elements: $0))
                }
            })
        default:
            return operands
        }
    }

    /// Whether one request value matches any policy value under the operator's positive form
    /// (`StringNotEquals` is tested as `StringEquals` and negated by the caller).
    private func matches(_ value: String, _ operands: Operands) -> Bool {
        switch operands {
        case .strings(let operands):
            switch `operator`.base {
            case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
                return operands.contains { CaseFolding.equal(value, lowercased: $0.lowercasedValue) }
            default:
                // Byte for byte, as IAM compares: Swift's == would also equate canonically
                // equivalent texts (a Kelvin sign and K, composed and decomposed accents).
                return operands.contains { $0.value.utf8.elementsEqual(value.utf8) }
            }
        case .patterns(let operands):
            return operands.contains { $0.compiled?.matches(value) ?? false }
        case .arns(let operands):
            let arn = ArnText(value)
            return operands.contains { $0.compiled?.matches(arn) ?? false }
        case .numbers(let numbers):
            guard let number = DecimalNumber.parse(value) else { return false }
            return numbers.contains { compare(number, $0) }
        case .dates(let dates):
            guard let date = PolicyDate.parse(value) else { return false }
            return dates.contains { compare(date, $0) }
        case .booleans(let booleans):
            switch value.lowercased() {
            case "true": return booleans.contains(true)
            case "false": return booleans.contains(false)
            default: return false
            }
        case .binaries(let binaries):
            guard let bytes = Base64.decode(value) else { return false }
            return binaries.contains(bytes)
        case .networks(let networks):
            return networks.contains { $0.contains(value) }
        }
    }

    /// The ordering test of a numeric or date operator: request value on the left.
    private func compare(_ request: Double, _ policy: Double) -> Bool {
        switch `operator`.base {
        case .numericLessThan, .dateLessThan: request < policy
        case .numericLessThanEquals, .dateLessThanEquals: request <= policy
        case .numericGreaterThan, .dateGreaterThan: request > policy
        case .numericGreaterThanEquals, .dateGreaterThanEquals: request >= policy
        default: request == policy
        }
    }
}

/// A string policy value, resolved once at parse time when it holds no variables.
struct StringOperand: Sendable {
    let template: PolicyTemplate
    /// The value (with variables substituted), and its lowercase form for `…IgnoreCase`.
    let value: String
    let lowercasedValue: String

    init(template: PolicyTemplate, value: String) {
        self.template = template
        self.value = value
        self.lowercasedValue = value.lowercased()
    }
}

/// A pattern policy value: compiled at parse time when it holds no variables, else per request.
struct TemplatedOperand<Compiled: Sendable>: Sendable {
    let template: PolicyTemplate
    let compiled: Compiled?
}
