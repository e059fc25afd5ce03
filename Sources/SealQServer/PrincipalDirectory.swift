import Principals

/// Who owns an access key: the admin of the data directory's credentials file, or a principal
/// of `policies/` holding an active key from the access key store.
struct PrincipalDirectory: Sendable {
    let admin: AdminCredentials
    let catalog: PrincipalCatalog
    let accessKeys: AccessKeyStore

    /// The secret access key of `accessKeyId`, for signature verification only.
    func secret(forAccessKey accessKeyId: String) -> String? {
        if accessKeyId == admin.accessKeyId { return admin.secretAccessKey }
        guard let key = accessKeys.activeKey(accessKeyId), catalog.principal(named: key.userName) != nil else { return nil }
        return key.secretAccessKey
    }

    /// The principal owning `accessKeyId`, if the key is active and its principal still defined.
    func principal(forAccessKey accessKeyId: String) -> Principal? {
        if accessKeyId == admin.accessKeyId { return catalog.principal(named: PrincipalCatalog.adminName) }
        return accessKeys.activeKey(accessKeyId).flatMap { catalog.principal(named: $0.userName) }
    }

    /// The principal with ARN `arn` (a user, a role or a role's session).
    func principal(arn: String) -> Principal? {
        catalog.principal(arn: arn)
    }
}
