/// How one statement fared against one request.
struct StatementAssessment {
    var actionMatched = false
    var resourceMatched = false
    /// A variable in `Resource`/`NotResource` had no value (its entry names no resource).
    var resourceUnresolved = false
    /// Nil for statements without `Principal`/`NotPrincipal`.
    var principalMatched: Bool?
    /// Matched by the caller's own ARN (not via a wildcard, account or role).
    var principalExact = false
    /// Matched only through the caller's account.
    var principalViaAccount = false
    var conditionsHeld = false
    /// Filled only when explaining.
    var conditions: [ConditionExplanation] = []

    /// Action, resource (or its unresolved variables) and principal matched: the conditions decide.
    var reachedConditions: Bool {
        actionMatched && (resourceMatched || resourceUnresolved) && principalMatched != false
    }

    /// The statement applies.
    var matched: Bool {
        actionMatched && resourceMatched && principalMatched != false && conditionsHeld
    }
}
