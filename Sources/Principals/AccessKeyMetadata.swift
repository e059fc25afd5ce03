/// What `sealq principals list` shows of an access key: never its secret.
public struct AccessKeyMetadata: Sendable, Equatable, Codable {
    /// The access key id (`AKIA…`).
    public var accessKeyId: String
    /// The principal (user or role name) the key belongs to.
    public var userName: String
    /// `Active` or `Inactive`.
    public var status: String
    /// When the key was created, ISO 8601 in UTC.
    public var createDate: String

    /// Describes a key.
    public init(accessKeyId: String, userName: String, status: String, createDate: String) {
        self.accessKeyId = accessKeyId
        self.userName = userName
        self.status = status
        self.createDate = createDate
    }

    enum CodingKeys: String, CodingKey {
        case accessKeyId = "AccessKeyId", userName = "UserName", status = "Status", createDate = "CreateDate"
    }
}
