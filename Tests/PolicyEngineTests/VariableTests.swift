import PolicyEngine
import Testing

/// Policy variables: substitution, defaults, escapes, versions and unresolvable variables.
@Suite struct VariableTests {
    func decide(_ statement: String, version: String? = "2012-10-17", resource: String = Fixture.queue, context: [String: [String]]) -> Decision {
        Fixture.decide(Fixture.identity(statement, version: version), Fixture.request(resource: resource, context: context))
    }

    @Test func usernameInResource() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:111122223333:${aws:username}-*"}"#
        #expect(decide(statement, resource: "arn:aws:sqs:us-east-1:111122223333:alice-inbox", context: ["aws:username": ["alice"]]) == .allowed)
        #expect(decide(statement, resource: "arn:aws:sqs:us-east-1:111122223333:bob-inbox", context: ["aws:username": ["alice"]]) == .implicitDeny)
    }

    @Test func unresolvableVariableMakesTheStatementNotMatch() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:111122223333:${aws:username}*"}"#
        #expect(decide(statement, resource: "arn:aws:sqs:us-east-1:111122223333:x", context: [:]) == .implicitDeny)
    }

    /// IAM: "the resource that includes a policy variable with no value will not match any
    /// resource", so a NotResource naming it excludes nothing.
    @Test func unresolvableVariableInNotResourceExcludesNothing() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "NotResource": "arn:aws:sqs:*:*:${aws:username}"}"#
        #expect(decide(statement, context: [:]) == .allowed)
        #expect(decide(statement, resource: "arn:aws:sqs:us-east-1:111122223333:bob", context: ["aws:username": ["bob"]]) == .implicitDeny)
        #expect(decide(statement, context: ["aws:username": ["bob"]]) == .allowed)
        let deny = Fixture.identity(
            #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}, {"Effect": "Deny", "Action": "sqs:*", "NotResource": "arn:aws:sqs:*:*:${aws:username}-*"}"#)
        #expect(Fixture.decide(deny, Fixture.request(context: [:])) == .explicitDeny, "a caller without a user name is denied everywhere")
    }

    /// IAM: "Inverted condition operators like StringNotEquals or StringNotLike do match against
    /// a null value"; positive ones match nothing.
    @Test func unresolvableVariableIsANullThatOnlyNegatedOperatorsMatch() {
        let notEquals = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/owner}"}}}"#
        #expect(decide(notEquals, context: ["aws:PrincipalTag/team": ["red"]]) == .allowed)
        #expect(decide(notEquals, context: ["aws:PrincipalTag/team": ["red"], "aws:PrincipalTag/owner": ["blue"]]) == .allowed)
        #expect(decide(notEquals, context: ["aws:PrincipalTag/team": ["red"], "aws:PrincipalTag/owner": ["red"]]) == .implicitDeny)
        let equals = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/owner}"}}}"#
        #expect(decide(equals, context: ["aws:PrincipalTag/team": ["red"]]) == .implicitDeny)
        let notLike = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:${aws:PrincipalAccount}:*"}}}"#
        #expect(decide(notLike, context: ["aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:t"]]) == .allowed)
    }

    /// A null among several values matches nothing, and the others still may.
    @Test func unresolvableValueLeavesTheOtherValuesInForce() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["${aws:username}", "ops"]}}}"#
        #expect(decide(statement, context: ["aws:PrincipalTag/team": ["ops"]]) == .allowed)
        #expect(decide(statement, context: ["aws:PrincipalTag/team": ["dev"]]) == .implicitDeny)
    }

    /// IAM: "you can't use multivalued context keys as policy variables" — one has no value.
    @Test func multivaluedKeysAreNotSubstituted() {
        var context = ConditionContext()
        context.set("aws:TagKeys", ["alpha"], type: .stringList)
        let request = AuthorizationRequest(
            action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:111122223333:alpha", principal: Fixture.user, context: context)
        let plain = Fixture.identity(#"{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:*:${aws:TagKeys}"}"#)
        #expect(Fixture.decide(plain, request) == .implicitDeny)
        let defaulted = Fixture.identity(#"{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:*:${aws:TagKeys, 'alpha'}"}"#)
        #expect(Fixture.decide(defaulted, request) == .allowed, "the default stands in, as for any key without a value")
    }

    @Test func defaultValueIsUsedWhenTheKeyIsAbsent() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:*:team-${aws:PrincipalTag/team, 'none'}"}"#
        #expect(decide(statement, resource: "arn:aws:sqs:us-east-1:111122223333:team-none", context: [:]) == .allowed)
        #expect(decide(statement, resource: "arn:aws:sqs:us-east-1:111122223333:team-red", context: ["aws:PrincipalTag/team": ["red"]]) == .allowed)
        #expect(decide(statement, resource: "arn:aws:sqs:us-east-1:111122223333:team-none", context: ["aws:PrincipalTag/team": ["red"]]) == .implicitDeny)
    }

    @Test func variableKeysAreCaseInsensitive() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${AWS:PrincipalTag/TEAM}"}}}"#
        #expect(decide(statement, context: ["aws:principaltag/team": ["red"]]) == .allowed)
    }

    @Test func escapesAreLiteralCharacters() {
        let star = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalTag/team": "a${*}b"}}}"#
        #expect(decide(star, context: ["aws:PrincipalTag/team": ["a*b"]]) == .allowed)
        #expect(decide(star, context: ["aws:PrincipalTag/team": ["axxb"]]) == .implicitDeny, "${*} is not a wildcard")
        let question = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "why${?}"}}}"#
        #expect(decide(question, context: ["aws:PrincipalTag/team": ["why?"]]) == .allowed)
        let dollar = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/cost": "${$}5"}}}"#
        #expect(decide(dollar, context: ["aws:PrincipalTag/cost": ["$5"]]) == .allowed)
    }

    @Test func substitutedValuesAreLiteralInPatterns() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalTag/team": "${aws:username}"}}}"#
        #expect(decide(statement, context: ["aws:username": ["*"], "aws:PrincipalTag/team": ["anything"]]) == .implicitDeny)
        #expect(decide(statement, context: ["aws:username": ["*"], "aws:PrincipalTag/team": ["*"]]) == .allowed)
    }

    @Test func variablesAreLiteralTextUnderVersion2008() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}}"#
        #expect(decide(statement, version: "2008-10-17", context: ["aws:username": ["red"], "aws:PrincipalTag/team": ["red"]]) == .implicitDeny)
        #expect(decide(statement, version: "2008-10-17", context: ["aws:PrincipalTag/team": ["${aws:username}"]]) == .allowed)
    }

    @Test func variablesAreLiteralTextWithoutAVersion() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}}"#
        #expect(decide(statement, version: nil, context: ["aws:username": ["red"], "aws:PrincipalTag/team": ["red"]]) == .implicitDeny)
    }

    @Test func variablesWorkInArnOperators() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:${aws:PrincipalAccount}:*"}}}"#
        #expect(decide(statement, context: ["aws:PrincipalAccount": ["111122223333"], "aws:SourceArn": ["arn:aws:sns:us-east-1:111122223333:t"]]) == .allowed)
        #expect(decide(statement, context: ["aws:PrincipalAccount": ["111122223333"], "aws:SourceArn": ["arn:aws:sns:us-east-1:444455556666:t"]]) == .implicitDeny)
    }

    @Test func variablesAreNotSubstitutedInNumericOperators() {
        #expect(throws: PolicyError.self) {
            try Policy.parse(
                #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericEquals": {"k": "${aws:username}"}}}}"#,
                kind: .identity, id: "p")
        }
    }

    @Test func ignoreCaseComparesTheSubstitutedValue() {
        let statement = #"{"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "${aws:username}"}}}"#
        #expect(decide(statement, context: ["aws:username": ["ALICE"], "aws:PrincipalTag/team": ["alice"]]) == .allowed)
    }
}
