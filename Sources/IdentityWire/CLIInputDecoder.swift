import WireJSON

/// Reads the JSON `aws iam simulate-custom-policy --cli-input-json` accepts (the shape
/// `--generate-cli-skeleton input` prints), checking it as awscli and then IAM would.
public enum CLIInputDecoder {
    private static let members = [
        "PolicyInputList", "PermissionsBoundaryPolicyInputList", "ActionNames", "ResourceArns", "ResourcePolicy",
        "ResourceOwner", "CallerArn", "ContextEntries", "ResourceHandlingOption", "MaxItems", "Marker",
    ]
    private static let contextEntryMembers = ["ContextKeyName", "ContextKeyValues", "ContextKeyType"]

    /// Decodes a `SimulateCustomPolicy` input. awscli's problems are reported together, as botocore does (in the
    /// model's member order, since the parsed object does not keep the file's); then IAM's own constraints apply.
    public static func simulateCustomPolicy(_ bytes: [UInt8]) throws(CLIInputError) -> SimulationInput {
        guard let json = try? JSONParser.parse(bytes), case .object(let object) = json else { throw .invalidJSON }
        var check = ParameterCheck()
        check.structure(json, at: "input", members: members, required: ["PolicyInputList", "ActionNames"])
        let policyInputList = check.strings(object["PolicyInputList"], at: "PolicyInputList", minLength: 1)
        let boundaries = check.strings(
            object["PermissionsBoundaryPolicyInputList"], at: "PermissionsBoundaryPolicyInputList", minLength: 1)
        let actionNames = check.strings(object["ActionNames"], at: "ActionNames", minLength: 3)
        let resourceArns = check.strings(object["ResourceArns"], at: "ResourceArns", minLength: 1)
        let resourcePolicy = check.string(object["ResourcePolicy"], at: "ResourcePolicy", minLength: 1)
        let resourceOwner = check.string(object["ResourceOwner"], at: "ResourceOwner", minLength: 1)
        let callerArn = check.string(object["CallerArn"], at: "CallerArn", minLength: 1)
        let entries = check.list(object["ContextEntries"], at: "ContextEntries")?.enumerated().compactMap { index, item in
            contextEntry(item, at: "ContextEntries[\(index)]", &check)
        }
        let handling = check.string(object["ResourceHandlingOption"], at: "ResourceHandlingOption", minLength: 1)
        let maxItems = check.integer(object["MaxItems"], at: "MaxItems", minimum: 1)
        let marker = check.string(object["Marker"], at: "Marker", minLength: 1)
        guard check.problems.isEmpty else { throw .parameterValidation(check.problems) }

        let input = SimulationInput(
            policyInputList: policyInputList, permissionsBoundaryPolicyInputList: boundaries, actionNames: actionNames ?? [],
            resourceArns: resourceArns, resourcePolicy: resourcePolicy, resourceOwner: resourceOwner, callerArn: callerArn,
            contextEntries: entries?.map(\.entry), resourceHandlingOption: handling, maxItems: maxItems, marker: marker)
        let enumViolations = (entries ?? []).enumerated().compactMap { index, decoded in
            decoded.unknownType.map { ContextKeyType.violation($0, at: "contextEntries.\(index + 1).member.contextKeyType") }
        }
        do {
            try input.validate(operation: .custom, decodingViolations: enumViolations)
        } catch {
            throw .rejected(error)
        }
        return input
    }

    /// A context entry, and its `ContextKeyType` text when IAM's enum does not have it.
    private static func contextEntry(
        _ value: JSONValue, at name: String, _ check: inout ParameterCheck
    ) -> (entry: ContextEntry, unknownType: String?)? {
        guard let object = check.structure(value, at: name, members: contextEntryMembers, required: []) else { return nil }
        let keyName = check.string(object["ContextKeyName"], at: name + ".ContextKeyName", minLength: 5)
        let values = check.strings(object["ContextKeyValues"], at: name + ".ContextKeyValues", minLength: nil)
        let typeText = check.string(object["ContextKeyType"], at: name + ".ContextKeyType", minLength: nil)
        let type = typeText.flatMap(ContextKeyType.init(rawValue:))
        return (ContextEntry(contextKeyName: keyName, contextKeyValues: values, contextKeyType: type), type == nil ? typeText : nil)
    }
}
