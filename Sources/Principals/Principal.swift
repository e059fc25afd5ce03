import PolicyEngine

/// An authenticated caller, IAM-style: who it is, which tags it carries, and the identity
/// policies that apply to it (its own and its groups').
///
/// A class: every call hands its caller along several stages, and sharing one immutable
/// object costs one reference count where a struct would copy every member.
public final class Principal: Sendable, Hashable {
    /// What kind of caller this is.
    public enum Kind: String, Sendable {
        /// An IAM user, calling with its own access key.
        case user
        /// A role, calling with an access key issued to it (shown as an assumed-role session).
        case role
    }

    /// User or role.
    public let kind: Kind
    /// The user or role name.
    public let name: String
    /// The account the principal belongs to.
    public let accountId: String
    /// The caller's ARN: `arn:aws:iam::ACCOUNT:user/PATH/NAME` or
    /// `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`.
    public let arn: String
    /// The ARN that policies name: the user's, or the role's (`arn:aws:iam::ACCOUNT:role/NAME`).
    public let principalArn: String
    /// The stable unique id: `AIDA…` for users, `AROA…:SESSION` for role sessions (SQS's SenderId).
    public let userId: String
    /// Principal tags (`aws:PrincipalTag/KEY`).
    public let tags: [String: String]
    /// The identity policies in force for this principal.
    public let policies: [Policy]
    /// The global condition keys that describe the caller (`aws:PrincipalArn`, `aws:userid`,
    /// `aws:PrincipalTag/…`, …), built once so that each call only adds its own keys.
    public let conditionKeys: ConditionContext

    /// A principal; its condition keys are derived from the other members.
    public init(
        kind: Kind, name: String, accountId: String, arn: String, principalArn: String, userId: String, tags: [String: String],
        policies: [Policy]
    ) {
        self.kind = kind
        self.name = name
        self.accountId = accountId
        self.arn = arn
        self.principalArn = principalArn
        self.userId = userId
        self.tags = tags
        self.policies = policies
        var context = ConditionContext()
        context.set("aws:PrincipalArn", [principalArn])
        context.set("aws:PrincipalAccount", [accountId])
        context.set("aws:PrincipalType", [kind == .user ? "User" : "AssumedRole"])
        context.set("aws:userid", [userId])
        // No caller here is an AWS service: services acting for a caller use its identity.
        context.set("aws:PrincipalIsAWSService", ["false"], type: .boolean)
        if kind == .user { context.set("aws:username", [name]) }
        for (key, value) in tags { context.set("aws:PrincipalTag/\(key)", [value]) }
        conditionKeys = context
    }

    /// The global condition keys of an anonymous (unsigned) caller, as IAM documents them:
    /// `aws:PrincipalType` `Anonymous`, `aws:userid` and `aws:PrincipalAccount` `anonymous`, and
    /// no others.
    public static let anonymousConditionKeys: ConditionContext = {
        var context = ConditionContext()
        context.set("aws:PrincipalType", ["Anonymous"])
        context.set("aws:userid", ["anonymous"])
        context.set("aws:PrincipalAccount", ["anonymous"])
        return context
    }()

    /// The session name role callers carry in their ARN and user id.
    public static let roleSessionName = "sealq"

    /// The principal as the policy evaluator matches it against Principal elements.
    public var requestPrincipal: RequestPrincipal {
        // The caller as it is, a role session by its session ARN: a Principal naming the role
        // still matches its sessions, while a NotPrincipal exempts a session only when it names
        // the session, the role and the account, as IAM documents.
        RequestPrincipal(arn: arn, accountId: accountId, kind: .aws, roleArn: kind == .role ? principalArn : nil)
    }
}

extension Principal {
    /// The same object: a principal reloaded from its definition is a new one.
    public static func == (lhs: Principal, rhs: Principal) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
