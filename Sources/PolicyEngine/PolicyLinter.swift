import WireJSON

/// The best-practice and quota checks of `PolicyValidator`, over located JSON. Tolerant: it
/// reads whatever parts of the document have the expected shape and skips the rest (the
/// compiler reports grammar errors).
struct PolicyLinter {
    let kind: PolicyKind
    let quotas: PolicyQuotas?
    /// Every action of the services whose actions are all known, by lowercased service prefix.
    let knownActions: [String: Set<String>]
    private(set) var findings: [ValidationFinding] = []
    private var sids: Set<String> = []
    private var principalCount = 0
    private var conditionCount = 0
    private var variablesEnabled = false

    init(kind: PolicyKind, quotas: PolicyQuotas?, knownActions: [String: Set<String>] = [:]) {
        self.kind = kind
        self.quotas = quotas
        self.knownActions = knownActions
    }

    mutating func lint(_ document: LocatedJSON, text: String) {
        checkSize(text, at: document.position)
        guard case .object(let members) = document.value else { return }
        let version = members.first { $0.key == "Version" }
        if version == nil {
            add(.warning, "MISSING_VERSION", "Add \"Version\": \"2012-10-17\" to the policy: without it policy variables are read as literal text.", document.position)
        }
        if case .string(let text)? = version?.value.value { variablesEnabled = text == Policy.variablesVersion }
        guard let statement = members.first(where: { $0.key == "Statement" }) else { return }
        var statements: [LocatedJSON] = []
        switch statement.value.value {
        case .object: statements = [statement.value]
        case .array(let items): statements = items
        default: return
        }
        if let maximum = quotas?.maximumStatements, statements.count > maximum {
            add(
                .error, "STATEMENT_QUOTA_EXCEEDED", "\(statements.count) statements were found in the submitted policy, max allowed is \(maximum).",
                statements[maximum].position)
        }
        for statement in statements {
            if case .object(let members) = statement.value { lintStatement(members) }
        }
    }

    private mutating func checkSize(_ text: String, at position: SourcePosition) {
        if let maximum = quotas?.maximumBytes, text.utf8.count > maximum {
            add(.error, "POLICY_SIZE_EXCEEDED", "The policy is \(text.utf8.count) bytes; at most \(maximum) are allowed.", position)
        }
        if let maximum = quotas?.maximumNonWhitespaceCharacters {
            let count = text.unicodeScalars.count { !$0.properties.isWhitespace }
            if count > maximum {
                add(.error, "POLICY_SIZE_EXCEEDED", "The policy has \(count) characters besides whitespace; at most \(maximum) are allowed.", position)
            }
        }
    }

    private mutating func lintStatement(_ members: [LocatedJSON.Member]) {
        let element = Dictionary(members.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        if case .string(let sid)? = element["Sid"]?.value.value {
            if !sids.insert(sid).inserted {
                add(.error, "UNIQUE_SIDS_REQUIRED", "Duplicate Sid \"\(sid)\": statement ids must be unique within a policy.", element["Sid"]!.value.position)
            }
            // IAM's own policies take letters and digits only; resource policies (SQS's) take more.
            if kind == .identity, !sid.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }) {
                add(.error, "INVALID_SID", "Sid \"\(sid)\" is not valid: IAM statement ids may hold only letters and digits ([0-9A-Za-z]*).", element["Sid"]!.value.position)
            }
        }
        if case .string("Allow")? = element["Effect"]?.value.value, let notPrincipal = element["NotPrincipal"] {
            // IAM: "Using it with "Effect":"Allow" is not supported"; SQS and KMS refuse such a policy.
            add(
                kind == .resource ? .error : .securityWarning, "ALLOW_WITH_NOT_PRINCIPAL",
                "NotPrincipal must be used with \"Effect\":\"Deny\": Allow with NotPrincipal would grant access to every principal not listed, anonymous callers included, and SQS and KMS refuse it. List the principals in Principal instead.",
                SourcePosition(notPrincipal.keyStart))
        }
        for name in ["Action", "NotAction"] {
            guard let member = element[name] else { continue }
            let count = emptyArrayCheck(member, code: "EMPTY_ARRAY_ACTION")
            if let maximum = quotas?.maximumActionsPerStatement, count > maximum {
                add(
                    .error, "ACTION_QUOTA_EXCEEDED", "\(count) actions were found in a statement from the submitted policy, max allowed is \(maximum).",
                    SourcePosition(member.keyStart))
            }
            for value in strings(member.value) { checkActionExists(value) }
        }
        for name in ["Resource", "NotResource"] {
            guard let member = element[name] else { continue }
            _ = emptyArrayCheck(member, code: "EMPTY_ARRAY_RESOURCE")
            for value in strings(member.value) {
                checkVariables(value)
                checkVariableSegments(value)
                checkPartition(value)
            }
        }
        for name in ["Principal", "NotPrincipal"] {
            guard let member = element[name] else { continue }
            lintPrincipal(member)
        }
        if let condition = element["Condition"] { lintCondition(condition) }
    }

    private mutating func lintPrincipal(_ member: LocatedJSON.Member) {
        var named: [LocatedJSON] = []
        switch member.value.value {
        case .string: named = [member.value]
        case .object(let types):
            if types.isEmpty { add(.suggestion, "EMPTY_OBJECT_PRINCIPAL", "\(member.key) is an empty object: it names no principal.", member.value.position) }
            for type in types {
                if case .array(let items) = type.value.value, items.isEmpty {
                    add(.suggestion, "EMPTY_ARRAY_PRINCIPAL", "\(member.key).\(type.key) is an empty array: remove it.", type.value.position)
                }
                named += strings(type.value)
            }
        default: return
        }
        for value in named {
            principalCount += 1
            if let maximum = quotas?.maximumPrincipals, principalCount == maximum + 1 {
                add(.error, "PRINCIPAL_QUOTA_EXCEEDED", "The policy names more than \(maximum) principals.", value.position)
            }
        }
    }

    private mutating func lintCondition(_ member: LocatedJSON.Member) {
        guard case .object(let operators) = member.value.value else { return }
        if operators.isEmpty { add(.suggestion, "EMPTY_OBJECT_CONDITION", "Condition is an empty object: remove it.", member.value.position) }
        for operatorMember in operators {
            guard case .object(let keys) = operatorMember.value.value else { continue }
            let op = ConditionOperator(operatorMember.key)
            for keyMember in keys {
                lintConditionKey(keyMember, operator: op)
            }
        }
    }

    private mutating func lintConditionKey(_ keyMember: LocatedJSON.Member, operator op: ConditionOperator?) {
        conditionCount += 1
        if let maximum = quotas?.maximumConditions, conditionCount == maximum + 1 {
            add(.error, "CONDITION_QUOTA_EXCEEDED", "The policy has more than \(maximum) conditions.", SourcePosition(keyMember.keyStart))
        }
        if case .array(let items) = keyMember.value.value, items.isEmpty {
            add(.suggestion, "EMPTY_ARRAY_CONDITION", "Condition key \(keyMember.key) has an empty array of values.", keyMember.value.position)
        }
        let key = keyMember.key.lowercased()
        if key.hasPrefix("aws:"), !ConditionKeyCatalog.isGlobalKey(key) {
            add(.warning, "UNKNOWN_GLOBAL_CONDITION_KEY", "\(keyMember.key) is not one of IAM's global condition keys: no request carries it, so the condition is tested against a missing key. Check its spelling.", SourcePosition(keyMember.keyStart))
        }
        guard let op else { return }
        if op.qualifier == .forAllValues, ConditionKeyCatalog.isSingleValued(keyMember.key) {
            add(.securityWarning, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", "Using ForAllValues qualifier with the single-valued condition key \(keyMember.key) can be overly permissive (it holds when the key is absent). Remove ForAllValues:.", SourcePosition(keyMember.keyStart))
        }
        for value in strings(keyMember.value) {
            if op.base.takesVariables { checkVariables(value) }
            checkEqualsWildcard(value, op)
        }
    }

    /// `StringEquals` and friends compare `*` and `?` literally; `ArnEquals` treats them as
    /// wildcards just as `ArnLike` does. Either way the intent reads better with a `…Like` operator.
    private mutating func checkEqualsWildcard(_ value: LocatedJSON, _ op: ConditionOperator) {
        guard case .string(let text) = value.value else { return }
        let unescaped = variablesEnabled ? text.replacing("${*}", with: "").replacing("${?}", with: "") : text
        guard unescaped.contains("*") || unescaped.contains("?") else { return }
        switch op.base {
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            add(.warning, "WILDCARD_WITHOUT_LIKE_OPERATOR", "\(op.text) compares \"\(text)\" literally: * and ? are not wildcards here. Use StringLike (or StringNotLike) to match a pattern.", value.position)
        case .arnEquals, .arnNotEquals:
            add(.warning, "WILDCARD_WITHOUT_LIKE_OPERATOR", "\(op.text) value \"\(text)\" holds a wildcard; use ArnLike (or ArnNotLike) to say so.", value.position)
        default: break
        }
    }

    /// An action of a service whose actions are all known must name (or, with wildcards, match)
    /// one; an action of a service SealQ does not serve is pointed out (it matches no call here).
    private mutating func checkActionExists(_ value: LocatedJSON) {
        guard case .string(let text) = value.value else { return }
        let parts = text.lowercased().split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !knownActions.isEmpty else { return }
        let service = String(parts[0])
        guard let actions = knownActions[service] else {
            if !service.contains("*") && !service.contains("?") && !Self.servedWithoutActionList.contains(service) {
                add(.suggestion, "SERVICE_NOT_SERVED", "SealQ serves no \(parts[0]) actions, so \(text) matches no call here; check the service prefix if you meant one of \(servedServices).", value.position)
            }
            return
        }
        let pattern = WildcardPattern(glob: String(parts[1]))
        guard !actions.contains(where: { pattern.matches($0) }) else { return }
        add(.error, "INVALID_ACTION", "The action \(text) does not exist: no \(parts[0]) action matches it.", value.position)
    }

    /// Services SealQ answers whose action lists the linter is not given (IAM and STS have many
    /// actions SealQ does not serve; policies name them all the same).
    private static let servedWithoutActionList: Set<String> = ["iam", "sts", "cloudtrail"]
    private var servedServices: String {
        (Set(knownActions.keys).union(Self.servedWithoutActionList)).sorted().joined(separator: ", ")
    }

    /// AWS's partitions: an ARN naming another matches no resource anywhere.
    private static let partitions: Set<String> = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]

    /// A resource ARN's partition must be one of AWS's (wildcards and variables aside).
    private mutating func checkPartition(_ value: LocatedJSON) {
        guard case .string(let text) = value.value, text.hasPrefix("arn:") else { return }
        let partition = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)[1]
        guard !partition.contains("*"), !partition.contains("?"), !partition.contains("${"), !Self.partitions.contains(String(partition)) else { return }
        add(.error, "INVALID_PARTITION", "\"\(text)\" names the partition \"\(partition)\", which is not one of AWS's (\(Self.partitions.sorted().joined(separator: ", "))).", value.position)
    }

    /// Policy variables are plain text unless the policy declares Version 2012-10-17.
    private mutating func checkVariables(_ value: LocatedJSON) {
        guard !variablesEnabled, case .string(let text) = value.value, text.contains("${") else { return }
        add(.error, "VARIABLE_UNSUPPORTED_IN_VERSION", "\"\(text)\" holds a policy variable, but variables need \"Version\": \"2012-10-17\"; under this version it is literal text.", value.position)
    }

    /// IAM substitutes variables only in an ARN's resource part: "You can't use a variable to
    /// replace parts of the ARN before the fifth colon, such as the service or account."
    private mutating func checkVariableSegments(_ value: LocatedJSON) {
        guard variablesEnabled, case .string(let text) = value.value else { return }
        let segments = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard segments.count == 6, segments.prefix(5).contains(where: { $0.contains("${") }) else { return }
        add(.warning, "VARIABLE_BEFORE_RESOURCE", "\"\(text)\" holds a policy variable before its fifth colon; IAM documents variables only in the resource part of an ARN, so do not count on it being substituted there.", value.position)
    }

    /// Counts the entries of an element and suggests removing an empty array.
    private mutating func emptyArrayCheck(_ member: LocatedJSON.Member, code: String) -> Int {
        guard case .array(let items) = member.value.value else { return 1 }
        if items.isEmpty { add(.suggestion, code, "\(member.key) is an empty array: the statement matches nothing.", member.value.position) }
        return items.count
    }

    /// The string values of a scalar or array.
    private func strings(_ value: LocatedJSON) -> [LocatedJSON] {
        switch value.value {
        case .string: [value]
        case .array(let items): items.filter { if case .string = $0.value { true } else { false } }
        default: []
        }
    }

    private mutating func add(_ severity: ValidationFinding.Severity, _ code: String, _ message: String, _ position: SourcePosition) {
        findings.append(ValidationFinding(severity: severity, code: code, message: message, position: position))
    }
}
