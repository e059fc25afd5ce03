/// One compiled statement of a policy: who, what, on which resources, under which conditions.
///
/// A class, so that walking a policy's statements on every call shares them instead of copying
/// each statement's matchers.
public final class Statement: Sendable {
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
    /// Every key the statement may read, lowercased: those, and variables with a default too
    /// (whose value, when present, still decides), for telling whether a decision may be reused.
    let readKeys: [String]

    init(
        sid: String?, effect: Effect, index: Int, start: SourcePosition, end: SourcePosition, actions: ActionSet,
        actionsNegated: Bool, resources: ResourceSet, resourcesNegated: Bool, principals: PrincipalSet?,
        principalsNegated: Bool, conditions: [Condition], referencedKeys: [(key: String, name: String)], readKeys: [String]
    ) {
        self.sid = sid
        self.effect = effect
        self.index = index
        self.start = start
        self.end = end
        self.actions = actions
        self.actionsNegated = actionsNegated
        self.resources = resources
        self.resourcesNegated = resourcesNegated
        self.principals = principals
        self.principalsNegated = principalsNegated
        self.conditions = conditions
        self.referencedKeys = referencedKeys
        self.readKeys = readKeys
    }

    /// Every condition key the statement tests, as written.
    public var conditionKeys: [String] { conditions.map(\.keyName) }

    /// Whether the statement allows with `NotPrincipal`, which IAM does not support ("NotPrincipal
    /// must be used with Deny"): it would grant every caller not listed, anonymous ones included.
    public var allowsWithNotPrincipal: Bool { effect == .allow && principalsNegated }

    /// How the statement fares against `request`; with `explain` false it stops at the first
    /// miss and records no condition details.
    func assess(_ request: PreparedRequest, explain: Bool) -> StatementAssessment {
        var assessment = StatementAssessment()
        assessment.actionMatched = actions.matches(request.action) != actionsNegated
        guard explain || assessment.actionMatched else { return assessment }

        switch (resources.match(request.resource, context: request.context), resourcesNegated) {
        case (.matched, false), (.notMatched, true): assessment.resourceMatched = true
        // An entry whose variable has no value names no resource, so `NotResource` still
        // applies (IAM: "will not match any resource").
        case (.unresolved, let negated):
            assessment.resourceUnresolved = true
            assessment.resourceMatched = negated
        default: break
        }
        if let principals {
            if principalsNegated {
                // IAM does not support NotPrincipal under Allow: such a statement (stored before
                // SealQ refused it in queue and key policies) grants nobody anything.
                assessment.principalMatched = effect == .deny && !principals.exempts(request.principal)
            } else {
                let match = principals.match(request.principal)
                assessment.principalMatched = match != .none
                assessment.principalExact = match == .exact
                assessment.principalViaAccount = match == .account
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
