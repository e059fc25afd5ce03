import WireFormat

/// What `aws iam simulate-custom-policy` and `aws sts get-caller-identity` print with the default `json` output.
public enum AWSCLIOutput {
    /// The simulation as awscli prints it after following every page: only `EvaluationResults` (awscli drops
    /// `IsTruncated` and `Marker`, which are paging plumbing), members in the model's order, empty lists as `[]`.
    /// With `explanation`, a top-level `Explanation` key follows, one entry per evaluation result.
    public static func simulation(_ result: SimulationResult, explanation: SimulationExplanation? = nil) -> [UInt8] {
        var document: [(String, OutputNode)] = [("EvaluationResults", IdentityResultTree.evaluationResults(result.evaluationResults))]
        if let explanation { document.append(("Explanation", IdentityResultTree.list(explanation.results.map(node)))) }
        return AWSCLIJSONWriter.document(.structure(document))
    }

    /// The caller identity as `aws sts get-caller-identity` prints it.
    public static func callerIdentity(_ identity: CallerIdentity) -> [UInt8] {
        AWSCLIJSONWriter.document(IdentityResultTree.callerIdentity(identity))
    }

    private static func node(_ result: ResultExplanation) -> OutputNode {
        .structure([
            ("EvalActionName", .text(result.actionName)), ("EvalResourceName", .text(result.resourceName)),
            ("Statements", IdentityResultTree.list(result.statements.map(node))),
        ])
    }

    private static func node(_ statement: SimulatedStatementExplanation) -> OutputNode {
        var members: [(String, OutputNode)] = [("SourcePolicyId", .text(statement.sourcePolicyId))]
        if let sid = statement.sid { members.append(("Sid", .text(sid))) }
        members += [
            ("Effect", .text(statement.effect)), ("Matched", .boolean(statement.matched)), ("Reason", .text(statement.reason)),
            ("Conditions", IdentityResultTree.list(statement.conditions.map(node))),
        ]
        return .structure(members)
    }

    private static func node(_ condition: SimulatedConditionExplanation) -> OutputNode {
        var members: [(String, OutputNode)] = [("Operator", .text(condition.conditionOperator)), ("Key", .text(condition.key))]
        if let values = condition.requestValues { members.append(("RequestValues", texts(values))) }
        members += [("PolicyValues", texts(condition.policyValues)), ("Result", .boolean(condition.result))]
        return .structure(members)
    }

    private static func texts(_ values: [String]) -> OutputNode {
        IdentityResultTree.list(values.map { .text($0) })
    }
}
