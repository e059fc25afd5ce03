extension KMSRequest {
    /// CreateGrant's inputs.
    public struct CreateGrant: Sendable, Equatable {
        /// `KeyId`.
        public var keyId: String
        /// `GranteePrincipal`.
        public var granteePrincipal: String
        /// `RetiringPrincipal`.
        public var retiringPrincipal: String?
        /// `Operations`.
        public var operations: [KMSGrantOperation]
        /// `Constraints`.
        public var constraints: KMSGrantConstraints?
        /// `GrantTokens` (0–10).
        public var grantTokens: [String]
        /// `Name`.
        public var name: String?
        /// `DryRun` (false when absent).
        public var dryRun: Bool
    }

    /// ListGrants' inputs.
    public struct ListGrants: Sendable, Equatable {
        /// `KeyId`.
        public var keyId: String
        /// `GrantId`: only this grant.
        public var grantId: String?
        /// `GranteePrincipal`: only grants to this principal.
        public var granteePrincipal: String?
        /// `Limit` and `Marker`.
        public var paging: KMSPaging
    }

    /// RetireGrant's inputs: `GrantToken`, or `KeyId` with `GrantId`.
    public struct RetireGrant: Sendable, Equatable {
        /// `GrantToken`.
        public var grantToken: String?
        /// `KeyId`.
        public var keyId: String?
        /// `GrantId`.
        public var grantId: String?
        /// `DryRun` (false when absent).
        public var dryRun: Bool
    }
}
