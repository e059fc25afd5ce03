/// A string enum of the KMS model; `modelValues` is the model's whole value set, in the model's order, for
/// AWS's `Member must satisfy enum value set: [...]` message. A type may offer fewer cases than the model when the
/// key service supports only some values (see `KMSKeySpec`).
public protocol KMSModelEnum: RawRepresentable, Sendable, Hashable, CaseIterable where RawValue == String {
    /// Every value the KMS model allows, in model order.
    static var modelValues: [String] { get }
}

extension KMSModelEnum {
    /// By default the cases are the model's values.
    public static var modelValues: [String] { allCases.map(\.rawValue) }
}

/// `KeyUsageType` as far as this key service supports it; the model's `SIGN_VERIFY` and `KEY_AGREEMENT` decode
/// to `UnsupportedOperationException`.
public enum KMSKeyUsage: String, KMSModelEnum {
    /// `ENCRYPT_DECRYPT`.
    case encryptDecrypt = "ENCRYPT_DECRYPT"
    /// `GENERATE_VERIFY_MAC`.
    case generateVerifyMac = "GENERATE_VERIFY_MAC"
    /// The model's value set.
    public static var modelValues: [String] { ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"] }
}

/// `KeySpec` as far as this key service supports it (symmetric and HMAC keys); the model's asymmetric specs
/// decode to `UnsupportedOperationException`.
public enum KMSKeySpec: String, KMSModelEnum {
    /// `SYMMETRIC_DEFAULT`.
    case symmetricDefault = "SYMMETRIC_DEFAULT"
    /// `HMAC_224`.
    case hmac224 = "HMAC_224"
    /// `HMAC_256`.
    case hmac256 = "HMAC_256"
    /// `HMAC_384`.
    case hmac384 = "HMAC_384"
    /// `HMAC_512`.
    case hmac512 = "HMAC_512"
    /// The model's `KeySpec` value set.
    public static var modelValues: [String] {
        [
            "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
            "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87",
            "ECC_NIST_EDWARDS25519",
        ]
    }
    /// The deprecated `CustomerMasterKeySpec` value set (the same names, fewer of them).
    public static var customerMasterKeySpecValues: [String] {
        [
            "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
            "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
        ]
    }
}

/// `OriginType`: where the key material comes from.
public enum KMSOrigin: String, KMSModelEnum {
    /// `AWS_KMS`.
    case awsKMS = "AWS_KMS"
    /// `EXTERNAL`.
    case external = "EXTERNAL"
    /// `AWS_CLOUDHSM`.
    case awsCloudHSM = "AWS_CLOUDHSM"
    /// `EXTERNAL_KEY_STORE`.
    case externalKeyStore = "EXTERNAL_KEY_STORE"
}

/// `EncryptionAlgorithmSpec`.
public enum KMSEncryptionAlgorithm: String, KMSModelEnum {
    /// `SYMMETRIC_DEFAULT`.
    case symmetricDefault = "SYMMETRIC_DEFAULT"
    /// `RSAES_OAEP_SHA_1`.
    case rsaesOAEPSHA1 = "RSAES_OAEP_SHA_1"
    /// `RSAES_OAEP_SHA_256`.
    case rsaesOAEPSHA256 = "RSAES_OAEP_SHA_256"
    /// `SM2PKE`.
    case sm2PKE = "SM2PKE"
}

/// `MacAlgorithmSpec`.
public enum KMSMacAlgorithm: String, KMSModelEnum {
    /// `HMAC_SHA_224`.
    case hmacSHA224 = "HMAC_SHA_224"
    /// `HMAC_SHA_256`.
    case hmacSHA256 = "HMAC_SHA_256"
    /// `HMAC_SHA_384`.
    case hmacSHA384 = "HMAC_SHA_384"
    /// `HMAC_SHA_512`.
    case hmacSHA512 = "HMAC_SHA_512"
}

/// `DataKeySpec` of GenerateDataKey and GenerateDataKeyWithoutPlaintext.
public enum KMSDataKeySpec: String, KMSModelEnum {
    /// `AES_256`.
    case aes256 = "AES_256"
    /// `AES_128`.
    case aes128 = "AES_128"

    /// The key length in bytes.
    public var byteCount: Int { self == .aes256 ? 32 : 16 }
}

/// `GrantOperation`.
public enum KMSGrantOperation: String, KMSModelEnum {
    /// `Decrypt`.
    case decrypt = "Decrypt"
    /// `Encrypt`.
    case encrypt = "Encrypt"
    /// `GenerateDataKey`.
    case generateDataKey = "GenerateDataKey"
    /// `GenerateDataKeyWithoutPlaintext`.
    case generateDataKeyWithoutPlaintext = "GenerateDataKeyWithoutPlaintext"
    /// `ReEncryptFrom`.
    case reEncryptFrom = "ReEncryptFrom"
    /// `ReEncryptTo`.
    case reEncryptTo = "ReEncryptTo"
    /// `Sign`.
    case sign = "Sign"
    /// `Verify`.
    case verify = "Verify"
    /// `GetPublicKey`.
    case getPublicKey = "GetPublicKey"
    /// `CreateGrant`.
    case createGrant = "CreateGrant"
    /// `RetireGrant`.
    case retireGrant = "RetireGrant"
    /// `DescribeKey`.
    case describeKey = "DescribeKey"
    /// `GenerateDataKeyPair`.
    case generateDataKeyPair = "GenerateDataKeyPair"
    /// `GenerateDataKeyPairWithoutPlaintext`.
    case generateDataKeyPairWithoutPlaintext = "GenerateDataKeyPairWithoutPlaintext"
    /// `GenerateMac`.
    case generateMac = "GenerateMac"
    /// `VerifyMac`.
    case verifyMac = "VerifyMac"
    /// `DeriveSharedSecret`.
    case deriveSharedSecret = "DeriveSharedSecret"
}

/// `DryRunModifierType`.
public enum KMSDryRunModifier: String, KMSModelEnum {
    /// `IGNORE_CIPHERTEXT`.
    case ignoreCiphertext = "IGNORE_CIPHERTEXT"
}

/// `IncludeKeyMaterial` of ListKeyRotations.
public enum KMSIncludeKeyMaterial: String, KMSModelEnum {
    /// `ALL_KEY_MATERIAL`.
    case allKeyMaterial = "ALL_KEY_MATERIAL"
    /// `ROTATIONS_ONLY`.
    case rotationsOnly = "ROTATIONS_ONLY"
}

/// `KeyEncryptionMechanism` of a `Recipient`.
public enum KMSKeyEncryptionMechanism: String, KMSModelEnum {
    /// `RSAES_OAEP_SHA_256`.
    case rsaesOAEPSHA256 = "RSAES_OAEP_SHA_256"
}

/// `KeyState`.
public enum KMSKeyState: String, KMSModelEnum {
    /// `Creating`.
    case creating = "Creating"
    /// `Enabled`.
    case enabled = "Enabled"
    /// `Disabled`.
    case disabled = "Disabled"
    /// `PendingDeletion`.
    case pendingDeletion = "PendingDeletion"
    /// `PendingImport`.
    case pendingImport = "PendingImport"
    /// `PendingReplicaDeletion`.
    case pendingReplicaDeletion = "PendingReplicaDeletion"
    /// `Unavailable`.
    case unavailable = "Unavailable"
    /// `Updating`.
    case updating = "Updating"
}

/// `KeyManagerType`.
public enum KMSKeyManager: String, KMSModelEnum {
    /// `AWS`.
    case aws = "AWS"
    /// `CUSTOMER`.
    case customer = "CUSTOMER"
}

/// `RotationType` of a rotation list entry.
public enum KMSRotationType: String, KMSModelEnum {
    /// `AUTOMATIC`.
    case automatic = "AUTOMATIC"
    /// `ON_DEMAND`.
    case onDemand = "ON_DEMAND"
}

/// `KeyMaterialState` of a rotation list entry.
public enum KMSKeyMaterialState: String, KMSModelEnum {
    /// `NON_CURRENT`.
    case nonCurrent = "NON_CURRENT"
    /// `CURRENT`.
    case current = "CURRENT"
    /// `PENDING_ROTATION`.
    case pendingRotation = "PENDING_ROTATION"
    /// `PENDING_MULTI_REGION_IMPORT_AND_ROTATION`.
    case pendingMultiRegionImportAndRotation = "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
}
