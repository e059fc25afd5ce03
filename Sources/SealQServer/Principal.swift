/// An authenticated identity, IAM-style.
public struct Principal: Sendable, Equatable {
    /// `arn:aws:iam::ACCOUNT:user/NAME`.
    public var arn: String
    /// The account the principal belongs to.
    public var accountId: String
    /// The user name.
    public var userName: String
    /// A stable unique id (`AIDA…`), reported as `SenderId`.
    public var principalId: String
}

/// The principals the server knows, by access key id, with their secret access keys.
struct PrincipalDirectory: Sendable {
    private let byAccessKey: [String: Principal]
    private let secrets: [String: String]

    /// A directory holding the admin principal.
    init(admin credentials: AdminCredentials, accountId: String) {
        let admin = Principal(
            arn: "arn:aws:iam::\(accountId):user/admin", accountId: accountId, userName: "admin",
            principalId: "AIDA" + String(credentials.accessKeyId.dropFirst(4).prefix(17)))
        byAccessKey = [credentials.accessKeyId: admin]
        secrets = [credentials.accessKeyId: credentials.secretAccessKey]
    }

    /// The secret access key of `accessKeyId`, for signature verification only.
    func secret(forAccessKey accessKeyId: String) -> String? {
        secrets[accessKeyId]
    }

    /// The principal owning `accessKeyId`, if any.
    func principal(forAccessKey accessKeyId: String) -> Principal? {
        byAccessKey[accessKeyId]
    }
}
