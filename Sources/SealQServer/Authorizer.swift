/// Stage 3 of the request path: may this principal do this action on this resource?
///
/// Until principals and policies are loaded from `policies/` (issue 4), the only principal is
/// the account's admin, who may do everything; any other principal is denied.
struct Authorizer: Sendable {
    let accountId: String

    /// The verdict, with the reason the audit log will record.
    struct Decision: Sendable {
        /// Whether the call may proceed.
        var allowed: Bool
        /// Why, in words.
        var reason: String
    }

    /// Decides one call.
    func authorize(_ principal: Principal, action: String, resource: String?) -> Decision {
        if principal.arn == "arn:aws:iam::\(accountId):user/admin" {
            return Decision(allowed: true, reason: "account administrator")
        }
        return Decision(allowed: false, reason: "no policy allows \(action)")
    }
}
