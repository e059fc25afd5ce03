/// An encryption context: non-secret key/value pairs bound to a ciphertext, matched exactly and case-sensitively,
/// without regard to order. An absent `EncryptionContext` decodes as empty.
public typealias KMSEncryptionContext = [String: String]

/// A resource tag (`Tag`): `TagKey` 1–128 characters, `TagValue` 0–256.
public struct KMSTag: Sendable, Equatable, Hashable {
    /// `TagKey`.
    public var key: String
    /// `TagValue`.
    public var value: String

    /// A tag `key` = `value`.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// The paging inputs of the List operations: `Limit` (1–1000) and `Marker` (a `NextMarker` from an earlier page).
public struct KMSPaging: Sendable, Equatable {
    /// `Limit`; nil when the caller gave none (KMS's default page is 100 for most lists, 50 for grants).
    public var limit: Int?
    /// `Marker`; nil for the first page.
    public var marker: String?

    /// Paging with `limit` and `marker`.
    public init(limit: Int? = nil, marker: String? = nil) {
        self.limit = limit
        self.marker = marker
    }
}

/// `GrantConstraints`: the encryption context a grant's operations must carry (a subset, or exactly).
public struct KMSGrantConstraints: Sendable, Equatable {
    /// `EncryptionContextSubset`.
    public var encryptionContextSubset: KMSEncryptionContext?
    /// `EncryptionContextEquals`.
    public var encryptionContextEquals: KMSEncryptionContext?

    /// Constraints with either map (or both, as the caller sent them).
    public init(encryptionContextSubset: KMSEncryptionContext? = nil, encryptionContextEquals: KMSEncryptionContext? = nil) {
        self.encryptionContextSubset = encryptionContextSubset
        self.encryptionContextEquals = encryptionContextEquals
    }
}

/// `RecipientInfo`: a Nitro Enclaves attestation document to encrypt the answer for. Decoded so the server can
/// refuse it plainly.
public struct KMSRecipientInfo: Sendable, Equatable {
    /// `KeyEncryptionAlgorithm`.
    public var keyEncryptionAlgorithm: KMSKeyEncryptionMechanism?
    /// `AttestationDocument` (1–262,144 bytes).
    public var attestationDocument: [UInt8]?
}
