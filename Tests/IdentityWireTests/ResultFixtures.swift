import IdentityWire

/// A representative simulation answer: a resource-specific allow with a permissions boundary, and an implicit
/// deny with missing context, decision details and a truncated page.
enum ResultFixtures {
    static let queueArn = "arn:aws:sqs:us-east-1:000000000000:orders"

    static let allowStatement = SimulatedStatement(
        sourcePolicyId: "PolicyInputList.1", sourcePolicyType: .iamPolicy, startPosition: Position(line: 1, column: 38),
        endPosition: Position(line: 1, column: 121))

    static let simulation = SimulationResult(
        evaluationResults: [
            EvaluationResult(
                evalActionName: "sqs:SendMessage", evalResourceName: queueArn, evalDecision: .allowed,
                matchedStatements: [allowStatement], allowedByPermissionsBoundary: true,
                resourceSpecificResults: [
                    ResourceSpecificResult(
                        evalResourceName: queueArn, evalResourceDecision: .allowed, matchedStatements: [allowStatement],
                        evalDecisionDetails: ["IAM Policy": .allowed], allowedByPermissionsBoundary: true)
                ]),
            EvaluationResult(
                evalActionName: "sqs:DeleteQueue", evalResourceName: "*", evalDecision: .implicitDeny,
                missingContextValues: ["aws:SourceIp", "aws:CurrentTime"], allowedByOrganizations: true,
                evalDecisionDetails: ["IAM Policy": .implicitDeny, queueArn: .explicitDeny]),
        ],
        isTruncated: true, marker: "page-2")

    static let explanation = SimulationExplanation(results: [
        ResultExplanation(
            actionName: "sqs:SendMessage", resourceName: queueArn,
            statements: [
                SimulatedStatementExplanation(
                    sourcePolicyId: "PolicyInputList.1", sid: "SendFromOffice", effect: "Allow", matched: true,
                    reason: "Action, Resource and every condition match",
                    conditions: [
                        SimulatedConditionExplanation(
                            conditionOperator: "IpAddress", key: "aws:SourceIp", requestValues: ["10.1.2.3"],
                            policyValues: ["10.0.0.0/8"], result: true)
                    ])
            ]),
        ResultExplanation(
            actionName: "sqs:DeleteQueue", resourceName: "*",
            statements: [
                SimulatedStatementExplanation(
                    sourcePolicyId: "PolicyInputList.1", effect: "Deny", matched: false, reason: "Condition \"aws:CurrentTime\" is absent",
                    conditions: [
                        SimulatedConditionExplanation(
                            conditionOperator: "DateGreaterThan", key: "aws:CurrentTime", requestValues: nil,
                            policyValues: ["2030-01-01T00:00:00Z"], result: false)
                    ])
            ]),
    ])
}
