import PolicyEngine
import Testing

/// Deny-over-allow, identity and resource policies together, boundaries, matched statements,
/// missing context keys and explanations.
@Suite struct EvaluationLogicTests {
    let allowSend = Fixture.identity(#"{"Sid": "Send", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}"#, id: "allow-send")
    let denyAll = Fixture.identity(#"{"Sid": "Stop", "Effect": "Deny", "Action": "*", "Resource": "*"}"#, id: "deny-all")

    @Test func noPoliciesIsAnImplicitDeny() {
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [], resourcePolicy: nil)
        #expect(evaluation.decision == .implicitDeny)
        #expect(evaluation.matchedStatements.isEmpty)
        #expect(evaluation.allowedByPermissionsBoundary == nil)
        #expect(evaluation.explanation.isEmpty)
    }

    @Test func explicitDenyWinsOverAnAllowInAnotherPolicy() {
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [allowSend, denyAll], resourcePolicy: nil)
        #expect(evaluation.decision == .explicitDeny)
        #expect(evaluation.matchedStatements.map(\.sid) == ["Stop"], "only the deny statement is listed")
        #expect(evaluation.matchedStatements.first?.policyId == "deny-all")
        #expect(evaluation.matchedStatements.first?.effect == .deny)
    }

    @Test func denyInTheResourcePolicyWinsOverAnIdentityAllow() {
        let queuePolicy = Fixture.resource(#"{"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}"#)
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [allowSend], resourcePolicy: queuePolicy)
        #expect(evaluation.decision == .explicitDeny)
        #expect(evaluation.matchedStatements.map(\.kind) == [.resource])
    }

    @Test func allowListsTheAllowingStatements() {
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [allowSend], resourcePolicy: nil)
        #expect(evaluation.decision == .allowed)
        #expect(evaluation.matchedStatements.map(\.sid) == ["Send"])
        #expect(evaluation.matchedStatements.first?.start == SourcePosition(line: 1, column: 41))
    }

    @Test func resourcePolicyAloneCanAllow() {
        let queuePolicy = Fixture.resource(
            #"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "sqs:SendMessage", "Resource": "*"}"#)
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [], resourcePolicy: queuePolicy)
        #expect(evaluation.decision == .allowed)
        #expect(evaluation.matchedStatements.map(\.kind) == [.resource])
    }

    @Test func resourcePolicyForAnotherPrincipalDoesNotAllow() {
        let queuePolicy = Fixture.resource(#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "sqs:*", "Resource": "*"}"#)
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [], resourcePolicy: queuePolicy)
        #expect(evaluation.decision == .implicitDeny)
    }

    @Test func anonymousCallerOnlyMatchesEveryonePrincipals() {
        let account = Fixture.resource(#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sqs:*", "Resource": "*"}"#)
        let everyone = Fixture.resource(#"{"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}"#)
        let anonymous = Fixture.request(principal: nil)
        #expect(PolicyEvaluator.evaluate(anonymous, identityPolicies: [], resourcePolicy: account).decision == .implicitDeny)
        #expect(PolicyEvaluator.evaluate(anonymous, identityPolicies: [], resourcePolicy: everyone).decision == .allowed)
    }

    @Test func denyWithNotPrincipalDeniesEveryoneElse() {
        let queuePolicy = Fixture.resource(
            #"{"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}, {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:user/alice", "111122223333"]}, "Action": "sqs:*", "Resource": "*"}"#)
        let alice = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [], resourcePolicy: queuePolicy)
        let bob = PolicyEvaluator.evaluate(
            Fixture.request(principal: RequestPrincipal(arn: "arn:aws:iam::111122223333:user/bob", accountId: "111122223333")),
            identityPolicies: [], resourcePolicy: queuePolicy)
        #expect(alice.decision == .allowed)
        #expect(bob.decision == .explicitDeny)
    }

    // MARK: Permissions boundaries

    let boundarySQSOnly = Fixture.identity(#"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}"#, id: "boundary")
    let boundaryReceiveOnly = Fixture.identity(#"{"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*"}"#, id: "boundary")

    @Test func identityAllowInsideTheBoundaryIsAllowed() {
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(), identityPolicies: [allowSend], resourcePolicy: nil, permissionsBoundaries: [boundarySQSOnly])
        #expect(evaluation.decision == .allowed)
        #expect(evaluation.allowedByPermissionsBoundary == true)
    }

    @Test func identityAllowOutsideTheBoundaryIsAnImplicitDeny() {
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(), identityPolicies: [allowSend], resourcePolicy: nil, permissionsBoundaries: [boundaryReceiveOnly])
        #expect(evaluation.decision == .implicitDeny)
        #expect(evaluation.allowedByPermissionsBoundary == false)
        #expect(evaluation.matchedStatements.isEmpty)
    }

    @Test func boundaryAloneGrantsNothing() {
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(), identityPolicies: [], resourcePolicy: nil, permissionsBoundaries: [boundarySQSOnly])
        #expect(evaluation.decision == .implicitDeny)
        #expect(evaluation.allowedByPermissionsBoundary == true)
    }

    @Test func everyBoundaryMustAllow() {
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(), identityPolicies: [allowSend], resourcePolicy: nil,
            permissionsBoundaries: [boundarySQSOnly, boundaryReceiveOnly])
        #expect(evaluation.decision == .implicitDeny)
        #expect(evaluation.allowedByPermissionsBoundary == false)
    }

    @Test func denyInTheBoundaryIsAnExplicitDeny() {
        let boundary = Fixture.identity(
            #"{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "NoSend", "Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*"}"#,
            id: "boundary")
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(), identityPolicies: [allowSend], resourcePolicy: nil, permissionsBoundaries: [boundary])
        #expect(evaluation.decision == .explicitDeny)
        #expect(evaluation.matchedStatements.map(\.policyId) == ["boundary"])
    }

    @Test func resourcePolicyNamingTheUserArnIsNotLimitedByTheBoundary() {
        let queuePolicy = Fixture.resource(
            #"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "sqs:SendMessage", "Resource": "*"}"#)
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(), identityPolicies: [], resourcePolicy: queuePolicy, permissionsBoundaries: [boundaryReceiveOnly])
        #expect(evaluation.decision == .allowed)
        #expect(evaluation.allowedByPermissionsBoundary == false)
    }

    @Test func resourcePolicyNamingTheAccountIsLimitedByTheBoundary() {
        let queuePolicy = Fixture.resource(
            #"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sqs:SendMessage", "Resource": "*"}"#)
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(), identityPolicies: [], resourcePolicy: queuePolicy, permissionsBoundaries: [boundaryReceiveOnly])
        #expect(evaluation.decision == .implicitDeny)
    }

    @Test func resourcePolicyNamingTheRoleIsLimitedButNamingTheSessionIsNot() {
        let session = RequestPrincipal(arn: "arn:aws:sts::111122223333:assumed-role/app/s1", accountId: "111122223333")
        let byRole = Fixture.resource(
            #"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "sqs:*", "Resource": "*"}"#)
        let bySession = Fixture.resource(
            #"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/app/s1"}, "Action": "sqs:*", "Resource": "*"}"#)
        let request = Fixture.request(principal: session)
        #expect(PolicyEvaluator.evaluate(request, identityPolicies: [], resourcePolicy: byRole, permissionsBoundaries: [boundaryReceiveOnly]).decision == .implicitDeny)
        #expect(PolicyEvaluator.evaluate(request, identityPolicies: [], resourcePolicy: bySession, permissionsBoundaries: [boundaryReceiveOnly]).decision == .allowed)
    }

    // MARK: Missing context keys

    @Test func missingKeysOfApplicableStatementsAreListedSortedAndUnique() {
        let policy = Fixture.identity(
            #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red", "aws:SourceVpc": "vpc-1"}, "Bool": {"aws:securetransport": "true"}}}, {"Effect": "Deny", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:principaltag/TEAM": "blue"}}}"#)
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(context: ["aws:SourceVpc": ["vpc-1"]]), identityPolicies: [policy], resourcePolicy: nil)
        #expect(evaluation.missingContextKeys == ["aws:PrincipalTag/team", "aws:securetransport"])
    }

    @Test func keysOfStatementsWhoseActionDiffersAreNotMissing() {
        let policy = Fixture.identity(
            #"{"Effect": "Allow", "Action": "sqs:DeleteQueue", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}"#)
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [policy], resourcePolicy: nil)
        #expect(evaluation.missingContextKeys.isEmpty)
    }

    @Test func keysOfStatementsWhosePrincipalDiffersAreNotMissing() {
        let policy = Fixture.resource(
            #"{"Effect": "Allow", "Principal": {"AWS": "999999999999"}, "Action": "sqs:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#)
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [], resourcePolicy: policy)
        #expect(evaluation.missingContextKeys.isEmpty)
    }

    @Test func unresolvedVariableKeysAreMissing() {
        let policy = Fixture.identity(#"{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:*:${aws:username}-*"}"#)
        let evaluation = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [policy], resourcePolicy: nil)
        #expect(evaluation.decision == .implicitDeny)
        #expect(evaluation.missingContextKeys == ["aws:username"])
    }

    // MARK: Explanations

    @Test func explanationCoversEveryStatementOfEveryPolicy() {
        let identity = Fixture.identity(
            #"{"Sid": "A", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalTag/team": "${aws:username}-*"}}}, {"Sid": "B", "Effect": "Allow", "Action": "sqs:DeleteQueue", "Resource": "*"}"#)
        let queuePolicy = Fixture.resource(#"{"Sid": "C", "Effect": "Deny", "Principal": {"AWS": "999999999999"}, "Action": "sqs:*", "Resource": "*"}"#)
        let request = Fixture.request(context: ["aws:username": ["alice"], "aws:PrincipalTag/team": ["alice-ops"]])
        let evaluation = PolicyEvaluator.evaluate(request, identityPolicies: [identity], resourcePolicy: queuePolicy, explain: true)
        #expect(evaluation.decision == .allowed)
        #expect(evaluation.explanation.map(\.sid) == ["A", "B", "C"])
        let a = evaluation.explanation[0]
        #expect(a.matched && a.actionMatched && a.resourceMatched && a.principalMatched == nil)
        #expect(a.conditions == [
            ConditionExplanation(
                operator: "StringLike", key: "aws:PrincipalTag/team", keyPresent: true, requestValues: ["alice-ops"],
                policyValues: ["alice-*"], result: true)
        ])
        let b = evaluation.explanation[1]
        #expect(!b.actionMatched && b.resourceMatched && !b.matched)
        let c = evaluation.explanation[2]
        #expect(c.kind == .resource && c.principalMatched == false && c.actionMatched && !c.matched)
        #expect(c.start == SourcePosition(line: 1, column: 41))
    }

    @Test func explanationReportsAbsentKeysAndFailedConditions() {
        let identity = Fixture.identity(
            #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": ["a", "b"]}, "NumericLessThan": {"s3:max-keys": 10}}}"#)
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(context: ["s3:max-keys": ["12"]]), identityPolicies: [identity], resourcePolicy: nil, explain: true)
        #expect(evaluation.decision == .implicitDeny)
        let conditions = evaluation.explanation[0].conditions
        #expect(conditions.count == 2)
        #expect(conditions[0].operator == "ForAnyValue:StringEqualsIfExists")
        #expect(conditions[0].keyPresent == false && conditions[0].requestValues == [] && conditions[0].result == true)
        #expect(conditions[0].policyValues == ["a", "b"])
        #expect(conditions[1].policyValues == ["10"] && conditions[1].requestValues == ["12"] && conditions[1].result == false)
        #expect(evaluation.explanation[0].matched == false)
    }

    @Test func explanationMarksBoundaryStatements() {
        let evaluation = PolicyEvaluator.evaluate(
            Fixture.request(), identityPolicies: [allowSend], resourcePolicy: nil, permissionsBoundaries: [boundarySQSOnly],
            explain: true)
        #expect(evaluation.explanation.map(\.isPermissionsBoundary) == [false, true])
    }

    @Test func explainedAndPlainEvaluationsAgree() {
        let policies = [allowSend, denyAll, boundarySQSOnly]
        for action in ["sqs:SendMessage", "sqs:ReceiveMessage"] {
            for identity in [[policies[0]], [policies[0], policies[1]], [policies[2]]] {
                let request = Fixture.request(action: action)
                let plain = PolicyEvaluator.evaluate(request, identityPolicies: identity, resourcePolicy: nil)
                let explained = PolicyEvaluator.evaluate(request, identityPolicies: identity, resourcePolicy: nil, explain: true)
                #expect(plain.decision == explained.decision)
                #expect(plain.matchedStatements == explained.matchedStatements)
            }
        }
    }

    @Test func contextKeysAreCaseInsensitive() {
        var context = ConditionContext()
        context.set("aws:SourceIp", ["192.0.2.1"], type: .ip)
        #expect(context.values("AWS:SOURCEIP") == ["192.0.2.1"])
        #expect(context.type(of: "aws:sourceip") == .ip)
        context.remove("aws:sourceIP")
        #expect(context.values("aws:SourceIp") == nil)
    }

    @Test func rawValuesFollowIAM() {
        #expect(Decision.explicitDeny.rawValue == "explicitDeny")
        #expect(ContextValueType.stringList.rawValue == "stringList")
        #expect(ContextValueType.ipList.isList && !ContextValueType.ip.isList)
    }

    @Test(
        "allowSources tells a grant to the caller from a delegation to its account (KMS key policies)",
        arguments: [
            (#""arn:aws:iam::111122223333:root""#, AllowSources.ResourcePolicyAllow.account),
            (#""111122223333""#, .account),
            (#""arn:aws:iam::111122223333:user/alice""#, .caller),
            (#""*""#, .caller),
            (#"["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice"]"#, .caller),
            (#""arn:aws:iam::999999999999:root""#, .none),
        ])
    func allowSourcesOfAResourcePolicy(principal: String, expected: AllowSources.ResourcePolicyAllow) {
        let keyPolicy = Fixture.resource(#"{"Effect": "Allow", "Principal": {"AWS": \#(principal)}, "Action": "*", "Resource": "*"}"#)
        let alone = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [], resourcePolicy: keyPolicy)
        #expect(alone.allowSources == AllowSources(identityPolicy: false, resourcePolicy: expected))
        let withIdentity = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [allowSend], resourcePolicy: keyPolicy)
        #expect(withIdentity.allowSources == AllowSources(identityPolicy: true, resourcePolicy: expected))
    }

    @Test(
        "A resource policy naming only the caller's account delegates: it allows only beside an identity-policy allow",
        arguments: [#""arn:aws:iam::111122223333:root""#, #""111122223333""#])
    func accountPrincipalDelegates(principal: String) {
        let queuePolicy = Fixture.resource(#"{"Effect": "Allow", "Principal": {"AWS": \#(principal)}, "Action": "sqs:*", "Resource": "*"}"#)
        let alone = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [], resourcePolicy: queuePolicy)
        #expect(alone.decision == .implicitDeny && alone.matchedStatements.isEmpty)
        let withIdentity = PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [allowSend], resourcePolicy: queuePolicy)
        #expect(withIdentity.decision == .allowed && withIdentity.matchedStatements.count == 2)
        let namingUser = Fixture.resource(
            #"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "sqs:*", "Resource": "*"}"#)
        #expect(PolicyEvaluator.evaluate(Fixture.request(), identityPolicies: [], resourcePolicy: namingUser).decision == .allowed)
    }

    @Test("dependsOnVolatileKeys is set only when a statement that applied read a volatile key")
    func volatileKeys() {
        let policy = Fixture.identity(
            #"""
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
            {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*"},
            {"Effect": "Deny", "Action": "sqs:ReceiveMessage", "Resource": "arn:aws:sqs:*:*:other", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
            """#)
        let prefixes = ["aws:sourceip", "aws:securetransport"]
        let send = PolicyEvaluator.evaluate(
            Fixture.request(context: ["aws:SourceIp": ["10.1.1.1"]]), identityPolicies: [policy], resourcePolicy: nil,
            volatileKeyPrefixes: prefixes)
        #expect(send.decision == .allowed && send.dependsOnVolatileKeys)
        let receive = PolicyEvaluator.evaluate(
            Fixture.request(action: "sqs:ReceiveMessage"), identityPolicies: [policy], resourcePolicy: nil, volatileKeyPrefixes: prefixes)
        #expect(receive.decision == .allowed && !receive.dependsOnVolatileKeys, "the deny's resource does not match, so its condition is never read")
        let unnamed = PolicyEvaluator.evaluate(Fixture.request(context: ["aws:SourceIp": ["10.1.1.1"]]), identityPolicies: [policy], resourcePolicy: nil)
        #expect(!unnamed.dependsOnVolatileKeys)
        // A variable with a default still reads its key when the request has it: in a condition
        // value, and in a resource (which then decides whether the statement applies at all).
        let defaulted = Fixture.identity(
            #"""
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
            {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"StringNotLike": {"aws:PrincipalTag/agent": "${aws:UserAgent, 'none'}"}}},
            {"Effect": "Deny", "Action": "sqs:DeleteMessage", "Resource": "arn:aws:sqs:*:*:${aws:UserAgent, 'none'}"}
            """#)
        for action in ["sqs:SendMessage", "sqs:DeleteMessage"] {
            let evaluation = PolicyEvaluator.evaluate(
                Fixture.request(action: action, context: ["aws:UserAgent": ["agent-1"]]), identityPolicies: [defaulted],
                resourcePolicy: nil, volatileKeyPrefixes: ["aws:useragent"])
            #expect(evaluation.dependsOnVolatileKeys, "\(action)")
        }
    }
}
