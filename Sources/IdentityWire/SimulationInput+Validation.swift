extension SimulationInput {
    /// Checks the IAM model's constraints (required members, lengths, patterns, the `MaxItems` range) and that
    /// at least one action is named, as IAM does before it simulates anything.
    public func validate(operation: SimulationOperation) throws(IdentityError) {
        try validate(operation: operation, decodingViolations: [])
    }

    /// `validate(operation:)`, reporting `decodingViolations` (values that did not even decode) after the model's own.
    func validate(operation: SimulationOperation, decodingViolations: [String]) throws(IdentityError) {
        let violations = constraintViolations(operation: operation) + decodingViolations
        guard violations.isEmpty else { throw .validation(violations) }
        guard !actionNames.isEmpty else { throw .invalidInput("The list of action names must not be empty.") }
        // IAM: "This operation does not support using wildcards (*) in an action name."
        if let wildcard = actionNames.first(where: { $0.contains("*") || $0.contains("?") }) {
            throw .invalidInput("Action names cannot contain wildcards: \(wildcard).")
        }
        // IAM: "You can input only one permissions boundary when you pass a policy to this operation."
        if (permissionsBoundaryPolicyInputList?.count ?? 0) > 1 {
            throw .invalidInput("Only one permissions boundary can be simulated at a time.")
        }
        if let resourceOwner, Self.account(ofResourceOwner: resourceOwner) == nil {
            throw .invalidInput("Invalid ResourceOwner \(resourceOwner): give the owning account as arn:aws:iam::ACCOUNT-ID:root.")
        }
    }

    /// The account `ResourceOwner` names: IAM documents it as an account's ARN,
    /// `arn:aws:iam::ACCOUNT-ID:root`; a bare 12-digit account ID is read as that account too.
    public static func account(ofResourceOwner owner: String) -> String? {
        let account = owner.hasPrefix("arn:aws:iam::") && owner.hasSuffix(":root")
            ? owner.dropFirst("arn:aws:iam::".count).dropLast(":root".count) : Substring(owner)
        return account.count == 12 && account.allSatisfy({ ("0"..."9").contains($0) }) ? String(account) : nil
    }

    /// The model's constraint violations, in member order, as `Value … at 'path' failed to satisfy constraint: …`.
    private func constraintViolations(operation: SimulationOperation) -> [String] {
        var check = ConstraintCheck()
        if case .principal(let arn) = operation { check.length(arn, at: "policySourceArn", 20...2048) }
        if let policyInputList {
            check.policies(policyInputList, at: "policyInputList")
        } else if operation == .custom {
            check.violations.append("Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
        }
        if let permissionsBoundaryPolicyInputList {
            check.policies(permissionsBoundaryPolicyInputList, at: "permissionsBoundaryPolicyInputList")
        }
        for (index, name) in actionNames.enumerated() { check.length(name, at: "actionNames.\(index + 1).member", 3...128) }
        for (index, arn) in (resourceArns ?? []).enumerated() {
            check.length(arn, at: "resourceArns.\(index + 1).member", 1...2048)
        }
        if let resourcePolicy { check.policy(resourcePolicy, at: "resourcePolicy") }
        if let resourceOwner { check.length(resourceOwner, at: "resourceOwner", 1...2048) }
        if let callerArn { check.length(callerArn, at: "callerArn", 1...2048) }
        for (index, entry) in (contextEntries ?? []).enumerated() {
            if let name = entry.contextKeyName {
                check.length(name, at: "contextEntries.\(index + 1).member.contextKeyName", 5...256)
            }
        }
        if let resourceHandlingOption { check.length(resourceHandlingOption, at: "resourceHandlingOption", 1...64) }
        check.paging(maxItems: maxItems, marker: marker)
        return check.violations
    }
}

/// The simulation's own constraint: policy documents.
extension ConstraintCheck {
    mutating func policies(_ documents: [String], at path: String) {
        for (index, document) in documents.enumerated() { policy(document, at: "\(path).\(index + 1).member") }
    }

    /// Policy documents are checked like any string but, being long, are not echoed back.
    mutating func policy(_ document: String, at path: String) {
        length(document, at: path, 1...131_072, quoted: false)
        pattern(
            document, at: path, quoted: false, allowed: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20...0xFF).contains($0) },
            shown: #"[\u0009\u000A\u000D\u0020-\u00FF]+"#)
    }
}
