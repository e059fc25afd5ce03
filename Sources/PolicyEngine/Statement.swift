/// One compiled statement of a policy: who, what, on which resources, under which conditions.
public struct Statement: Sendable {
    /// The `Sid`, if any.
    public let sid: String?
    /// `Allow` or `Deny`.
    public let effect: Effect
    /// 0-based position in the policy's statement list.
    public let index: Int
    /// Where the statement object starts (its `{`).
    public let start: SourcePosition
    /// Just past the statement object's `}`.
    public let end: SourcePosition

    let actions: ActionSet
    /// True for `NotAction`.
    let actionsNegated: Bool
    let resources: ResourceSet
    /// True for `NotResource`.
    let resourcesNegated: Bool
    /// `Principal` or `NotPrincipal`; nil in identity policies.
    let principals: PrincipalSet?
    /// True for `NotPrincipal`.
    let principalsNegated: Bool
    let conditions: [Condition]
    /// Condition keys and variable keys (without defaults) the statement reads: lowercased, as written.
    let referencedKeys: [(key: String, name: String)]

    /// Every condition key the statement tests, as written.
    public var conditionKeys: [String] { conditions.map(\.keyName) }

    /// How the statement fares against `request`; with `explain` false it stops at the first
    /// miss and records no condition details.
    func assess(_ request: PreparedRequest, explain: Bool) -> StatementAssessment {
        var assessment = StatementAssessment()
        assessment.actionMatched = actions.matches(request.action) != actionsNegated
        guard explain || assessment.actionMatched else { return assessment }

        switch (resources.match(request.resource, context: request.context), resourcesNegated) {
        case (.matched, false), (.notMatched, true): assessment.resourceMatched = true
        case (.unresolved, _): assessment.resourceUnresolved = true
        default: break
        }
        if let principals {
            if principalsNegated {
                assessment.principalMatched = !principals.exempts(request.principal)
            } else {
                let match = principals.match(request.principal)
                assessment.principalMatched = match != .none
                assessment.principalExact = match == .exact
            }
        }
        guard explain || assessment.reachedConditions else { return assessment }

        if explain {
            assessment.conditions = conditions.map { $0.explain(in: request.context) }
            assessment.conditionsHeld = assessment.conditions.allSatisfy(\.result)
        } else {
            assessment.conditionsHeld = conditions.allSatisfy { $0.holds(in: request.context) }
        }
        return assessment
    }
}
