import IdentityWire
import Principals

/// How IAM's user-scoped calls (access keys, GetUser) find their user.
extension PrincipalCatalog {
    /// The user a call names, or the calling user when it names none; a role's session must
    /// name one, as on IAM.
    static func userName(_ given: String?, caller: Principal) throws(IdentityError) -> String {
        if let given { return given }
        guard caller.kind == .user else { throw .userNameRequired }
        return caller.name
    }

    /// The user `name`, which must exist (`NoSuchEntity`, in IAM's words).
    func existingUser(named name: String) throws(IdentityError) -> Principal {
        guard let user = principal(named: name), user.kind == .user else {
            throw .noSuchEntity("The user with name \(name) cannot be found.")
        }
        return user
    }

    /// The ARN a call on user `name` is authorized against, with the user's tags (for
    /// `aws:ResourceTag/…`): also for a user that does not exist, which IAM refuses only once the
    /// caller may ask.
    func userResource(named name: String) -> (arn: String, tags: [String: String]) {
        guard let user = principal(named: name), user.kind == .user else { return ("arn:aws:iam::\(accountId):user/\(name)", [:]) }
        return (user.principalArn, user.tags)
    }
}
