/// Turns the decoded form fields of an IAM or STS Query request into an `IdentityRequest`.
public enum IdentityRequestDecoder {
    /// The service a Query call whose credential scope does not name IAM or STS is for: by its
    /// `Action` when it is one served here, else, for a call with no credential scope at all
    /// (`byVersion`), by its `Version` (IAM's or STS's), so an IAM or STS action SealQ lacks is
    /// refused by that service (botocore sends STS's AssumeRoleWithWebIdentity unsigned). A call
    /// signed for SQS stays SQS's whatever its Version says. Nil: SQS's.
    public static func service(ofQuery parameters: [String: String], byVersion: Bool) -> IdentityService? {
        if let action = parameters["Action"], let service = service(ofAction: action) { return service }
        guard byVersion else { return nil }
        return [IdentityService.iam, .sts].first { $0.apiVersion == parameters["Version"] }
    }

    /// The service each Query action served here belongs to.
    static func service(ofAction action: String) -> IdentityService? {
        if action == "GetCallerIdentity" { return .sts }
        let iamActions: Set<String> = [
            "SimulateCustomPolicy", "SimulatePrincipalPolicy", "GetUser", "ListUsers", "GenerateCredentialReport",
            "GetCredentialReport",
        ]
        return iamActions.contains(action) || accessKeyActions.contains(action) ? .iam : nil
    }

    /// Decodes `parameters` (query string and form body, already percent-decoded) for `service`, the service
    /// named in the SigV4 credential scope. Throws `MissingAction`, `InvalidAction` for an action the service
    /// lacks, or `ValidationError` / `InvalidInput` for members that break the IAM model.
    public static func decode(_ parameters: [String: String], service: IdentityService) throws(IdentityError) -> IdentityRequest {
        guard let action = parameters["Action"], !action.isEmpty else { throw .missingAction }
        let form = QueryForm(parameters: parameters)
        switch (service, action) {
        case (.sts, "GetCallerIdentity"):
            return .getCallerIdentity
        case (.iam, "SimulateCustomPolicy"):
            return .simulatePolicy(try simulation(.custom, form))
        case (.iam, "SimulatePrincipalPolicy"):
            guard let arn = form.string("PolicySourceArn") else {
                throw .validation(["Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null"])
            }
            return .simulatePolicy(try simulation(.principal(policySourceArn: arn), form))
        case (.iam, "GetUser"), (.iam, "ListUsers"):
            return .user(try user(action, form))
        case (.iam, "GenerateCredentialReport"):
            return .generateCredentialReport
        case (.iam, "GetCredentialReport"):
            return .getCredentialReport
        case (.iam, _) where accessKeyActions.contains(action):
            return .accessKey(try accessKey(action, form))
        default:
            throw .invalidAction(action, service: service)
        }
    }

    private static func simulation(_ operation: SimulationOperation, _ form: QueryForm) throws(IdentityError) -> SimulationRequest {
        var violations: [String] = []
        guard let actionNames = form.strings("ActionNames") else {
            throw .validation(["Value null at 'actionNames' failed to satisfy constraint: Member must not be null"])
        }
        var maxItems: Int?
        if let text = form.string("MaxItems") {
            maxItems = Int(text)
            if maxItems == nil {
                violations.append("Value '\(text)' at 'maxItems' failed to satisfy constraint: Member must be an integer")
            }
        }
        let contextEntries = form.items("ContextEntries")?.enumerated().map { index, prefix in
            contextEntry(prefix, path: "contextEntries.\(index + 1).member", form, violations: &violations)
        }
        let input = SimulationInput(
            policyInputList: form.strings("PolicyInputList"),
            permissionsBoundaryPolicyInputList: form.strings("PermissionsBoundaryPolicyInputList"),
            actionNames: actionNames, resourceArns: form.strings("ResourceArns"), resourcePolicy: form.string("ResourcePolicy"),
            resourceOwner: form.string("ResourceOwner"), callerArn: form.string("CallerArn"), contextEntries: contextEntries,
            resourceHandlingOption: form.string("ResourceHandlingOption"), maxItems: maxItems, marker: form.string("Marker"))
        try input.validate(operation: operation, decodingViolations: violations)
        return SimulationRequest(operation: operation, input: input)
    }

    private static func contextEntry(
        _ prefix: String, path: String, _ form: QueryForm, violations: inout [String]
    ) -> ContextEntry {
        var type: ContextKeyType?
        if let text = form.string(prefix + ".ContextKeyType") {
            type = ContextKeyType(rawValue: text)
            if type == nil { violations.append(ContextKeyType.violation(text, at: path + ".contextKeyType")) }
        }
        return ContextEntry(
            contextKeyName: form.string(prefix + ".ContextKeyName"), contextKeyValues: form.strings(prefix + ".ContextKeyValues"),
            contextKeyType: type)
    }
}
