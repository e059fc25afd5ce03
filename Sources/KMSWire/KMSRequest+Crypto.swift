extension KMSRequest {
    /// Encrypt's inputs.
    public struct Encrypt: Sendable, Equatable {
        /// `KeyId`.
        public var keyId: String
        /// `Plaintext`, decoded from base64 (1–4,096 bytes).
        public var plaintext: [UInt8]
        /// `EncryptionContext` (empty when absent).
        public var encryptionContext: KMSEncryptionContext
        /// `GrantTokens` (0–10).
        public var grantTokens: [String]
        /// `EncryptionAlgorithm`; nil means `SYMMETRIC_DEFAULT`.
        public var encryptionAlgorithm: KMSEncryptionAlgorithm?
        /// `DryRun` (false when absent).
        public var dryRun: Bool
    }

    /// Decrypt's inputs.
    public struct Decrypt: Sendable, Equatable {
        /// `CiphertextBlob`, decoded from base64 (1–6,144 bytes); nil only for a DryRun with `IGNORE_CIPHERTEXT`.
        public var ciphertextBlob: [UInt8]?
        /// `EncryptionContext` (empty when absent).
        public var encryptionContext: KMSEncryptionContext
        /// `GrantTokens` (0–10).
        public var grantTokens: [String]
        /// `KeyId`; nil lets the ciphertext name its key.
        public var keyId: String?
        /// `EncryptionAlgorithm`.
        public var encryptionAlgorithm: KMSEncryptionAlgorithm?
        /// `Recipient`.
        public var recipient: KMSRecipientInfo?
        /// `DryRun` (false when absent).
        public var dryRun: Bool
        /// `DryRunModifiers` (empty when absent).
        public var dryRunModifiers: [KMSDryRunModifier]
    }

    /// ReEncrypt's inputs.
    public struct ReEncrypt: Sendable, Equatable {
        /// `CiphertextBlob` (1–6,144 bytes); nil only for a DryRun with `IGNORE_CIPHERTEXT`.
        public var ciphertextBlob: [UInt8]?
        /// `SourceEncryptionContext` (empty when absent).
        public var sourceEncryptionContext: KMSEncryptionContext
        /// `SourceKeyId`; nil lets the ciphertext name its key.
        public var sourceKeyId: String?
        /// `DestinationKeyId`.
        public var destinationKeyId: String
        /// `DestinationEncryptionContext` (empty when absent).
        public var destinationEncryptionContext: KMSEncryptionContext
        /// `SourceEncryptionAlgorithm`.
        public var sourceEncryptionAlgorithm: KMSEncryptionAlgorithm?
        /// `DestinationEncryptionAlgorithm`.
        public var destinationEncryptionAlgorithm: KMSEncryptionAlgorithm?
        /// `GrantTokens` (0–10).
        public var grantTokens: [String]
        /// `DryRun` (false when absent).
        public var dryRun: Bool
        /// `DryRunModifiers` (empty when absent).
        public var dryRunModifiers: [KMSDryRunModifier]
    }

    /// How long a data key is: `NumberOfBytes` or `KeySpec`, exactly one of them.
    public enum DataKeyLength: Sendable, Equatable {
        /// `NumberOfBytes` (1–1,024).
        case numberOfBytes(Int)
        /// `KeySpec`.
        case keySpec(KMSDataKeySpec)

        /// The length in bytes.
        public var byteCount: Int {
            switch self {
            case .numberOfBytes(let count): count
            case .keySpec(let spec): spec.byteCount
            }
        }
    }

    /// GenerateDataKey's and GenerateDataKeyWithoutPlaintext's inputs.
    public struct GenerateDataKey: Sendable, Equatable {
        /// `KeyId`.
        public var keyId: String
        /// `EncryptionContext` (empty when absent).
        public var encryptionContext: KMSEncryptionContext
        /// `NumberOfBytes` or `KeySpec`.
        public var length: DataKeyLength
        /// `GrantTokens` (0–10).
        public var grantTokens: [String]
        /// `Recipient` (GenerateDataKey only).
        public var recipient: KMSRecipientInfo?
        /// `DryRun` (false when absent).
        public var dryRun: Bool
    }

    /// GenerateRandom's inputs.
    public struct GenerateRandom: Sendable, Equatable {
        /// `NumberOfBytes` (1–1,024); nil when absent.
        public var numberOfBytes: Int?
        /// `CustomKeyStoreId`.
        public var customKeyStoreId: String?
        /// `Recipient`.
        public var recipient: KMSRecipientInfo?
    }

    /// GenerateMac's inputs.
    public struct GenerateMac: Sendable, Equatable {
        /// `Message` (1–4,096 bytes).
        public var message: [UInt8]
        /// `KeyId`.
        public var keyId: String
        /// `MacAlgorithm`.
        public var macAlgorithm: KMSMacAlgorithm
        /// `GrantTokens` (0–10).
        public var grantTokens: [String]
        /// `DryRun` (false when absent).
        public var dryRun: Bool
    }

    /// VerifyMac's inputs.
    public struct VerifyMac: Sendable, Equatable {
        /// `Message` (1–4,096 bytes).
        public var message: [UInt8]
        /// `KeyId`.
        public var keyId: String
        /// `MacAlgorithm`.
        public var macAlgorithm: KMSMacAlgorithm
        /// `Mac` (1–6,144 bytes).
        public var mac: [UInt8]
        /// `GrantTokens` (0–10).
        public var grantTokens: [String]
        /// `DryRun` (false when absent).
        public var dryRun: Bool
    }
}
