import WireJSON

/// The principals a `Principal` or `NotPrincipal` element names, compiled for matching.
struct PrincipalSet: Sendable {
    /// One named principal.
    enum Entry: Sendable, Equatable {
        /// `"*"` or `{"AWS": "*"}`: everyone, anonymous callers included.
        case everyone
        /// A 12-digit account id or `arn:…:iam::ACCOUNT:root`: any principal of that account.
        case account(String)
        /// A user, assumed-role session or federated-user ARN: that principal exactly.
        case exact(String)
        /// A role ARN: the role and its assumed-role sessions.
        case role(arn: String, account: String, name: String)
        /// `{"Service": …}`.
        case service(String)
        /// `{"Federated": …}`.
        case federated(String)
        /// `{"CanonicalUser": …}`.
        case canonicalUser(String)
    }

    let entries: [Entry]

    /// How a caller matched a `Principal` element.
    enum Match: Comparable {
        case none
        /// Only through the caller's account (`arn:aws:iam::ACCOUNT:root` or a bare account id):
        /// in a KMS key policy, a delegation to the account's IAM policies.
        case account
        /// Through a wildcard, a role or a service.
        case indirect
        /// By the caller's own ARN: a resource-policy allow that is not limited by permissions boundaries.
        case exact
    }

    /// How `principal` matches (`Principal` semantics): the closest of its entries.
    func match(_ principal: RequestPrincipal?) -> Match {
        var best = Match.none
        for entry in entries {
            switch entry {
            case .everyone: best = max(best, .indirect)
            case .exact(let arn):
                if let principal, principal.kind == .aws, principal.arn == arn { return .exact }
            case .account:
                if let principal, Self.entry(entry, names: Identity(principal), exactly: false) { best = max(best, .account) }
            default:
                if let principal, Self.entry(entry, names: Identity(principal), exactly: false) { best = max(best, .indirect) }
            }
        }
        return best
    }

    /// Whether a `NotPrincipal` element exempts `principal`: as AWS evaluates it, every identity
    /// the caller carries (session, role, account) must be listed, or the statement still applies.
    func exempts(_ principal: RequestPrincipal?) -> Bool {
        if entries.contains(.everyone) { return true }
        guard let principal else { return false }
        return Identity.chain(of: principal).allSatisfy { identity in
            entries.contains { Self.entry($0, names: identity, exactly: true) }
        }
    }

    /// Whether `entry` names `identity`; `exactly` (for `NotPrincipal`) stops an account or role
    /// entry from naming the principals under it.
    private static func entry(_ entry: Entry, names identity: Identity, exactly: Bool) -> Bool {
        switch (entry, identity) {
        case (.everyone, _): true
        case (.account(let account), .aws(_, let callerAccount, _, _)): !exactly && account == callerAccount
        case (.account(let account), .account(let callerAccount)): account == callerAccount
        case (.exact(let arn), .aws(let callerArn, _, _, _)): arn == callerArn
        case (.role(let arn, let account, let name), .aws(let callerArn, let callerAccount, let sessionRole, let roleArn)):
            arn == callerArn || (!exactly && account == callerAccount && sessionRole == name && (roleArn ?? arn) == arn)
        case (.role(let arn, let account, let name), .role(let callerAccount, let callerName, let roleArn)):
            account == callerAccount && name == callerName && (roleArn ?? arn) == arn
        case (.service(let name), .other(.service, let callerName)),
            (.federated(let name), .other(.federated, let callerName)),
            (.canonicalUser(let name), .other(.canonicalUser, let callerName)):
            name == callerName
        default: false
        }
    }

    /// One of the identities a caller carries.
    private enum Identity {
        /// The caller itself; for an assumed-role session, with the name of its role (and the
        /// role's IAM ARN, when known).
        case aws(arn: String, account: String, sessionRole: String?, roleArn: String?)
        /// The role behind a session.
        case role(account: String, name: String, roleArn: String?)
        /// The caller's account.
        case account(String)
        /// A service, federated or canonical-user caller.
        case other(RequestPrincipal.Kind, String)

        init(_ principal: RequestPrincipal) {
            if principal.kind == .aws {
                self = .aws(
                    arn: principal.arn, account: principal.accountId, sessionRole: Self.sessionRole(principal.arn), roleArn: principal.roleArn)
            } else {
                self = .other(principal.kind, principal.arn)
            }
        }

        /// The caller, then (for sessions) its role, then its account.
        static func chain(of principal: RequestPrincipal) -> [Identity] {
            guard principal.kind == .aws else { return [Identity(principal)] }
            if principal.arn.hasSuffix(":root") { return [.account(principal.accountId)] }
            var chain = [Identity(principal)]
            if let role = sessionRole(principal.arn) { chain.append(.role(account: principal.accountId, name: role, roleArn: principal.roleArn)) }
            chain.append(.account(principal.accountId))
            return chain
        }

        /// The role name of `arn:…:sts::ACCOUNT:assumed-role/ROLE/SESSION`, else nil.
        static func sessionRole(_ arn: String) -> String? {
            let resource = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).last ?? ""
            let pieces = resource.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count >= 3, pieces[0] == "assumed-role", arn.contains(":sts:") else { return nil }
            return String(pieces[1])
        }
    }
}
