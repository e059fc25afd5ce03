import Foundation
import PolicyEngine
import Testing

/// Every finding of `PolicyValidator`, with its severity, code and position.
@Suite struct ValidatorTests {
    func findings(_ text: String, kind: PolicyKind = .identity, quotas: PolicyQuotas? = nil) -> [ValidationFinding] {
        PolicyValidator.validate(text, kind: kind, quotas: quotas)
    }

    func only(_ code: String, in findings: [ValidationFinding]) -> ValidationFinding? {
        let matching = findings.filter { $0.code == code }
        #expect(matching.count == 1, "expected one \(code) in \(findings)")
        return matching.first
    }

    @Test func cleanPolicyHasNoFindings() {
        let text = #"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:111122223333:orders", "Condition": {"StringLike": {"aws:PrincipalTag/team": "red-*"}}}]}"#
        #expect(findings(text).isEmpty)
    }

    @Test func actionsOfAFullyKnownServiceMustExist() {
        let known = ["sqs": Set(["sendmessage", "receivemessage", "deletemessage"])]
        let text = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:SendMesage", "sqs:Receive*", "SQS:DeleteMessage", "sqs:Frob*", "s3:Anything", "iam:PassRole"], "Resource": "*"}]}"#
        let result = PolicyValidator.validate(text, kind: .identity, knownActions: known)
        #expect(result.map(\.code) == ["INVALID_ACTION", "INVALID_ACTION", "SERVICE_NOT_SERVED"])
        #expect(
            result.map(\.position?.column) == [
                text.distance(to: "\"sqs:SendMesage\""), text.distance(to: "\"sqs:Frob*\""), text.distance(to: "\"s3:Anything\""),
            ])
        #expect(result.last?.severity == .suggestion)
        #expect(findings(text).isEmpty, "without known actions, nothing is checked")
    }

    @Test func globalConditionKeysMustExist() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceIpp": "x", "AWS:sourceip": "10.0.0.1", "aws:TagKeys": "a", "aws:RequestTag/t": "b", "sqs:MessageGroupId": "g", "aws:AssumedRoot": "true", "AWS:SourceOwner": "1"}}}}"#
        let finding = only("UNKNOWN_GLOBAL_CONDITION_KEY", in: findings(text))
        #expect(finding?.severity == .warning && finding?.position?.column == text.distance(to: "\"aws:SourceIpp\""))
    }

    @Test func resourcePartitionsMustBeAWSs() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": ["arn:foo:sqs:*:*:q", "arn:aws-us-gov:sqs:*:*:q", "arn:*:sqs:*:*:q", "arn:${aws:username}:sqs:*:*:q", "*"]}}"#
        let finding = only("INVALID_PARTITION", in: findings(text))
        #expect(finding?.severity == .error && finding?.position?.column == text.distance(to: "\"arn:foo"))
    }

    @Test func jsonSyntaxErrorIsTheOnlyFinding() {
        let result = findings("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]\n}")
        #expect(result.count == 1)
        #expect(result.first?.severity == .error && result.first?.code == "JSON_SYNTAX_ERROR")
        #expect(result.first?.position == SourcePosition(line: 3, column: 17))
    }

    @Test func grammarErrorIsReportedWithTheOtherFindings() {
        let text = "{\n  \"Statement\": {\"Effect\": \"Allow\", \"Resource\": \"*\"}\n}"
        let result = findings(text)
        #expect(result.map(\.code) == ["MISSING_VERSION", "MISSING_ACTION"])
        #expect(result[1].severity == .error && result[1].position == SourcePosition(line: 2, column: 16))
    }

    @Test func missingVersion() {
        let finding = only("MISSING_VERSION", in: findings(#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#))
        #expect(finding?.severity == .warning && finding?.position == SourcePosition(line: 1, column: 1))
    }

    @Test func forAllValuesWithASingleValuedKey() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ForAllValues:IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "ForAllValues:StringEquals": {"aws:TagKeys": "a", "aws:PrincipalTag/team": "x"}}}}"#
        let result = findings(text).filter { $0.code == "FORALLVALUES_WITH_SINGLE_VALUED_KEY" }
        #expect(result.count == 2, "aws:SourceIp and aws:PrincipalTag/team, not the multivalued aws:TagKeys")
        #expect(result.allSatisfy { $0.severity == .securityWarning })
        #expect(result.first?.position == SourcePosition(line: 1, column: 133))
    }

    @Test func forAnyValueWithASingleValuedKeyIsNotFlagged() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalArn": "a"}}}}"#
        #expect(findings(text).isEmpty)
    }

    @Test func allowWithNotPrincipal() {
        let text = "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\",\n \"NotPrincipal\": {\"AWS\": \"111122223333\"}, \"Action\": \"sqs:*\", \"Resource\": \"*\"}}"
        let finding = only("ALLOW_WITH_NOT_PRINCIPAL", in: findings(text, kind: .resource))
        #expect(finding?.severity == .error && finding?.position == SourcePosition(line: 2, column: 2), "SQS and KMS refuse it")
    }

    @Test func denyWithNotPrincipalIsFine() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "sqs:*", "Resource": "*"}}"#
        #expect(findings(text, kind: .resource).isEmpty)
    }

    @Test func nullWithIfExists() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}}}"#
        let finding = only("NULL_WITH_IF_EXISTS", in: findings(text))
        #expect(finding?.severity == .error && finding?.position == SourcePosition(line: 1, column: 106))
        // The evaluator refuses the policy too, as IAM does (it was accepted and read as Null).
        #expect(throws: PolicyError.self) { try Policy.parse(text, kind: .identity, id: "p") }
    }

    @Test func wildcardInAnEqualsOperator() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["red", "blue-*"]}, "ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:*:t"}, "StringLike": {"aws:UserAgent": "x*"}}}}"#
        let result = findings(text).filter { $0.code == "WILDCARD_WITHOUT_LIKE_OPERATOR" }
        #expect(result.count == 2, "StringEquals and ArnEquals, not StringLike")
        #expect(result.first?.severity == .warning && result.first?.position == SourcePosition(line: 1, column: 156))
    }

    @Test func escapedWildcardInEqualsIsFine() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a${*}"}}}}"#
        #expect(findings(text).isEmpty)
    }

    @Test func variablesUnderVersion2008() {
        let text = #"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:sqs:*:*:${aws:username}", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}, "NumericEquals": {"k": "1"}}}}"#
        let result = findings(text).filter { $0.code == "VARIABLE_UNSUPPORTED_IN_VERSION" }
        #expect(result.map(\.position) == [SourcePosition(line: 1, column: 87), SourcePosition(line: 1, column: 178)])
    }

    @Test func variablesWithoutAVersionAreFlaggedToo() {
        let text = #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:sqs:*:*:${aws:username}"}}"#
        #expect(findings(text).map(\.code) == ["MISSING_VERSION", "VARIABLE_UNSUPPORTED_IN_VERSION"])
    }

    @Test func duplicateSids() {
        let text = "{\"Version\": \"2012-10-17\", \"Statement\": [\n{\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n{\"Sid\": \"A\", \"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]}"
        let finding = only("UNIQUE_SIDS_REQUIRED", in: findings(text))
        #expect(finding?.severity == .error && finding?.position == SourcePosition(line: 3, column: 9))
    }

    @Test func identityPolicySidsHoldOnlyLettersAndDigits() {
        let text = #"{"Version": "2012-10-17", "Statement": [{"Sid": "my sid!", "Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "Ok2", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#
        #expect(findings(text).map(\.code) == ["INVALID_SID"])
        let queuePolicy = #"{"Version": "2012-10-17", "Statement": {"Sid": "add-permission_label", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}}"#
        #expect(findings(queuePolicy, kind: .resource).isEmpty, "resource policies (AddPermission labels) take - and _")
    }

    @Test func variablesBeforeTheResourcePartAreErrors() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": ["arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:q", "arn:aws:sqs:*:*:${aws:username}-*"]}}"#
        #expect(findings(text).map(\.code) == ["VARIABLE_BEFORE_RESOURCE"])
        #expect(findings(text).first?.severity == .warning, "a warning: queue policies holding one are still accepted")
    }

    @Test func emptyArraysAndObjectsAreSuggestions() {
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": []}, "Action": [], "Resource": [], "Condition": {}}}"#
        let result = findings(text, kind: .resource)
        #expect(result.filter { $0.severity == .suggestion }.map(\.code) == ["EMPTY_ARRAY_PRINCIPAL", "EMPTY_ARRAY_ACTION", "EMPTY_ARRAY_RESOURCE", "EMPTY_OBJECT_CONDITION"])
    }

    @Test func sqsQueuePolicyQuotas() {
        let statements = (0..<21).map { index in
            #"{"Sid": "S\#(index)-padding-to-push-the-policy-past-eight-kilobytes", "Effect": "Allow", "Principal": {"AWS": ["111122223333", "444455556666", "777788889999"]}, "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility", "sqs:ListQueueTags", "sqs:PurgeQueue"], "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#
        }
        let text = "{\"Version\": \"2012-10-17\", \"Statement\": [\n" + statements.joined(separator: ",\n") + "]}"
        let result = findings(text, kind: .resource, quotas: .sqsQueuePolicy)
        #expect(only("POLICY_SIZE_EXCEEDED", in: result)?.position == SourcePosition(line: 1, column: 1))
        #expect(only("STATEMENT_QUOTA_EXCEEDED", in: result)?.position == SourcePosition(line: 22, column: 1))
        #expect(only("PRINCIPAL_QUOTA_EXCEEDED", in: result)?.position?.line == 18, "the 51st principal is in statement 17")
        #expect(only("CONDITION_QUOTA_EXCEEDED", in: result)?.position?.line == 12, "the 11th condition is in statement 11")
        #expect(result.filter { $0.code == "ACTION_QUOTA_EXCEEDED" }.count == 21)
        #expect(result.allSatisfy { $0.severity == .error })
    }

    @Test func quotasAreNotCheckedUnlessGiven() {
        let actions = (0..<8).map { "\"sqs:A\($0)\"" }.joined(separator: ", ")
        let text = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": [\#(actions)], "Resource": "*"}}"#
        #expect(findings(text, kind: .resource).isEmpty)
        #expect(findings(text, kind: .resource, quotas: .sqsQueuePolicy).map(\.code) == ["ACTION_QUOTA_EXCEEDED"])
    }

    @Test func identityPolicySizeIgnoresWhitespace() {
        let padding = String(repeating: " ", count: 7_000)
        let text = #"{"Version": "2012-10-17",\#(padding) "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#
        #expect(findings(text, quotas: .identityPolicy).isEmpty)
        let long = #"{"Version": "2012-10-17", "Id": "\#(String(repeating: "x", count: 6_200))", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#
        #expect(findings(long, quotas: .identityPolicy).map(\.code) == ["POLICY_SIZE_EXCEEDED"])
    }

    @Test func findingsAreOrderedByPositionAndDescribeThemselves() {
        let text = "{\"Statement\": [\n{\"Sid\": \"A\", \"Effect\": \"Allow\", \"NotPrincipal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"},\n{\"Sid\": \"A\", \"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}]}"
        let result = findings(text, kind: .resource)
        #expect(result.map(\.code) == ["MISSING_VERSION", "ALLOW_WITH_NOT_PRINCIPAL", "UNIQUE_SIDS_REQUIRED"])
        #expect(result[0].description.hasPrefix("WARNING MISSING_VERSION at line 1, column 1: "))
        #expect(ValidationFinding.Severity.securityWarning.rawValue == "SECURITY_WARNING")
    }
}

extension String {
    /// The 1-based column of the first `needle` in this one-line text.
    fileprivate func distance(to needle: String) -> Int {
        distance(from: startIndex, to: range(of: needle)!.lowerBound) + 1
    }
}
