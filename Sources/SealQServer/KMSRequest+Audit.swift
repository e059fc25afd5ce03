import KMSWire
import WireFormat

extension KMSRequest {
    /// The call's CloudTrail `requestParameters`: the keys, contexts, specs, policies and grants
    /// it named, never a plaintext, message, MAC or grant token (nil for calls without such
    /// parameters).
    var auditParameters: OutputNode? {
        func context(_ pairs: KMSEncryptionContext) -> OutputNode {
            .structure(pairs.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value)) })
        }
        var parameters: [(String, OutputNode)] = []
        func add(_ name: String, _ value: String?) { if let value { parameters.append((name, .text(value))) } }
        func add(_ name: String, context pairs: KMSEncryptionContext) { if !pairs.isEmpty { parameters.append((name, context(pairs))) } }
        switch self {
        case .encrypt(let input):
            add("keyId", input.keyId)
            add("encryptionContext", context: input.encryptionContext)
            add("encryptionAlgorithm", (input.encryptionAlgorithm ?? .symmetricDefault).rawValue)
        case .decrypt(let input):
            add("keyId", input.keyId)
            add("encryptionContext", context: input.encryptionContext)
            add("encryptionAlgorithm", (input.encryptionAlgorithm ?? .symmetricDefault).rawValue)
        case .reEncrypt(let input):
            add("sourceKeyId", input.sourceKeyId)
            add("destinationKeyId", input.destinationKeyId)
            add("sourceEncryptionContext", context: input.sourceEncryptionContext)
            add("destinationEncryptionContext", context: input.destinationEncryptionContext)
        case .generateDataKey(let input), .generateDataKeyWithoutPlaintext(let input):
            add("keyId", input.keyId)
            add("encryptionContext", context: input.encryptionContext)
            switch input.length {
            case .keySpec(let spec): add("keySpec", spec.rawValue)
            case .numberOfBytes(let count): parameters.append(("numberOfBytes", .number(Int64(count))))
            }
        case .generateMac(let input): add("keyId", input.keyId); add("macAlgorithm", input.macAlgorithm.rawValue)
        case .verifyMac(let input): add("keyId", input.keyId); add("macAlgorithm", input.macAlgorithm.rawValue)
        case .describeKey(let keyId, _), .enableKey(let keyId), .disableKey(let keyId), .cancelKeyDeletion(let keyId),
            .disableKeyRotation(let keyId), .getKeyRotationStatus(let keyId), .rotateKeyOnDemand(let keyId),
            .getKeyPolicy(let keyId, _), .listKeyPolicies(let keyId, _), .listResourceTags(let keyId, _), .untagResource(let keyId, _),
            .tagResource(let keyId, _), .listKeyRotations(let keyId, _, _), .enableKeyRotation(let keyId, _):
            add("keyId", keyId)
        case .scheduleKeyDeletion(let keyId, let days):
            add("keyId", keyId)
            if let days { parameters.append(("pendingWindowInDays", .number(Int64(days)))) }
        case .createAlias(let name, let target), .updateAlias(let name, let target):
            add("aliasName", name)
            add("targetKeyId", target)
        case .deleteAlias(let name): add("aliasName", name)
        case .updateKeyDescription(let keyId, let description):
            add("keyId", keyId)
            add("description", description)
        case .createKey(let input):
            add("description", input.description)
            add("keySpec", (input.keySpec ?? .symmetricDefault).rawValue)
            add("keyUsage", input.keyUsage?.rawValue)
            add("policy", input.policy)
            if input.bypassPolicyLockoutSafetyCheck { parameters.append(("bypassPolicyLockoutSafetyCheck", .boolean(true))) }
            if !input.tags.isEmpty {
                parameters.append(("tags", .list(itemName: "", input.tags.map { .structure([("tagKey", .text($0.key)), ("tagValue", .text($0.value))]) })))
            }
        case .putKeyPolicy(let input):
            add("keyId", input.keyId)
            add("policyName", input.policyName ?? "default")
            add("policy", input.policy)
            parameters.append(("bypassPolicyLockoutSafetyCheck", .boolean(input.bypassPolicyLockoutSafetyCheck)))
        case .createGrant(let input):
            // Who was granted what: the grant token it answers is a credential, and stays out.
            add("keyId", input.keyId)
            add("granteePrincipal", input.granteePrincipal)
            add("retiringPrincipal", input.retiringPrincipal)
            parameters.append(("operations", .list(itemName: "", input.operations.map { .text($0.rawValue) })))
            if let constraints = input.constraints {
                var members: [(String, OutputNode)] = []
                if let subset = constraints.encryptionContextSubset { members.append(("encryptionContextSubset", context(subset))) }
                if let equals = constraints.encryptionContextEquals { members.append(("encryptionContextEquals", context(equals))) }
                parameters.append(("constraints", .structure(members)))
            }
            add("name", input.name)
        case .retireGrant(let input):
            add("keyId", input.keyId)
            add("grantId", input.grantId)
        case .revokeGrant(let keyId, let grantId, _):
            add("keyId", keyId)
            add("grantId", grantId)
        case .listGrants(let input):
            add("keyId", input.keyId)
            add("grantId", input.grantId)
            add("granteePrincipal", input.granteePrincipal)
        case .listRetirableGrants(let retiringPrincipal, _):
            add("retiringPrincipal", retiringPrincipal)
        default: return nil
        }
        return parameters.isEmpty ? nil : .structure(parameters)
    }

    /// Whether the call encrypts or decrypts with a key's material (its record names which).
    var usesKeyMaterial: Bool {
        switch self {
        case .encrypt, .decrypt, .reEncrypt, .generateDataKey, .generateDataKeyWithoutPlaintext: true
        default: false
        }
    }

    /// Whether the caller asked only to check its permissions (`DryRun`).
    var isDryRun: Bool {
        switch self {
        case .encrypt(let input): input.dryRun
        case .decrypt(let input): input.dryRun
        case .reEncrypt(let input): input.dryRun
        case .generateDataKey(let input), .generateDataKeyWithoutPlaintext(let input): input.dryRun
        case .generateMac(let input): input.dryRun
        case .verifyMac(let input): input.dryRun
        case .createGrant(let input): input.dryRun
        case .revokeGrant(_, _, let dryRun): dryRun
        case .retireGrant(let input): input.dryRun
        default: false
        }
    }
}
