/// One question for the evaluator: may this caller do this action on this resource, in this context?
public struct AuthorizationRequest: Sendable {
    /// The action, such as `sqs:SendMessage`; matched case-insensitively.
    public var action: String
    /// The resource's ARN, or `*` for actions that name no resource.
    public var resource: String
    /// The caller; nil for an anonymous (unsigned) caller, whom only `"*"` and `{"AWS": "*"}` name.
    public var principal: RequestPrincipal?
    /// The condition keys of the request.
    public var context: ConditionContext

    /// A request from its parts.
    public init(action: String, resource: String, principal: RequestPrincipal?, context: ConditionContext = ConditionContext()) {
        self.action = action
        self.resource = resource
        self.principal = principal
        self.context = context
    }
}
