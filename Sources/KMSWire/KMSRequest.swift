/// A decoded KMS request: one case per operation, with typed inputs that already satisfy the KMS model
/// (lengths, ranges, enums, patterns, required members). Whether a key exists, its state, and every other
/// decision is the server's.
public enum KMSRequest: Sendable, Equatable {
    /// CreateKey.
    case createKey(CreateKey)
    /// DescribeKey: `keyId` (key id, key ARN, alias name or alias ARN).
    case describeKey(keyId: String, grantTokens: [String])
    /// ListKeys.
    case listKeys(KMSPaging)
    /// ListAliases: all aliases, or only those of `keyId`.
    case listAliases(keyId: String?, paging: KMSPaging)
    /// CreateAlias: `aliasName` (`alias/…`) for `targetKeyId`.
    case createAlias(aliasName: String, targetKeyId: String)
    /// UpdateAlias: point `aliasName` at `targetKeyId`.
    case updateAlias(aliasName: String, targetKeyId: String)
    /// DeleteAlias.
    case deleteAlias(aliasName: String)
    /// Encrypt.
    case encrypt(Encrypt)
    /// Decrypt.
    case decrypt(Decrypt)
    /// ReEncrypt.
    case reEncrypt(ReEncrypt)
    /// GenerateDataKey.
    case generateDataKey(GenerateDataKey)
    /// GenerateDataKeyWithoutPlaintext.
    case generateDataKeyWithoutPlaintext(GenerateDataKey)
    /// GenerateRandom.
    case generateRandom(GenerateRandom)
    /// GenerateMac.
    case generateMac(GenerateMac)
    /// VerifyMac.
    case verifyMac(VerifyMac)
    /// EnableKey.
    case enableKey(keyId: String)
    /// DisableKey.
    case disableKey(keyId: String)
    /// ScheduleKeyDeletion: `pendingWindowInDays` as sent (model range 1–365; KMS allows 7–30, default 30).
    case scheduleKeyDeletion(keyId: String, pendingWindowInDays: Int?)
    /// CancelKeyDeletion.
    case cancelKeyDeletion(keyId: String)
    /// EnableKeyRotation: `rotationPeriodInDays` 90–2560 (default 365 when nil).
    case enableKeyRotation(keyId: String, rotationPeriodInDays: Int?)
    /// DisableKeyRotation.
    case disableKeyRotation(keyId: String)
    /// GetKeyRotationStatus.
    case getKeyRotationStatus(keyId: String)
    /// RotateKeyOnDemand.
    case rotateKeyOnDemand(keyId: String)
    /// ListKeyRotations.
    case listKeyRotations(keyId: String, includeKeyMaterial: KMSIncludeKeyMaterial?, paging: KMSPaging)
    /// GetKeyPolicy: `policyName` as sent (KMS has only `default`, also when nil).
    case getKeyPolicy(keyId: String, policyName: String?)
    /// PutKeyPolicy.
    case putKeyPolicy(PutKeyPolicy)
    /// ListKeyPolicies.
    case listKeyPolicies(keyId: String, paging: KMSPaging)
    /// TagResource.
    case tagResource(keyId: String, tags: [KMSTag])
    /// UntagResource.
    case untagResource(keyId: String, tagKeys: [String])
    /// ListResourceTags.
    case listResourceTags(keyId: String, paging: KMSPaging)
    /// UpdateKeyDescription.
    case updateKeyDescription(keyId: String, description: String)
    /// CreateGrant.
    case createGrant(CreateGrant)
    /// ListGrants.
    case listGrants(ListGrants)
    /// RevokeGrant.
    case revokeGrant(keyId: String, grantId: String, dryRun: Bool)
    /// RetireGrant.
    case retireGrant(RetireGrant)
    /// ListRetirableGrants.
    case listRetirableGrants(retiringPrincipal: String, paging: KMSPaging)

    /// The operation.
    public var action: KMSAction {
        switch self {
        case .createKey: .createKey
        case .describeKey: .describeKey
        case .listKeys: .listKeys
        case .listAliases: .listAliases
        case .createAlias: .createAlias
        case .updateAlias: .updateAlias
        case .deleteAlias: .deleteAlias
        case .encrypt: .encrypt
        case .decrypt: .decrypt
        case .reEncrypt: .reEncrypt
        case .generateDataKey: .generateDataKey
        case .generateDataKeyWithoutPlaintext: .generateDataKeyWithoutPlaintext
        case .generateRandom: .generateRandom
        case .generateMac: .generateMac
        case .verifyMac: .verifyMac
        case .enableKey: .enableKey
        case .disableKey: .disableKey
        case .scheduleKeyDeletion: .scheduleKeyDeletion
        case .cancelKeyDeletion: .cancelKeyDeletion
        case .enableKeyRotation: .enableKeyRotation
        case .disableKeyRotation: .disableKeyRotation
        case .getKeyRotationStatus: .getKeyRotationStatus
        case .rotateKeyOnDemand: .rotateKeyOnDemand
        case .listKeyRotations: .listKeyRotations
        case .getKeyPolicy: .getKeyPolicy
        case .putKeyPolicy: .putKeyPolicy
        case .listKeyPolicies: .listKeyPolicies
        case .tagResource: .tagResource
        case .untagResource: .untagResource
        case .listResourceTags: .listResourceTags
        case .updateKeyDescription: .updateKeyDescription
        case .createGrant: .createGrant
        case .listGrants: .listGrants
        case .revokeGrant: .revokeGrant
        case .retireGrant: .retireGrant
        case .listRetirableGrants: .listRetirableGrants
        }
    }
}

extension KMSRequest {
    /// The `GrantTokens` the call carries (empty for operations without them).
    public var grantTokens: [String] {
        switch self {
        case .describeKey(_, let tokens): tokens
        case .encrypt(let input): input.grantTokens
        case .decrypt(let input): input.grantTokens
        case .reEncrypt(let input): input.grantTokens
        case .generateDataKey(let input), .generateDataKeyWithoutPlaintext(let input): input.grantTokens
        case .generateMac(let input): input.grantTokens
        case .verifyMac(let input): input.grantTokens
        case .createGrant(let input): input.grantTokens
        default: []
        }
    }
}
