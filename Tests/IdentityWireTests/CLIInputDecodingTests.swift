import Testing

@testable import IdentityWire

@Suite("--cli-input-json decoding")
struct CLIInputDecodingTests {
    private func decode(_ json: String) throws(CLIInputError) -> SimulationInput {
        try CLIInputDecoder.simulateCustomPolicy(Array(json.utf8))
    }

    private func failure(_ json: String) -> CLIInputError? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return error
        }
    }

    @Test("The skeleton's members all decode")
    func everyMember() throws {
        let input = try decode(
            #"""
            {
                "PolicyInputList": ["{\"Version\":\"2012-10-17\"}"],
                "PermissionsBoundaryPolicyInputList": ["{}"],
                "ActionNames": ["sqs:SendMessage", "sqs:ReceiveMessage"],
                "ResourceArns": ["arn:aws:sqs:us-east-1:000000000000:orders"],
                "ResourcePolicy": "{}",
                "ResourceOwner": "arn:aws:iam::000000000000:root",
                "CallerArn": "arn:aws:iam::000000000000:user/alice",
                "ContextEntries": [
                    {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.0.0.1"], "ContextKeyType": "ip"},
                    {"ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": ["true"], "ContextKeyType": "boolean"}
                ],
                "ResourceHandlingOption": "EC2-VPC-InstanceStore",
                "MaxItems": 50,
                "Marker": "page-2"
            }
            """#)
        #expect(
            input
                == SimulationInput(
                    policyInputList: [#"{"Version":"2012-10-17"}"#], permissionsBoundaryPolicyInputList: ["{}"],
                    actionNames: ["sqs:SendMessage", "sqs:ReceiveMessage"], resourceArns: ["arn:aws:sqs:us-east-1:000000000000:orders"],
                    resourcePolicy: "{}", resourceOwner: "arn:aws:iam::000000000000:root", callerArn: "arn:aws:iam::000000000000:user/alice",
                    contextEntries: [
                        ContextEntry(contextKeyName: "aws:SourceIp", contextKeyValues: ["10.0.0.1"], contextKeyType: .ip),
                        ContextEntry(contextKeyName: "aws:MultiFactorAuthPresent", contextKeyValues: ["true"], contextKeyType: .boolean),
                    ],
                    resourceHandlingOption: "EC2-VPC-InstanceStore", maxItems: 50, marker: "page-2"))
    }

    @Test("An empty PolicyInputList is valid, as awscli sends it")
    func emptyPolicyList() throws {
        #expect(try decode(#"{"PolicyInputList": [], "ActionNames": ["sqs:SendMessage"]}"#) == SimulationInput(policyInputList: [], actionNames: ["sqs:SendMessage"]))
    }

    @Test("Unknown keys are named, with the valid ones, at the top level and inside context entries")
    func unknownKeys() {
        let error = failure(
            #"{"PolicyInputList": [], "ActionNames": ["sqs:SendMessage"], "Policy": "x", "ContextEntries": [{"ContextKeyName": "aws:SourceIp", "Type": "ip"}]}"#)
        #expect(
            error?.message == """
                Parameter validation failed:
                Unknown parameter in input: "Policy", must be one of: PolicyInputList, PermissionsBoundaryPolicyInputList, ActionNames, ResourceArns, ResourcePolicy, ResourceOwner, CallerArn, ContextEntries, ResourceHandlingOption, MaxItems, Marker
                Unknown parameter in ContextEntries[0]: "Type", must be one of: ContextKeyName, ContextKeyValues, ContextKeyType
                """)
    }

    @Test("Missing members, wrong types and short values read as botocore reports them")
    func botocoreReport() {
        #expect(
            failure(#"{"ActionNames": "sqs:SendMessage", "MaxItems": 0, "ContextEntries": ["x", {"ContextKeyName": "aws", "ContextKeyValues": [1]}]}"#)
                == .parameterValidation([
                    #"Missing required parameter in input: "PolicyInputList""#,
                    "Invalid type for parameter ActionNames, value: sqs:SendMessage, type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>",
                    "Invalid type for parameter ContextEntries[0], value: x, type: <class 'str'>, valid types: <class 'dict'>",
                    "Invalid length for parameter ContextEntries[1].ContextKeyName, value: 3, valid min length: 5",
                    "Invalid type for parameter ContextEntries[1].ContextKeyValues[0], value: 1, type: <class 'int'>, valid types: <class 'str'>",
                    "Invalid value for parameter MaxItems, value: 0, valid min value: 1",
                ]))
        #expect(
            failure(#"{"PolicyInputList": [""], "ActionNames": ["ab"], "MaxItems": 1.5, "ResourceOwner": null, "Marker": {"a": [true]}}"#)
                == .parameterValidation([
                    "Invalid length for parameter PolicyInputList[0], value: 0, valid min length: 1",
                    "Invalid length for parameter ActionNames[0], value: 2, valid min length: 3",
                    "Invalid type for parameter ResourceOwner, value: None, type: <class 'NoneType'>, valid types: <class 'str'>",
                    "Invalid type for parameter MaxItems, value: 1.5, type: <class 'float'>, valid types: <class 'int'>",
                    "Invalid type for parameter Marker, value: {'a': [True]}, type: <class 'dict'>, valid types: <class 'str'>",
                ]))
    }

    @Test("What awscli lets through but IAM refuses comes back as IAM's error")
    func serviceSideChecks() {
        let error = failure(
            #"{"PolicyInputList": [], "ActionNames": ["sqs:SendMessage"], "MaxItems": 5000, "ContextEntries": [{"ContextKeyName": "aws:SourceIp", "ContextKeyType": "ipAddress"}]}"#)
        guard case .rejected(let identityError) = error else {
            Issue.record("expected an IAM error, got \(String(describing: error))")
            return
        }
        #expect(identityError.code == "ValidationError")
        #expect(
            error?.message == "An error occurred (ValidationError) when calling the SimulateCustomPolicy operation: 2 validation errors detected: "
                + "Value '5000' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000; "
                + "Value 'ipAddress' at 'contextEntries.1.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: "
                + "[string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]")
        #expect(failure(#"{"PolicyInputList": [], "ActionNames": []}"#) == .rejected(.invalidInput("The list of action names must not be empty.")))
    }

    @Test("Text that is not a JSON object is refused as awscli refuses it", arguments: ["", "{", "[]", "\"x\"", "{} {}"])
    func invalidJSON(text: String) {
        #expect(failure(text) == .invalidJSON)
        #expect(failure(text)?.message == "Error parsing parameter 'cli-input-json': Invalid JSON received.")
    }
}
