import PolicyEngine
import Testing

/// One `Action`/`Resource` pair in an identity-policy Allow, a request, and whether it applies.
struct MatchCase: CustomTestStringConvertible, Sendable {
    let name: String
    let elements: String
    let action: String
    let resource: String
    let applies: Bool

    init(_ name: String, _ elements: String, _ action: String, _ resource: String, _ applies: Bool) {
        self.name = name
        self.elements = elements
        self.action = action
        self.resource = resource
        self.applies = applies
    }

    var testDescription: String { name }
}

/// One resource-policy `Principal`/`NotPrincipal`, a caller, and whether the statement applies.
struct PrincipalCase: CustomTestStringConvertible, Sendable {
    let name: String
    let principal: String
    let caller: RequestPrincipal?
    let applies: Bool

    init(_ name: String, _ principal: String, _ caller: RequestPrincipal?, _ applies: Bool) {
        self.name = name
        self.principal = principal
        self.caller = caller
        self.applies = applies
    }

    var testDescription: String { name }
}

enum MatchCases {
    static let q = "arn:aws:sqs:us-east-1:111122223333:orders"

    static let actionsAndResources: [MatchCase] = [
        .init("Action exact name", #""Action": "sqs:SendMessage", "Resource": "*""#, "sqs:SendMessage", q, true),
        .init("Action names are case-insensitive", #""Action": "SQS:sendmessage", "Resource": "*""#, "sqs:SendMessage", q, true),
        .init("Action request case is folded too", #""Action": "sqs:SendMessage", "Resource": "*""#, "SQS:SENDMESSAGE", q, true),
        .init("Action different name", #""Action": "sqs:SendMessage", "Resource": "*""#, "sqs:ReceiveMessage", q, false),
        .init("Action service wildcard", #""Action": "sqs:*", "Resource": "*""#, "sqs:DeleteMessage", q, true),
        .init("Action service wildcard is per service", #""Action": "sqs:*", "Resource": "*""#, "sns:Publish", q, false),
        .init("Action lone * matches every action", #""Action": "*", "Resource": "*""#, "kms:Decrypt", q, true),
        .init("Action prefix wildcard", #""Action": "sqs:Get*", "Resource": "*""#, "sqs:GetQueueAttributes", q, true),
        .init("Action prefix wildcard mismatch", #""Action": "sqs:Get*", "Resource": "*""#, "sqs:SetQueueAttributes", q, false),
        .init("Action infix wildcard", #""Action": "sqs:*Message*", "Resource": "*""#, "sqs:ChangeMessageVisibility", q, true),
        .init("Action ? wildcard", #""Action": "sqs:?endMessage", "Resource": "*""#, "sqs:SendMessage", q, true),
        .init("Action list ORs its entries", #""Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": "*""#, "sqs:ReceiveMessage", q, true),
        .init("Action prefix does not match a longer name", #""Action": "sqs:SendMessage", "Resource": "*""#, "sqs:SendMessageBatch", q, false),
        .init("NotAction excludes the listed action", #""NotAction": "sqs:DeleteQueue", "Resource": "*""#, "sqs:DeleteQueue", q, false),
        .init("NotAction applies to every other action", #""NotAction": "sqs:DeleteQueue", "Resource": "*""#, "sqs:SendMessage", q, true),
        .init("NotAction with a wildcard excludes the service", #""NotAction": "iam:*", "Resource": "*""#, "iam:CreateUser", q, false),
        .init("NotAction with a wildcard allows other services", #""NotAction": "iam:*", "Resource": "*""#, "sqs:ListQueues", q, true),
        .init("Resource exact ARN", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:111122223333:orders""#, "sqs:SendMessage", q, true),
        .init("Resource ARNs are case-sensitive", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:111122223333:Orders""#, "sqs:SendMessage", q, false),
        .init("Resource lone * matches any ARN", #""Action": "sqs:*", "Resource": "*""#, "sqs:SendMessage", q, true),
        .init("Resource * matches the resource \"*\"", #""Action": "sqs:*", "Resource": "*""#, "sqs:ListQueues", "*", true),
        .init("Resource ARN pattern does not match the resource \"*\"", #""Action": "sqs:*", "Resource": "arn:aws:sqs:*:*:*""#, "sqs:ListQueues", "*", false),
        .init("Resource region wildcard", #""Action": "sqs:*", "Resource": "arn:aws:sqs:*:111122223333:orders""#, "sqs:SendMessage", q, true),
        .init("Resource account wildcard", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:*:orders""#, "sqs:SendMessage", q, true),
        .init("Resource name prefix wildcard", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:111122223333:ord*""#, "sqs:SendMessage", q, true),
        .init("Resource name ? wildcard", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:111122223333:order?""#, "sqs:SendMessage", q, true),
        .init("Resource ? needs exactly one character", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:111122223333:orders?""#, "sqs:SendMessage", q, false),
        .init("Resource wildcard stays within its segment", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-*:orders*""#, "sqs:SendMessage", q, false),
        .init("Resource trailing * of a short ARN expands over colons", #""Action": "sqs:*", "Resource": "arn:aws:sqs:*""#, "sqs:SendMessage", q, true),
        .init("Resource short ARN keeps its literal segments", #""Action": "sqs:*", "Resource": "arn:aws:sns:*""#, "sqs:SendMessage", q, false),
        .init("Resource trailing * after the account", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:111122223333:*""#, "sqs:SendMessage", q, true),
        .init("Resource wrong account", #""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:444455556666:orders""#, "sqs:SendMessage", q, false),
        .init("Resource * in the resource part crosses slashes", #""Action": "s3:*", "Resource": "arn:aws:s3:::bucket/*""#, "s3:GetObject", "arn:aws:s3:::bucket/a/b/c.txt", true),
        .init("Resource list ORs its entries", #""Action": "sqs:*", "Resource": ["arn:aws:sqs:us-east-1:111122223333:a", "arn:aws:sqs:us-east-1:111122223333:orders"]"#, "sqs:SendMessage", q, true),
        .init("NotResource excludes the listed resource", #""Action": "sqs:*", "NotResource": "arn:aws:sqs:us-east-1:111122223333:orders""#, "sqs:SendMessage", q, false),
        .init("NotResource applies to other resources", #""Action": "sqs:*", "NotResource": "arn:aws:sqs:us-east-1:111122223333:audit""#, "sqs:SendMessage", q, true),
        .init("NotResource * excludes everything", #""Action": "sqs:*", "NotResource": "*""#, "sqs:SendMessage", q, false),
        .init("NotAction and NotResource together", #""NotAction": "sqs:Delete*", "NotResource": "arn:aws:sqs:*:*:audit""#, "sqs:SendMessage", q, true),
    ]

    static let bob = RequestPrincipal(arn: "arn:aws:iam::444455556666:user/Bob", accountId: "444455556666")
    static let session = RequestPrincipal(arn: "arn:aws:sts::444455556666:assumed-role/reader/s1", accountId: "444455556666")
    static let root = RequestPrincipal(arn: "arn:aws:iam::444455556666:root", accountId: "444455556666")
    /// A session whose role's path is known (as the daemon knows its roles).
    static let pathSession = RequestPrincipal(
        arn: "arn:aws:sts::444455556666:assumed-role/reader/s1", accountId: "444455556666", roleArn: "arn:aws:iam::444455556666:role/ops/reader")
    static let sqsService = RequestPrincipal(arn: "sqs.amazonaws.com", accountId: "", kind: .service)
    static let federated = RequestPrincipal(arn: "cognito-identity.amazonaws.com", accountId: "", kind: .federated)
    static let canonical = RequestPrincipal(arn: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", accountId: "", kind: .canonicalUser)

    static let principals: [PrincipalCase] = [
        .init("Principal * names everyone", #""Principal": "*""#, bob, true),
        .init("Principal * names anonymous callers", #""Principal": "*""#, nil, true),
        .init("Principal AWS * names anonymous callers", #""Principal": {"AWS": "*"}"#, nil, true),
        .init("Principal AWS * names IAM users", #""Principal": {"AWS": "*"}"#, bob, true),
        .init("Principal account id names its users", #""Principal": {"AWS": "444455556666"}"#, bob, true),
        .init("Principal account id names its role sessions", #""Principal": {"AWS": "444455556666"}"#, session, true),
        .init("Principal account id excludes other accounts", #""Principal": {"AWS": "111122223333"}"#, bob, false),
        .init("Principal account id excludes anonymous callers", #""Principal": {"AWS": "444455556666"}"#, nil, false),
        .init("Principal root ARN means the whole account", #""Principal": {"AWS": "arn:aws:iam::444455556666:root"}"#, bob, true),
        .init("Principal user ARN names that user", #""Principal": {"AWS": "arn:aws:iam::444455556666:user/Bob"}"#, bob, true),
        .init("Principal user ARN excludes other users", #""Principal": {"AWS": "arn:aws:iam::444455556666:user/Carol"}"#, bob, false),
        .init("Principal role ARN names its sessions", #""Principal": {"AWS": "arn:aws:iam::444455556666:role/reader"}"#, session, true),
        .init("Principal role ARN with a path names its sessions", #""Principal": {"AWS": "arn:aws:iam::444455556666:role/team/reader"}"#, session, true),
        .init("Principal role ARN excludes other roles' sessions", #""Principal": {"AWS": "arn:aws:iam::444455556666:role/writer"}"#, session, false),
        .init("Principal role ARN with the role's own path names its sessions", #""Principal": {"AWS": "arn:aws:iam::444455556666:role/ops/reader"}"#, pathSession, true),
        .init("Principal role ARN with another path names another role", #""Principal": {"AWS": "arn:aws:iam::444455556666:role/elsewhere/reader"}"#, pathSession, false),
        .init("Principal role ARN without the role's path names another role", #""Principal": {"AWS": "arn:aws:iam::444455556666:role/reader"}"#, pathSession, false),
        .init("NotPrincipal with a role ARN of another path does not exempt the session", #""NotPrincipal": {"AWS": ["arn:aws:sts::444455556666:assumed-role/reader/s1", "arn:aws:iam::444455556666:role/elsewhere/reader", "arn:aws:iam::444455556666:root"]}"#, pathSession, true),
        .init("Principal session ARN names that session", #""Principal": {"AWS": "arn:aws:sts::444455556666:assumed-role/reader/s1"}"#, session, true),
        .init("Principal AWS list ORs its entries", #""Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:user/Bob"]}"#, bob, true),
        .init("Principal Service names that service", #""Principal": {"Service": "sqs.amazonaws.com"}"#, sqsService, true),
        .init("Principal Service does not name IAM users", #""Principal": {"Service": "sqs.amazonaws.com"}"#, bob, false),
        .init("Principal AWS does not name services by account", #""Principal": {"AWS": "444455556666"}"#, sqsService, false),
        .init("Principal Federated names that provider", #""Principal": {"Federated": "cognito-identity.amazonaws.com"}"#, federated, true),
        .init("Principal CanonicalUser names that id", #""Principal": {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#, canonical, true),
        .init("NotPrincipal applies to callers not listed", #""NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/alice"}"#, bob, true),
        .init("NotPrincipal applies to anonymous callers", #""NotPrincipal": {"AWS": "arn:aws:iam::444455556666:user/Bob"}"#, nil, true),
        .init("NotPrincipal user without its account still applies (AWS checks the account too)", #""NotPrincipal": {"AWS": "arn:aws:iam::444455556666:user/Bob"}"#, bob, true),
        .init("NotPrincipal user and its account exempt the user", #""NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]}"#, bob, false),
        .init("NotPrincipal account alone does not exempt its users", #""NotPrincipal": {"AWS": "444455556666"}"#, bob, true),
        .init("NotPrincipal account exempts the account root", #""NotPrincipal": {"AWS": "444455556666"}"#, root, false),
        .init("NotPrincipal session needs session, role and account listed", #""NotPrincipal": {"AWS": ["arn:aws:sts::444455556666:assumed-role/reader/s1", "arn:aws:iam::444455556666:role/reader", "arn:aws:iam::444455556666:root"]}"#, session, false),
        .init("NotPrincipal session without its role still applies", #""NotPrincipal": {"AWS": ["arn:aws:sts::444455556666:assumed-role/reader/s1", "arn:aws:iam::444455556666:root"]}"#, session, true),
        .init("NotPrincipal service exempts that service", #""NotPrincipal": {"Service": "sqs.amazonaws.com"}"#, sqsService, false),
        .init("NotPrincipal * exempts everyone", #""NotPrincipal": {"AWS": "*"}"#, bob, false),
    ]
}

@Suite struct ActionResourcePrincipalTests {
    @Test(arguments: MatchCases.actionsAndResources)
    func actionAndResourceMatching(_ testCase: MatchCase) {
        let policy = Fixture.identity(#"{"Effect": "Allow", \#(testCase.elements)}"#)
        let decision = Fixture.decide(policy, Fixture.request(action: testCase.action, resource: testCase.resource))
        #expect(decision == (testCase.applies ? .allowed : .implicitDeny), "\(testCase.name)")
    }

    @Test(arguments: MatchCases.principals)
    func principalMatching(_ testCase: PrincipalCase) {
        // NotPrincipal is tried under Deny, the only effect IAM supports it with.
        let negated = testCase.principal.hasPrefix(#""NotPrincipal""#)
        let effect = negated ? "Deny" : "Allow"
        let policy = Fixture.resource(#"{"Effect": "\#(effect)", \#(testCase.principal), "Action": "sqs:*", "Resource": "*"}"#)
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(principal: testCase.caller), identityPolicies: [], resourcePolicy: policy)
        // Whether the statement applies; one naming only the account allows beside an identity policy.
        let applied = negated ? evaluation.decision == .explicitDeny : evaluation.allowSources.resourcePolicy != .none
        #expect(applied == testCase.applies, "\(testCase.name)")
    }

    @Test("An Allow with NotPrincipal (stored before it was refused) grants nobody anything")
    func allowWithNotPrincipal() {
        let policy = Fixture.resource(
            #"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "sqs:*", "Resource": "*"}"#)
        for caller in [MatchCases.bob, nil] {
            let evaluation = PolicyEvaluator.evaluate(Fixture.request(principal: caller), identityPolicies: [], resourcePolicy: policy)
            #expect(evaluation.allowSources.resourcePolicy == .none)
        }
    }
}
