extension KMSRequest {
    /// CreateKey's inputs; nil members were absent (KMS defaults: `ENCRYPT_DECRYPT`, `SYMMETRIC_DEFAULT`,
    /// `AWS_KMS`, the default key policy, not multi-Region).
    public struct CreateKey: Sendable, Equatable {
        /// `Policy` (1–131,072 characters of tab, newline, carriage return and U+0020–U+00FF).
        public var policy: String?
        /// `Description` (0–8,192 characters).
        public var description: String?
        /// `KeyUsage`.
        public var keyUsage: KMSKeyUsage?
        /// `KeySpec`, or the deprecated `CustomerMasterKeySpec` when only that was sent.
        public var keySpec: KMSKeySpec?
        /// `Origin`.
        public var origin: KMSOrigin?
        /// `CustomKeyStoreId` (1–64 characters); this key service has no custom key stores.
        public var customKeyStoreId: String?
        /// `XksKeyId`; this key service has no external key stores.
        public var xksKeyId: String?
        /// `BypassPolicyLockoutSafetyCheck` (false when absent).
        public var bypassPolicyLockoutSafetyCheck: Bool
        /// `Tags` (empty when absent).
        public var tags: [KMSTag]
        /// `MultiRegion`.
        public var multiRegion: Bool?
    }

    /// PutKeyPolicy's inputs.
    public struct PutKeyPolicy: Sendable, Equatable {
        /// `KeyId`.
        public var keyId: String
        /// `PolicyName` as sent (KMS accepts only `default`; nil means `default`).
        public var policyName: String?
        /// `Policy`.
        public var policy: String
        /// `BypassPolicyLockoutSafetyCheck` (false when absent).
        public var bypassPolicyLockoutSafetyCheck: Bool
    }
}
