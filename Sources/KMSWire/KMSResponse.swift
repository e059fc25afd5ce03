import Foundation

/// A KMS result for the encoder to write: plain data the server fills, one case per answer shape.
/// Key ids in crypto results are key ARNs, as KMS returns them.
public enum KMSResponse: Sendable, Equatable {
    /// No output members (CreateAlias, UpdateAlias, DeleteAlias, EnableKey, DisableKey, EnableKeyRotation,
    /// DisableKeyRotation, PutKeyPolicy, TagResource, UntagResource, RevokeGrant, RetireGrant): `{}`.
    case empty
    /// CreateKey, DescribeKey: `{"KeyMetadata":{…}}`.
    case keyMetadata(KMSKeyMetadata)
    /// ListKeys.
    case keys([KMSKeyListEntry], KMSPage)
    /// ListAliases.
    case aliases([KMSAliasListEntry], KMSPage)
    /// Encrypt. `keyMaterialId` goes to the call's CloudTrail record only: KMS's EncryptResponse
    /// has no such member.
    case encrypt(ciphertextBlob: [UInt8], keyId: String, encryptionAlgorithm: KMSEncryptionAlgorithm, keyMaterialId: String?)
    /// Decrypt.
    case decrypt(keyId: String, plaintext: [UInt8], encryptionAlgorithm: KMSEncryptionAlgorithm, keyMaterialId: String?)
    /// ReEncrypt.
    case reEncrypt(
        ciphertextBlob: [UInt8], sourceKeyId: String, keyId: String, sourceEncryptionAlgorithm: KMSEncryptionAlgorithm,
        destinationEncryptionAlgorithm: KMSEncryptionAlgorithm, sourceKeyMaterialId: String?, destinationKeyMaterialId: String?)
    /// GenerateDataKey (with `plaintext`) and GenerateDataKeyWithoutPlaintext (`plaintext` nil).
    case dataKey(ciphertextBlob: [UInt8], plaintext: [UInt8]?, keyId: String, keyMaterialId: String?)
    /// GenerateRandom.
    case random(plaintext: [UInt8])
    /// GenerateMac.
    case mac(mac: [UInt8], macAlgorithm: KMSMacAlgorithm, keyId: String)
    /// VerifyMac (a MAC that does not verify is `KMSError.invalidMac`, not `macValid: false`).
    case macVerified(keyId: String, macValid: Bool, macAlgorithm: KMSMacAlgorithm)
    /// ScheduleKeyDeletion.
    case deletionScheduled(keyId: String, deletionDate: Date, keyState: KMSKeyState, pendingWindowInDays: Int)
    /// CancelKeyDeletion, RotateKeyOnDemand: `{"KeyId":"arn:…"}`.
    case keyId(String)
    /// GetKeyRotationStatus. An on-demand rotation completes at once here, so the answer never
    /// carries OnDemandRotationStartDate (KMS shows it only while such a rotation runs).
    case rotationStatus(keyRotationEnabled: Bool, keyId: String, rotationPeriodInDays: Int?, nextRotationDate: Date?)
    /// ListKeyRotations.
    case rotations([KMSRotationListEntry], KMSPage)
    /// GetKeyPolicy.
    case keyPolicy(policy: String, policyName: String)
    /// ListKeyPolicies.
    case policyNames([String], KMSPage)
    /// ListResourceTags.
    case tags([KMSTag], KMSPage)
    /// CreateGrant.
    case grantCreated(grantToken: String, grantId: String)
    /// ListGrants, ListRetirableGrants.
    case grants([KMSGrantListEntry], KMSPage)
}

extension KMSResponse {
    /// The key material a crypto answer used, by the name CloudTrail records it under in
    /// `additionalEventData`: `keyMaterialId`, or for ReEncrypt `sourceKeyMaterialId` and
    /// `destinationKeyMaterialId`; empty for every other answer.
    public var keyMaterialIds: [String: String] {
        switch self {
        case .encrypt(_, _, _, let material?), .decrypt(_, _, _, let material?), .dataKey(_, _, _, let material?):
            return ["keyMaterialId": material]
        case .reEncrypt(_, _, _, _, _, let source, let destination):
            var ids: [String: String] = [:]
            ids["sourceKeyMaterialId"] = source
            ids["destinationKeyMaterialId"] = destination
            return ids
        default:
            return [:]
        }
    }
}
