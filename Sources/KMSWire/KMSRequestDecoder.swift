import WireJSON

/// Turns a KMS JSON 1.1 request (`X-Amz-Target: TrentService.<Action>` and its body) into a `KMSRequest`.
public enum KMSRequestDecoder {
    /// Decodes the request `target` names: `UnknownOperationException` for a target that is not a KMS action,
    /// `SerializationException` for a body that is not a JSON object or has a member of the wrong JSON type or
    /// bad base64, `ValidationException` for members that break the model, and `UnsupportedOperationException`
    /// for a key spec or usage the model has but this key service does not.
    public static func decode(target: String?, body: [UInt8]) throws(KMSError) -> KMSRequest {
        try decode(try KMSTarget.action(from: target), body: body)
    }

    /// Decodes `body` as `action`'s input; an empty body reads as `{}`.
    public static func decode(_ action: KMSAction, body: [UInt8]) throws(KMSError) -> KMSRequest {
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(body.isEmpty ? Array("{}".utf8) : body)
        } catch {
            throw .serialization("Malformed JSON body: \(error.description)")
        }
        guard case .object(let members) = parsed else {
            throw .serialization("Start of \(parsed.typeName) found where a structure was expected.")
        }
        var input = KMSInput(object: members)
        let request = try read(action, &input)
        try input.finish()
        return request
    }

    private static func read(_ action: KMSAction, _ input: inout KMSInput) throws(KMSError) -> KMSRequest {
        switch action {
        case .createKey:
            return .createKey(try createKey(&input))
        case .describeKey:
            return .describeKey(keyId: try input.requiredString("KeyId", .keyId), grantTokens: try input.grantTokens())
        case .listKeys:
            return .listKeys(try input.paging())
        case .listAliases:
            return .listAliases(keyId: try input.string("KeyId", .keyId), paging: try input.paging(limits: 1...100))
        case .createAlias:
            let aliasName = try input.requiredString("AliasName", .aliasName)
            return .createAlias(aliasName: aliasName, targetKeyId: try input.requiredString("TargetKeyId", .keyId))
        case .updateAlias:
            let aliasName = try input.requiredString("AliasName", .aliasName)
            return .updateAlias(aliasName: aliasName, targetKeyId: try input.requiredString("TargetKeyId", .keyId))
        case .deleteAlias:
            return .deleteAlias(aliasName: try input.requiredString("AliasName", .aliasName))
        case .encrypt, .decrypt, .reEncrypt, .generateDataKey, .generateDataKeyWithoutPlaintext, .generateRandom,
            .generateMac, .verifyMac:
            return try KMSCryptoDecoder.read(action, &input)
        case .enableKey:
            return .enableKey(keyId: try input.requiredString("KeyId", .keyId))
        case .disableKey:
            return .disableKey(keyId: try input.requiredString("KeyId", .keyId))
        case .scheduleKeyDeletion:
            let keyId = try input.requiredString("KeyId", .keyId)
            return .scheduleKeyDeletion(keyId: keyId, pendingWindowInDays: try input.integer("PendingWindowInDays", 1...365))
        case .cancelKeyDeletion:
            return .cancelKeyDeletion(keyId: try input.requiredString("KeyId", .keyId))
        case .enableKeyRotation:
            let keyId = try input.requiredString("KeyId", .keyId)
            return .enableKeyRotation(keyId: keyId, rotationPeriodInDays: try input.integer("RotationPeriodInDays", 90...2560))
        case .disableKeyRotation:
            return .disableKeyRotation(keyId: try input.requiredString("KeyId", .keyId))
        case .getKeyRotationStatus:
            return .getKeyRotationStatus(keyId: try input.requiredString("KeyId", .keyId))
        case .rotateKeyOnDemand:
            return .rotateKeyOnDemand(keyId: try input.requiredString("KeyId", .keyId))
        case .listKeyRotations:
            let keyId = try input.requiredString("KeyId", .keyId)
            let include = try input.enumeration("IncludeKeyMaterial", KMSIncludeKeyMaterial.self)
            return .listKeyRotations(keyId: keyId, includeKeyMaterial: include, paging: try input.paging())
        case .getKeyPolicy:
            let keyId = try input.requiredString("KeyId", .keyId)
            return .getKeyPolicy(keyId: keyId, policyName: try input.string("PolicyName", .policyName))
        case .putKeyPolicy:
            return .putKeyPolicy(
                KMSRequest.PutKeyPolicy(
                    keyId: try input.requiredString("KeyId", .keyId), policyName: try input.string("PolicyName", .policyName),
                    policy: try input.requiredString("Policy", .policy),
                    bypassPolicyLockoutSafetyCheck: try input.bool("BypassPolicyLockoutSafetyCheck") ?? false))
        case .listKeyPolicies:
            return .listKeyPolicies(keyId: try input.requiredString("KeyId", .keyId), paging: try input.paging())
        case .tagResource:
            let keyId = try input.requiredString("KeyId", .keyId)
            return .tagResource(keyId: keyId, tags: try input.tags(required: true) ?? [])
        case .untagResource:
            let keyId = try input.requiredString("KeyId", .keyId)
            return .untagResource(keyId: keyId, tagKeys: try input.strings("TagKeys", each: .tagKey, required: true) ?? [])
        case .listResourceTags:
            let keyId = try input.requiredString("KeyId", .keyId)
            return .listResourceTags(keyId: keyId, paging: try input.paging(limits: 1...50))
        case .updateKeyDescription:
            let keyId = try input.requiredString("KeyId", .keyId)
            return .updateKeyDescription(keyId: keyId, description: try input.requiredString("Description", .description))
        case .createGrant, .listGrants, .revokeGrant, .retireGrant, .listRetirableGrants:
            return try KMSGrantDecoder.read(action, &input)
        }
    }

    private static func createKey(_ input: inout KMSInput) throws(KMSError) -> KMSRequest.CreateKey {
        let policy = try input.string("Policy", .policy)
        let description = try input.string("Description", .description)
        let keyUsage = try input.enumeration("KeyUsage", KMSKeyUsage.self)
        let masterKeySpec = try input.enumeration(
            "CustomerMasterKeySpec", KMSKeySpec.self, modelValues: KMSKeySpec.customerMasterKeySpecValues)
        let keySpec = try input.enumeration("KeySpec", KMSKeySpec.self)
        let origin = try input.enumeration("Origin", KMSOrigin.self)
        let customKeyStoreId = try input.string("CustomKeyStoreId", .customKeyStoreId)
        let bypass = try input.bool("BypassPolicyLockoutSafetyCheck") ?? false
        let tags = try input.tags() ?? []
        let multiRegion = try input.bool("MultiRegion")
        let xksKeyId = try input.string("XksKeyId", .xksKeyId)
        try input.finish()
        if keySpec != nil, masterKeySpec != nil {
            throw .validationMessage("You cannot specify KeySpec and CustomerMasterKeySpec in the same request.")
        }
        return KMSRequest.CreateKey(
            policy: policy, description: description, keyUsage: keyUsage, keySpec: keySpec ?? masterKeySpec, origin: origin,
            customKeyStoreId: customKeyStoreId, xksKeyId: xksKeyId, bypassPolicyLockoutSafetyCheck: bypass, tags: tags,
            multiRegion: multiRegion)
    }
}
