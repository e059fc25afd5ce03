/// An IAM access key operation. `userName` names the user whose keys it acts on; nil means the
/// caller's own, as IAM reads a request signed by a user's long-term key (except for
/// `GetAccessKeyLastUsed`, which finds the key's owner itself).
public enum AccessKeyRequest: Sendable, Equatable {
    /// `CreateAccessKey`: a new active key, its secret shown once.
    case create(userName: String?)
    /// `ListAccessKeys`: the user's keys, never their secrets, a page at a time.
    case list(userName: String?, marker: String?, maxItems: Int?)
    /// `UpdateAccessKey`: make a key `Active` or `Inactive`.
    case update(userName: String?, accessKeyId: String, status: AccessKeyStatus)
    /// `DeleteAccessKey`: remove a key for good.
    case delete(userName: String?, accessKeyId: String)
    /// `GetAccessKeyLastUsed`: when, where and with which service a key was last used.
    case lastUsed(accessKeyId: String)

    /// The Query `Action` name, which is also the IAM action (`iam:<name>`).
    public var actionName: String {
        switch self {
        case .create: "CreateAccessKey"
        case .list: "ListAccessKeys"
        case .update: "UpdateAccessKey"
        case .delete: "DeleteAccessKey"
        case .lastUsed: "GetAccessKeyLastUsed"
        }
    }

    /// Whether the operation changes a key (create, update, delete).
    public var changesKeys: Bool {
        switch self {
        case .create, .update, .delete: true
        case .list, .lastUsed: false
        }
    }

    /// The user the request names, if it names one (`GetAccessKeyLastUsed` names the key only).
    public var userName: String? {
        switch self {
        case .create(let userName), .list(let userName, _, _), .update(let userName, _, _), .delete(let userName, _): userName
        case .lastUsed: nil
        }
    }
}

/// The status an access key can be given.
public enum AccessKeyStatus: String, Sendable, Equatable {
    /// Calls signed with the key are accepted.
    case active = "Active"
    /// Calls signed with the key are refused as an invalid token.
    case inactive = "Inactive"
}

/// An access key as IAM's answers describe it (`AccessKey` and `AccessKeyMetadata`).
public struct AccessKeyDescription: Sendable, Equatable {
    /// The user the key belongs to.
    public var userName: String
    /// The key's id.
    public var accessKeyId: String
    /// `Active` or `Inactive`.
    public var status: String
    /// When the key was made, ISO 8601 in UTC.
    public var createDate: String

    /// Describes a key.
    public init(userName: String, accessKeyId: String, status: String, createDate: String) {
        self.userName = userName
        self.accessKeyId = accessKeyId
        self.status = status
        self.createDate = createDate
    }
}
