/// IAM's evaluation logic over identity policies, one resource policy and permissions boundaries.
///
/// An explicit deny in any policy wins. Otherwise the request is allowed by an identity-policy
/// allow or a resource-policy allow; when permissions boundaries are given, every boundary must
/// allow it too, except through a resource-policy allow that names the caller's own ARN (a
/// user or session), which boundaries do not limit. Otherwise it is implicitly denied.
public enum PolicyEvaluator {
    /// Evaluates `request`; with `explain` true, also reports every statement of every policy.
    /// Enforcement passes `reportingMissingKeys: false`: only simulation asks which condition
    /// keys the request lacked, and finding out costs a lookup per key per statement.
    ///
    /// `volatileKeyPrefixes` (lowercased) name the condition keys whose values change from one
    /// request to the next (source IP, time, request tags…); the evaluation then says whether
    /// any statement that applied by action, resource and principal read one, so a caller may
    /// reuse the decision for requests that differ only in those keys when none was read.
    public static func evaluate(
        _ request: AuthorizationRequest, identityPolicies: [Policy], resourcePolicy: Policy?,
        permissionsBoundaries: [Policy] = [], explain: Bool = false, reportingMissingKeys: Bool = true,
        volatileKeyPrefixes: [String] = []
    ) -> Evaluation {
        var tally = Tally(
            request: PreparedRequest(request), explain: explain, reportingMissingKeys: reportingMissingKeys,
            volatileKeyPrefixes: volatileKeyPrefixes)
        for policy in identityPolicies { tally.add(policy, as: .identity) }
        if let resourcePolicy { tally.add(resourcePolicy, as: .resource) }
        for boundary in permissionsBoundaries { tally.add(boundary, as: .boundary) }
        return tally.evaluation(boundaryCount: permissionsBoundaries.count)
    }

    /// Which slot of the evaluation a policy fills.
    private enum Role {
        case identity, resource, boundary
    }

    /// The statements gathered so far and what they said.
    private struct Tally {
        let request: PreparedRequest
        let explain: Bool
        let reportingMissingKeys: Bool
        let volatileKeyPrefixes: [String]
        var readVolatileKeys = false
        var denies: [MatchedStatement] = []
        var identityAllows: [MatchedStatement] = []
        var resourceAllows: [MatchedStatement] = []
        /// Resource-policy allows that name the caller's own ARN: not limited by boundaries.
        var resourceAllowsByArn: [MatchedStatement] = []
        /// Resource-policy allows that name the caller (or everyone), not just its account.
        var resourceAllowsNamingCaller: [MatchedStatement] = []
        var boundariesAllowing = 0
        var missingKeys: [(key: String, name: String)] = []
        /// The keys of `missingKeys`, to look them up at once.
        var missingKeySet: Set<String> = []
        var explanation: [StatementExplanation] = []

        init(request: PreparedRequest, explain: Bool, reportingMissingKeys: Bool, volatileKeyPrefixes: [String]) {
            self.request = request
            self.explain = explain
            self.reportingMissingKeys = reportingMissingKeys
            self.volatileKeyPrefixes = volatileKeyPrefixes
        }

        mutating func add(_ policy: Policy, as role: Role) {
            var boundaryAllows = false
            for statement in policy.statements {
                let assessment = statement.assess(request, explain: explain)
                if reportingMissingKeys && assessment.reachedConditions { noteMissingKeys(of: statement) }
                // A statement whose conditions were reached, or whose resource holds variables, may
                // have decided on a volatile key (with a default or not): then the decision is not
                // reused for other requests.
                let mayHaveRead = assessment.reachedConditions
                    || (assessment.actionMatched && !statement.resources.templates.isEmpty)
                if !readVolatileKeys && mayHaveRead && !volatileKeyPrefixes.isEmpty {
                    readVolatileKeys = statement.readKeys.contains { key in volatileKeyPrefixes.contains { key.hasPrefix($0) } }
                }
                if explain { explanation.append(Self.explanation(statement, policy, role, assessment)) }
                guard assessment.matched else { continue }
                let matched = MatchedStatement(statement, of: policy)
                switch (statement.effect, role) {
                case (.deny, _): denies.append(matched)
                case (.allow, .identity): identityAllows.append(matched)
                case (.allow, .resource):
                    resourceAllows.append(matched)
                    if assessment.principalExact { resourceAllowsByArn.append(matched) }
                    if !assessment.principalViaAccount { resourceAllowsNamingCaller.append(matched) }
                case (.allow, .boundary): boundaryAllows = true
                }
            }
            if boundaryAllows { boundariesAllowing += 1 }
        }

        private mutating func noteMissingKeys(of statement: Statement) {
            for (key, name) in statement.referencedKeys where request.context.values(lowercasedKey: key) == nil {
                if missingKeySet.insert(key).inserted { missingKeys.append((key, name)) }
            }
        }

        func evaluation(boundaryCount: Int) -> Evaluation {
            let boundaryAllows: Bool? = boundaryCount == 0 ? nil : boundariesAllowing == boundaryCount
            let missing = missingKeys.map(\.name).sorted()
            let sources = AllowSources(
                identityPolicy: !identityAllows.isEmpty && boundaryAllows != false,
                resourcePolicy: resourceAllows.isEmpty ? .none : resourceAllowsNamingCaller.isEmpty ? .account : .caller)
            if !denies.isEmpty {
                return Evaluation(
                    decision: .explicitDeny, matchedStatements: denies, missingContextKeys: missing,
                    allowedByPermissionsBoundary: boundaryAllows, explanation: explanation, allowSources: sources,
                    dependsOnVolatileKeys: readVolatileKeys)
            }
            // A resource-policy allow that names only the caller's account delegates to the account's
            // identity policies: it counts beside an identity-policy allow, never alone.
            let resourceGrants = identityAllows.isEmpty ? resourceAllowsNamingCaller : resourceAllows
            let allowing = boundaryAllows == false ? resourceAllowsByArn : identityAllows + resourceGrants
            return Evaluation(
                decision: allowing.isEmpty ? .implicitDeny : .allowed, matchedStatements: allowing,
                missingContextKeys: missing, allowedByPermissionsBoundary: boundaryAllows, explanation: explanation,
                allowSources: sources, dependsOnVolatileKeys: readVolatileKeys)
        }

        private static func explanation(
            _ statement: Statement, _ policy: Policy, _ role: Role, _ assessment: StatementAssessment
        ) -> StatementExplanation {
            StatementExplanation(
                policyId: policy.id, kind: policy.kind, isPermissionsBoundary: role == .boundary, sid: statement.sid,
                effect: statement.effect, start: statement.start, end: statement.end,
                actionMatched: assessment.actionMatched, resourceMatched: assessment.resourceMatched,
                principalMatched: assessment.principalMatched, principalMatchedViaAccount: assessment.principalViaAccount,
                conditions: assessment.conditions, matched: assessment.matched)
        }
    }
}
