import Foundation

/// `KeyMetadata` as CreateKey and DescribeKey return it; the server fills every member.
public struct KMSKeyMetadata: Sendable, Equatable {
    /// `AWSAccountId`.
    public var awsAccountId: String
    /// `KeyId` (the key's UUID).
    public var keyId: String
    /// `Arn`.
    public var arn: String
    /// `CreationDate` (written as epoch seconds).
    public var creationDate: Date
    /// `Enabled`: true exactly when the state is `Enabled`.
    public var enabled: Bool
    /// `Description` (written even when empty, as KMS does).
    public var description: String
    /// `KeyUsage`.
    public var keyUsage: KMSKeyUsage
    /// `KeyState`.
    public var keyState: KMSKeyState
    /// `DeletionDate`, for a key pending deletion.
    public var deletionDate: Date?
    /// `Origin`.
    public var origin: KMSOrigin
    /// `KeyManager`.
    public var keyManager: KMSKeyManager
    /// `KeySpec`; `CustomerMasterKeySpec` is written with the same value.
    public var keySpec: KMSKeySpec
    /// `EncryptionAlgorithms` (encryption keys only).
    public var encryptionAlgorithms: [KMSEncryptionAlgorithm]?
    /// `MacAlgorithms` (HMAC keys only).
    public var macAlgorithms: [KMSMacAlgorithm]?
    /// `MultiRegion`.
    public var multiRegion: Bool
    /// `CurrentKeyMaterialId` (64 lowercase hex digits), when the server reports it.
    public var currentKeyMaterialId: String?

    /// Metadata with every member; the optional ones default to absent.
    public init(
        awsAccountId: String, keyId: String, arn: String, creationDate: Date, enabled: Bool, description: String,
        keyUsage: KMSKeyUsage, keyState: KMSKeyState, deletionDate: Date? = nil, origin: KMSOrigin = .awsKMS,
        keyManager: KMSKeyManager = .customer, keySpec: KMSKeySpec, encryptionAlgorithms: [KMSEncryptionAlgorithm]? = nil,
        macAlgorithms: [KMSMacAlgorithm]? = nil, multiRegion: Bool = false,
        currentKeyMaterialId: String? = nil
    ) {
        self.awsAccountId = awsAccountId
        self.keyId = keyId
        self.arn = arn
        self.creationDate = creationDate
        self.enabled = enabled
        self.description = description
        self.keyUsage = keyUsage
        self.keyState = keyState
        self.deletionDate = deletionDate
        self.origin = origin
        self.keyManager = keyManager
        self.keySpec = keySpec
        self.encryptionAlgorithms = encryptionAlgorithms
        self.macAlgorithms = macAlgorithms
        self.multiRegion = multiRegion
        self.currentKeyMaterialId = currentKeyMaterialId
    }
}
