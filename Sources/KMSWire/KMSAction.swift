/// The KMS operations SealQ's key service answers, named as `X-Amz-Target: TrentService.<Action>` names them.
public enum KMSAction: String, Sendable, CaseIterable, Equatable {
    /// `CreateKey`.
    case createKey = "CreateKey"
    /// `DescribeKey`.
    case describeKey = "DescribeKey"
    /// `ListKeys`.
    case listKeys = "ListKeys"
    /// `ListAliases`.
    case listAliases = "ListAliases"
    /// `CreateAlias`.
    case createAlias = "CreateAlias"
    /// `UpdateAlias`.
    case updateAlias = "UpdateAlias"
    /// `DeleteAlias`.
    case deleteAlias = "DeleteAlias"
    /// `Encrypt`.
    case encrypt = "Encrypt"
    /// `Decrypt`.
    case decrypt = "Decrypt"
    /// `ReEncrypt`.
    case reEncrypt = "ReEncrypt"
    /// `GenerateDataKey`.
    case generateDataKey = "GenerateDataKey"
    /// `GenerateDataKeyWithoutPlaintext`.
    case generateDataKeyWithoutPlaintext = "GenerateDataKeyWithoutPlaintext"
    /// `GenerateRandom`.
    case generateRandom = "GenerateRandom"
    /// `GenerateMac`.
    case generateMac = "GenerateMac"
    /// `VerifyMac`.
    case verifyMac = "VerifyMac"
    /// `EnableKey`.
    case enableKey = "EnableKey"
    /// `DisableKey`.
    case disableKey = "DisableKey"
    /// `ScheduleKeyDeletion`.
    case scheduleKeyDeletion = "ScheduleKeyDeletion"
    /// `CancelKeyDeletion`.
    case cancelKeyDeletion = "CancelKeyDeletion"
    /// `EnableKeyRotation`.
    case enableKeyRotation = "EnableKeyRotation"
    /// `DisableKeyRotation`.
    case disableKeyRotation = "DisableKeyRotation"
    /// `GetKeyRotationStatus`.
    case getKeyRotationStatus = "GetKeyRotationStatus"
    /// `RotateKeyOnDemand`.
    case rotateKeyOnDemand = "RotateKeyOnDemand"
    /// `ListKeyRotations`.
    case listKeyRotations = "ListKeyRotations"
    /// `GetKeyPolicy`.
    case getKeyPolicy = "GetKeyPolicy"
    /// `PutKeyPolicy`.
    case putKeyPolicy = "PutKeyPolicy"
    /// `ListKeyPolicies`.
    case listKeyPolicies = "ListKeyPolicies"
    /// `TagResource`.
    case tagResource = "TagResource"
    /// `UntagResource`.
    case untagResource = "UntagResource"
    /// `ListResourceTags`.
    case listResourceTags = "ListResourceTags"
    /// `UpdateKeyDescription`.
    case updateKeyDescription = "UpdateKeyDescription"
    /// `CreateGrant`.
    case createGrant = "CreateGrant"
    /// `ListGrants`.
    case listGrants = "ListGrants"
    /// `RevokeGrant`.
    case revokeGrant = "RevokeGrant"
    /// `RetireGrant`.
    case retireGrant = "RetireGrant"
    /// `ListRetirableGrants`.
    case listRetirableGrants = "ListRetirableGrants"

    /// The IAM action that authorizes the operation (`kms:Encrypt`).
    public var iamAction: String { "kms:\(rawValue)" }
}
