import Foundation

/// The end of a List page: `Truncated`, and the `NextMarker` to ask for the next page with.
public struct KMSPage: Sendable, Equatable {
    /// `NextMarker`; written only when truncated.
    public var nextMarker: String?
    /// `Truncated`.
    public var truncated: Bool { nextMarker != nil }

    /// The last page (`nextMarker` nil) or a truncated one.
    public init(nextMarker: String? = nil) {
        self.nextMarker = nextMarker
    }
}

/// `KeyListEntry` of ListKeys.
public struct KMSKeyListEntry: Sendable, Equatable {
    /// `KeyId`.
    public var keyId: String
    /// `KeyArn`.
    public var keyArn: String

    /// An entry for the key `keyId` with ARN `keyArn`.
    public init(keyId: String, keyArn: String) {
        self.keyId = keyId
        self.keyArn = keyArn
    }
}

/// `AliasListEntry` of ListAliases.
public struct KMSAliasListEntry: Sendable, Equatable {
    /// `AliasName` (`alias/…`).
    public var aliasName: String
    /// `AliasArn`.
    public var aliasArn: String
    /// `TargetKeyId` (a key id, not an ARN); nil for an AWS managed alias with no key yet.
    public var targetKeyId: String?
    /// `CreationDate`.
    public var creationDate: Date?
    /// `LastUpdatedDate`.
    public var lastUpdatedDate: Date?

    /// An alias entry.
    public init(aliasName: String, aliasArn: String, targetKeyId: String?, creationDate: Date?, lastUpdatedDate: Date?) {
        self.aliasName = aliasName
        self.aliasArn = aliasArn
        self.targetKeyId = targetKeyId
        self.creationDate = creationDate
        self.lastUpdatedDate = lastUpdatedDate
    }
}

/// `GrantListEntry` of ListGrants and ListRetirableGrants.
public struct KMSGrantListEntry: Sendable, Equatable {
    /// `KeyId` (the key ARN).
    public var keyId: String
    /// `GrantId`.
    public var grantId: String
    /// `Name`.
    public var name: String?
    /// `CreationDate`.
    public var creationDate: Date
    /// `GranteePrincipal`.
    public var granteePrincipal: String
    /// `RetiringPrincipal`.
    public var retiringPrincipal: String?
    /// `IssuingAccount` (`arn:aws:iam::ACCOUNT:root`).
    public var issuingAccount: String
    /// `Operations`.
    public var operations: [KMSGrantOperation]
    /// `Constraints`.
    public var constraints: KMSGrantConstraints?

    /// A grant entry.
    public init(
        keyId: String, grantId: String, name: String?, creationDate: Date, granteePrincipal: String, retiringPrincipal: String?,
        issuingAccount: String, operations: [KMSGrantOperation], constraints: KMSGrantConstraints?
    ) {
        self.keyId = keyId
        self.grantId = grantId
        self.name = name
        self.creationDate = creationDate
        self.granteePrincipal = granteePrincipal
        self.retiringPrincipal = retiringPrincipal
        self.issuingAccount = issuingAccount
        self.operations = operations
        self.constraints = constraints
    }
}

/// `RotationsListEntry` of ListKeyRotations.
public struct KMSRotationListEntry: Sendable, Equatable {
    /// `KeyId` (the key ARN).
    public var keyId: String
    /// `KeyMaterialId`.
    public var keyMaterialId: String?
    /// `KeyMaterialState`.
    public var keyMaterialState: KMSKeyMaterialState?
    /// `RotationDate`: absent for the first key material.
    public var rotationDate: Date?
    /// `RotationType`: absent for the first key material.
    public var rotationType: KMSRotationType?

    /// A rotation entry.
    public init(
        keyId: String, keyMaterialId: String? = nil, keyMaterialState: KMSKeyMaterialState? = nil, rotationDate: Date?,
        rotationType: KMSRotationType?
    ) {
        self.keyId = keyId
        self.keyMaterialId = keyMaterialId
        self.keyMaterialState = keyMaterialState
        self.rotationDate = rotationDate
        self.rotationType = rotationType
    }
}
