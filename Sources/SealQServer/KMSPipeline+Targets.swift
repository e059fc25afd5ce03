import KMSWire
import KeyService
import PolicyEngine

/// What each KMS call needs authorized: the checks the pipeline's authorize stage decides.
extension KMSPipeline {
    /// One permission a call needs: an IAM action, on a key or on no resource.
    struct Check {
        var action: String
        var grantOperation: String?
        var key: ManagedKey?
        var context: [String: String] = [:]
        var newGrant: KeyPolicyRule.NewGrant?
        /// A resource other than a key (an alias's ARN), decided by IAM policies alone.
        var resource: String?
        /// Tags the call sets (`aws:RequestTag/KEY`) and the tag keys it names (`aws:TagKeys`).
        var requestTags: [String: String] = [:]
        var tagKeys: [String] = []
        /// Condition keys the call's parameters supply (`kms:EncryptionAlgorithm`, `kms:RequestAlias`, …).
        var requestKeys: [Authorizer.ConditionKey] = []

        /// Adds `kms:EncryptionAlgorithm` when the call names an algorithm.
        func with(algorithm: KMSEncryptionAlgorithm?) -> Check {
            var check = self
            if let algorithm { check.requestKeys.append(("kms:EncryptionAlgorithm", [algorithm.rawValue], .string)) }
            return check
        }
    }

    /// The condition keys of a CreateKey, from what it asks for.
    static func creationKeys(_ input: KMSRequest.CreateKey) -> [Authorizer.ConditionKey] {
        let spec = input.keySpec?.rawValue ?? "SYMMETRIC_DEFAULT"
        return [
            ("kms:KeySpec", [spec], .string),
            ("kms:KeyUsage", [input.keyUsage?.rawValue ?? (spec.hasPrefix("HMAC_") ? "GENERATE_VERIFY_MAC" : "ENCRYPT_DECRYPT")], .string),
            ("kms:KeyOrigin", [input.origin?.rawValue ?? "AWS_KMS"], .string),
            ("kms:MultiRegion", [input.multiRegion == true ? "true" : "false"], .boolean),
            ("kms:BypassPolicyLockoutSafetyCheck", [input.bypassPolicyLockoutSafetyCheck ? "true" : "false"], .boolean),
        ]
    }

    /// The permissions `request` needs: its action on its key (or on no resource), the alias
    /// calls also on the alias, ReEncrypt on both keys, with the condition keys its parameters supply.
    func targets(of request: KMSRequest) throws -> [Check] {
        // kms:RequestAlias is for the calls that may name their key by an alias (cryptographic
        // calls and DescribeKey), not for the alias calls that name the alias they change.
        func on(
            _ identifier: String, _ operation: String? = nil, context: [String: String] = [:], aliases: Bool = true,
            requestAlias: Bool = true
        ) throws -> Check {
            Check(
                action: "kms:\(request.action.rawValue)", grantOperation: operation, key: try keys.resolve(identifier, aliases: aliases),
                context: context, requestKeys: aliases && requestAlias ? KeyPolicyRule.requestAlias(identifier) : [])
        }
        let global = [Check(action: "kms:\(request.action.rawValue)")]
        func onAlias(_ name: String) -> Check {
            Check(action: "kms:\(request.action.rawValue)", resource: keys.aliasArn(name))
        }
        switch request {
        case .createKey(let input):
            // Tagging on creation also needs kms:TagResource, as the model documents.
            let tags = Dictionary(input.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
            let create = Check(action: "kms:CreateKey", requestTags: tags, tagKeys: tags.keys.sorted(), requestKeys: Self.creationKeys(input))
            guard !tags.isEmpty else { return [create] }
            var tag = create
            tag.action = "kms:TagResource"
            return [create, tag]
        case .tagResource(let keyId, let tags):
            var check = try on(keyId, aliases: false)
            check.requestTags = Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
            check.tagKeys = check.requestTags.keys.sorted()
            return [check]
        case .untagResource(let keyId, let keys):
            var check = try on(keyId, aliases: false)
            check.tagKeys = keys
            return [check]
        case .listKeys, .generateRandom, .listRetirableGrants: return global
        case .listAliases(let keyId, _): return try keyId.map { [try on($0, aliases: false)] } ?? global
        case .describeKey(let keyId, _): return [try on(keyId, "DescribeKey")]
        // An alias is a resource of its own: the call needs the action on the alias and on every key
        // it names, old and new, as KMS authorizes it (so no one repoints another team's alias).
        case .createAlias(let name, let target):
            return [onAlias(name), try on(target, aliases: false)]
        case .updateAlias(let name, let target):
            let current = try? on(name, requestAlias: false)  // the key the alias names now
            return [onAlias(name)] + (current.map { [$0] } ?? []) + [try on(target, aliases: false)]
        case .deleteAlias(let name):
            // A malformed name is refused as one, not looked up as a key id.
            try KeyService.checkAliasName(name)
            return [onAlias(name), try on(name, requestAlias: false)]
        case .encrypt(let input): return [try on(input.keyId, "Encrypt", context: input.encryptionContext).with(algorithm: input.encryptionAlgorithm)]
        case .decrypt(let input):
            // A KeyId the caller named that does not exist is NotFoundException; a key only the
            // blob names is not confirmed or denied: KMS's "ciphertext refers to a customer master
            // key that does not exist, … or you are not allowed to access" (AccessDeniedException).
            if let named = input.keyId {
                return [try on(named, "Decrypt", context: input.encryptionContext).with(algorithm: input.encryptionAlgorithm)]
            }
            let keyId = keys.keyIdOfCiphertext(input.ciphertextBlob ?? []) ?? ""
            guard !keyId.isEmpty else { throw KMSError.invalidCiphertext }
            do {
                return [try on(keyId, "Decrypt", context: input.encryptionContext).with(algorithm: input.encryptionAlgorithm)]
            } catch { throw KMSError(KeyServiceError.ciphertextKeyUnavailable) }
        case .reEncrypt(let input):
            let sourceId = input.sourceKeyId ?? keys.keyIdOfCiphertext(input.ciphertextBlob ?? []) ?? ""
            guard !sourceId.isEmpty else { throw KMSError.invalidCiphertext }
            // As for Decrypt: a source key only the blob names is neither confirmed nor denied.
            var from: Check
            do {
                from = try on(sourceId, "ReEncryptFrom", context: input.sourceEncryptionContext).with(algorithm: input.sourceEncryptionAlgorithm)
            } catch {
                if input.sourceKeyId == nil { throw KMSError(KeyServiceError.ciphertextKeyUnavailable) }
                throw error
            }
            from.action = "kms:ReEncryptFrom"
            var to = try on(input.destinationKeyId, "ReEncryptTo", context: input.destinationEncryptionContext)
                .with(algorithm: input.destinationEncryptionAlgorithm)
            to.action = "kms:ReEncryptTo"
            let sameKey: Authorizer.ConditionKey = (
                "kms:ReEncryptOnSameKey", [from.key?.keyId == to.key?.keyId ? "true" : "false"], .boolean
            )
            from.requestKeys.append(sameKey)
            to.requestKeys.append(sameKey)
            return [from, to]
        case .generateDataKey(let input): return [try on(input.keyId, "GenerateDataKey", context: input.encryptionContext)]
        case .generateDataKeyWithoutPlaintext(let input):
            return [try on(input.keyId, "GenerateDataKeyWithoutPlaintext", context: input.encryptionContext)]
        case .generateMac(let input):
            var check = try on(input.keyId, "GenerateMac")
            check.requestKeys.append(("kms:MacAlgorithm", [input.macAlgorithm.rawValue], .string))
            return [check]
        case .verifyMac(let input):
            var check = try on(input.keyId, "VerifyMac")
            check.requestKeys.append(("kms:MacAlgorithm", [input.macAlgorithm.rawValue], .string))
            return [check]
        case .createGrant(let input):
            var check = try on(input.keyId, "CreateGrant", aliases: false)
            check.newGrant = KeyPolicyRule.NewGrant(
                operations: input.operations.map(\.rawValue), contextSubset: input.constraints?.encryptionContextSubset,
                contextEquals: input.constraints?.encryptionContextEquals, granteePrincipal: input.granteePrincipal,
                retiringPrincipal: input.retiringPrincipal)
            return [check]
        case .retireGrant:
            // RetireGrant is decided by the grant itself (retiring principal or grantee).
            return []
        // The values a key policy may limit, as the API reference says ("You can use the
        // kms:ScheduleKeyDeletionPendingWindowInDays condition key to further constrain the
        // values that principals can specify"), the default when the call names none.
        case .scheduleKeyDeletion(let keyId, let window):
            var check = try on(keyId, aliases: false)
            check.requestKeys = [("kms:ScheduleKeyDeletionPendingWindowInDays", [String(window ?? 30)], .numeric)]
            return [check]
        case .enableKeyRotation(let keyId, let period):
            var check = try on(keyId, aliases: false)
            check.requestKeys = [("kms:RotationPeriodInDays", [String(period ?? 365)], .numeric)]
            return [check]
        case .enableKey(let keyId), .disableKey(let keyId), .cancelKeyDeletion(let keyId),
            .disableKeyRotation(let keyId), .getKeyRotationStatus(let keyId),
            .rotateKeyOnDemand(let keyId), .listKeyRotations(let keyId, _, _), .getKeyPolicy(let keyId, _),
            .listKeyPolicies(let keyId, _), .listResourceTags(let keyId, _), .revokeGrant(let keyId, _, _), .updateKeyDescription(let keyId, _):
            return [try on(keyId, aliases: false)]
        case .putKeyPolicy(let input):
            var check = try on(input.keyId, aliases: false)
            check.requestKeys = [("kms:BypassPolicyLockoutSafetyCheck", [input.bypassPolicyLockoutSafetyCheck ? "true" : "false"], .boolean)]
            return [check]
        case .listGrants(let input): return [try on(input.keyId, aliases: false)]
        }
    }
}
