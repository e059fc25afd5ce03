import IdentityWire
import PolicyEngine
import Principals

/// IAM's SimulateCustomPolicy and SimulatePrincipalPolicy on the evaluator that enforces every
/// call: the same answers over the IAM Query API and from `sealq policy simulate`.
///
/// One evaluation result per action and resource (`*` when no resource is given), with the
/// statements that decided, their positions, and the condition keys the policies use that the
/// request did not supply.
public struct PolicySimulator: Sendable {
    let catalog: PrincipalCatalog

    /// A simulator over the principals, groups and managed policies of `catalog` (its account's).
    public init(catalog: PrincipalCatalog) {
        self.catalog = catalog
    }

    /// Runs `request`; with `explain`, also says per statement why it matched or not.
    public func simulate(_ request: SimulationRequest, explain: Bool = false) throws(IdentityError) -> (SimulationResult, SimulationExplanation?) {
        let input = request.input
        // IAM: "You can specify only the ARN of an IAM user. You cannot specify the ARN of an
        // assumed role, federated user, or a service principal."
        if let arn = input.callerArn, !Self.isUserArn(arn) {
            throw .invalidInput("CallerArn must be the ARN of an IAM user: \(arn) is not.")
        }
        var identityPolicies: [Policy] = []
        var principal: RequestPrincipal?
        switch request.operation {
        case .custom:
            if let arn = input.callerArn { principal = RequestPrincipal(arn: arn, accountId: Authorizer.owner(of: arn) ?? "") }
        case .principal(let policySourceArn):
            if input.resourcePolicy != nil, policySourceArn.contains(":role/") {
                throw .invalidInput("Simulation of resource-based policies isn't supported for IAM roles.")
            }
            let (policies, caller) = try policiesOf(policySourceArn)
            identityPolicies = policies
            // IAM: with both, "you simulate calling the API operations as Bob, as if Bob had
            // David's policies": CallerArn is the caller, PolicySourceArn only lends its policies.
            principal = input.callerArn.map { RequestPrincipal(arn: $0, accountId: Authorizer.owner(of: $0) ?? "") } ?? caller
        }
        for (index, text) in (input.policyInputList ?? []).enumerated() {
            identityPolicies.append(try Self.parse(text, kind: .identity, id: "PolicyInputList.\(index + 1)"))
        }
        let boundaries = try (input.permissionsBoundaryPolicyInputList ?? []).enumerated().map { (index, text) throws(IdentityError) in
            try Self.parse(text, kind: .identity, id: "PermissionsBoundaryPolicyInputList.\(index + 1)")
        }
        var resourcePolicy: Policy?
        if let text = input.resourcePolicy {
            guard principal != nil else {
                throw .invalidInput("CallerArn must be specified to simulate a policy with a resource policy.")
            }
            resourcePolicy = try Self.parse(text, kind: .resource, id: "ResourcePolicy")
        }
        var context = ConditionContext()
        for entry in input.contextEntries ?? [] {
            guard let name = entry.contextKeyName else { continue }
            let type = entry.contextKeyType.flatMap { ContextValueType(rawValue: $0.rawValue) } ?? .string
            context.set(name, entry.contextKeyValues ?? [], type: type)
        }
        let resources = (input.resourceArns ?? []).isEmpty ? ["*"] : input.resourceArns!
        // Only the page asked for is evaluated (action-major, as listed): a call naming thousands
        // of actions and resources costs one page's work, not the whole grid's.
        let pairs = input.actionNames.count * resources.count
        let start = try Self.pageStart(input, count: pairs)
        let end = min(pairs, start + (input.maxItems ?? 100))
        var results: [EvaluationResult] = []
        var explanations: [ResultExplanation] = []
        for index in start..<end {
            let action = input.actionNames[index / resources.count]
            let resource = resources[index % resources.count]
            var evaluation = PolicyEvaluator.evaluate(
                AuthorizationRequest(action: action, resource: resource, principal: principal, context: context),
                identityPolicies: identityPolicies, resourcePolicy: resourcePolicy, permissionsBoundaries: boundaries,
                explain: explain)
            let crossAccount = principal.map { principal in
                Self.owner(of: resource, resourceOwner: input.resourceOwner).map { $0 != principal.accountId } ?? false
            } ?? false
            if crossAccount { Self.applyCrossAccountRule(to: &evaluation) }
            let decision = EvalDecision(rawValue: evaluation.decision.rawValue) ?? .implicitDeny
            let matched = evaluation.matchedStatements.map { statement in
                SimulatedStatement(
                    sourcePolicyId: statement.policyId,
                    sourcePolicyType: statement.kind == .resource ? .resourcePolicy : .iamPolicy,
                    // IAM reports a statement as starting just after its `{`.
                    startPosition: Position(line: statement.start.line, column: statement.start.column + 1),
                    endPosition: Position(line: statement.end.line, column: statement.end.column))
            }
            var result = EvaluationResult(
                evalActionName: action, evalResourceName: resource, evalDecision: decision, matchedStatements: matched,
                missingContextValues: evaluation.missingContextKeys, allowedByPermissionsBoundary: evaluation.allowedByPermissionsBoundary)
            // IAM: EvalDecisionDetails "is populated for only cross-account simulations. It
            // contains a brief summary of how each policy type contributes to the final
            // evaluation decision"; within one account it is empty with a resource ARN and
            // absent for `*`.
            if crossAccount {
                result.evalDecisionDetails = Self.decisionsByPolicyType(evaluation, resourcePolicy: resourcePolicy != nil)
            } else if resource != "*" {
                result.evalDecisionDetails = [:]
            }
            if resource != "*" {
                // IAM: with ResourceArns, missing context values are "instead included under
                // the ResourceSpecificResults section".
                result.missingContextValues = []
                result.resourceSpecificResults = [
                    ResourceSpecificResult(
                        evalResourceName: resource, evalResourceDecision: decision, matchedStatements: matched,
                        missingContextValues: evaluation.missingContextKeys,
                        evalDecisionDetails: result.evalDecisionDetails ?? [:],
                        allowedByPermissionsBoundary: evaluation.allowedByPermissionsBoundary)
                ]
            }
            results.append(result)
            if explain {
                explanations.append(
                    ResultExplanation(
                        actionName: action, resourceName: resource,
                        statements: evaluation.explanation.map(Self.explanation)))
            }
        }
        let truncated = end < pairs
        let result = SimulationResult(evaluationResults: results, isTruncated: truncated, marker: truncated ? String(end) : nil)
        return (result, explain ? SimulationExplanation(results: explanations) : nil)
    }

    /// The identity policies of the user, role or group `arn` names, and the caller it stands
    /// for (none for a group). An ARN of another account, or one that names no user, role or
    /// group (an assumed-role session, a policy, a queue), is invalid input, as on IAM.
    private func policiesOf(_ arn: String) throws(IdentityError) -> ([Policy], RequestPrincipal?) {
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let entity = fields.count == 6 ? fields[5].split(separator: "/", maxSplits: 1).first.map(String.init) : nil
        guard fields.count == 6, fields[0] == "arn", fields[1] == "aws", fields[2] == "iam", fields[3].isEmpty,
            let entity, ["user", "role", "group"].contains(entity), fields[5].count > entity.count + 1
        else {
            throw .invalidInput("Invalid Entity Arn: \(arn) does not clearly define entity type and name.")
        }
        guard fields[4] == catalog.accountId else {
            throw .invalidInput(
                "Invalid Policy Source Arn: caller's account \(catalog.accountId) does not have access to policies in account \(fields[4]).")
        }
        let name = String(fields[5].split(separator: "/").last ?? "")
        if entity == "group" {
            guard fields[5] == "group/\(name)", let policies = catalog.groupPolicies[name] else {
                throw .noSuchEntity("The group with name \(name) cannot be found.")
            }
            return (policies, nil)
        }
        guard let principal = catalog.principals.values.first(where: { $0.principalArn == arn }) else {
            throw .noSuchEntity("The \(entity) with name \(name) cannot be found.")
        }
        return (principal.policies, principal.requestPrincipal)
    }

    private static func parse(_ text: String, kind: PolicyKind, id: String) throws(IdentityError) -> Policy {
        do {
            return try Policy.parse(text, kind: kind, id: id)
        } catch {
            throw .malformedPolicyDocument("\(id): \(error)")
        }
    }

    /// The account owning `resource`: the one its ARN names (an account ID, not a wildcard or
    /// `aws`), else ResourceOwner's, as IAM documents for ARNs without an account; nil when
    /// neither says (the caller's is assumed).
    private static func owner(of resource: String, resourceOwner: String?) -> String? {
        Authorizer.owner(of: resource).flatMap(SimulationInput.account(ofResourceOwner:))
            ?? resourceOwner.flatMap(SimulationInput.account(ofResourceOwner:))
    }

    /// How each policy type decided on its own, for a cross-account result: the caller's
    /// identity policies, and the resource's policy when one was given.
    private static func decisionsByPolicyType(_ evaluation: Evaluation, resourcePolicy: Bool) -> [String: EvalDecision] {
        func decision(_ kind: PolicyKind, allowed: Bool) -> EvalDecision {
            if evaluation.decision == .explicitDeny && evaluation.matchedStatements.contains(where: { $0.kind == kind }) {
                return .explicitDeny
            }
            return allowed ? .allowed : .implicitDeny
        }
        var details = [PolicySourceType.iamPolicy.rawValue: decision(.identity, allowed: evaluation.allowSources.identityPolicy)]
        if resourcePolicy {
            details[PolicySourceType.resourcePolicy.rawValue] = decision(.resource, allowed: evaluation.allowSources.resourcePolicy != .none)
        }
        return details
    }

    /// Across accounts, IAM allows only what both sides allow: an identity policy of the
    /// caller's account and the resource's policy (an explicit deny still wins).
    private static func applyCrossAccountRule(to evaluation: inout Evaluation) {
        guard evaluation.decision == .allowed,
            !(evaluation.allowSources.identityPolicy && evaluation.allowSources.resourcePolicy != .none)
        else { return }
        evaluation.decision = .implicitDeny
        evaluation.matchedStatements = []
    }

    /// `arn:aws:iam::ACCOUNT:user/[PATH/]NAME`.
    private static func isUserArn(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[3].isEmpty
            && parts[4].count == 12 && parts[4].allSatisfy(\.isNumber) && parts[5].hasPrefix("user/") && parts[5].count > 5
    }

    /// Where the page MaxItems and Marker ask for starts among `count` results: the marker is the
    /// index of the first result of the next page.
    private static func pageStart(_ input: SimulationInput, count: Int) throws(IdentityError) -> Int {
        guard let marker = input.marker else { return 0 }
        guard let index = Int(marker), (0...count).contains(index) else { throw .invalidInput("Invalid Marker.") }
        return index
    }

    private static func explanation(_ statement: StatementExplanation) -> SimulatedStatementExplanation {
        var reasons: [String] = []
        if !statement.actionMatched { reasons.append("the action is not in Action (or is in NotAction)") }
        if !statement.resourceMatched { reasons.append("the resource is not in Resource (or is in NotResource)") }
        if statement.principalMatched == false { reasons.append("the caller is not in Principal (or is in NotPrincipal)") }
        if statement.conditions.contains(where: { !$0.result }) { reasons.append("a condition does not hold") }
        let reason = statement.matched
            ? "matches: action, resource\(statement.principalMatched == nil ? "" : ", principal") and every condition apply"
            : "does not match: " + reasons.joined(separator: "; ")
        return SimulatedStatementExplanation(
            sourcePolicyId: statement.policyId, sid: statement.sid, effect: statement.effect.rawValue, matched: statement.matched,
            reason: reason,
            conditions: statement.conditions.map {
                SimulatedConditionExplanation(
                    conditionOperator: $0.operator, key: $0.key, requestValues: $0.keyPresent ? $0.requestValues : nil,
                    policyValues: $0.policyValues, result: $0.result)
            })
    }
}
