import PolicyEngine

/// Helpers shared by the PolicyEngine tests.
enum Fixture {
    static let account = "111122223333"
    static let queue = "arn:aws:sqs:us-east-1:111122223333:orders"
    static let user = RequestPrincipal(arn: "arn:aws:iam::111122223333:user/alice", accountId: "111122223333")

    /// An identity policy around `statements` (one JSON object, or several separated by commas).
    static func identity(_ statements: String, version: String? = "2012-10-17", id: String = "identity") -> Policy {
        parse(document(statements, version: version), kind: .identity, id: id)
    }

    /// A resource policy around `statements`.
    static func resource(_ statements: String, version: String? = "2012-10-17", id: String = "queue-policy") -> Policy {
        parse(document(statements, version: version), kind: .resource, id: id)
    }

    static func document(_ statements: String, version: String?) -> String {
        let versionLine = version.map { "\"Version\": \"\($0)\", " } ?? ""
        return "{\(versionLine)\"Statement\": [\(statements)]}"
    }

    static func parse(_ text: String, kind: PolicyKind, id: String) -> Policy {
        do {
            return try Policy.parse(text, kind: kind, id: id)
        } catch {
            fatalError("fixture policy does not parse: \(error)\n\(text)")
        }
    }

    static func context(_ values: [String: [String]]) -> ConditionContext {
        var context = ConditionContext()
        for (key, list) in values { context.set(key, list) }
        return context
    }

    static func request(
        action: String = "sqs:SendMessage", resource: String = queue, principal: RequestPrincipal? = user,
        context values: [String: [String]] = [:]
    ) -> AuthorizationRequest {
        AuthorizationRequest(action: action, resource: resource, principal: principal, context: context(values))
    }

    /// The decision of one identity policy alone.
    static func decide(_ policy: Policy, _ request: AuthorizationRequest) -> Decision {
        PolicyEvaluator.evaluate(request, identityPolicies: [policy], resourcePolicy: nil).decision
    }
}
