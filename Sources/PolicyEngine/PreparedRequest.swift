/// A request prepared once per evaluation: the action lowercased and the resource split.
struct PreparedRequest {
    let action: [UInt8]
    let resource: ArnText
    let principal: RequestPrincipal?
    let context: ConditionContext

    init(_ request: AuthorizationRequest) {
        action = request.action.utf8.map(WildcardPattern.asciiLowercased)
        resource = ArnText(request.resource)
        principal = request.principal
        context = request.context
    }
}
