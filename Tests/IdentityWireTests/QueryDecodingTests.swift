import Testing

@testable import IdentityWire

@Suite("Query request decoding")
struct QueryDecodingTests {
    private func simulation(_ parameters: [String: String]) throws -> SimulationRequest? {
        guard case .simulatePolicy(let request) = try IdentityRequestDecoder.decode(parameters, service: .iam) else { return nil }
        return request
    }

    private func error(_ parameters: [String: String], service: IdentityService = .iam) -> IdentityError? {
        do {
            _ = try IdentityRequestDecoder.decode(parameters, service: service)
            return nil
        } catch {
            return error
        }
    }

    private let custom = ["Action": "SimulateCustomPolicy", "Version": "2010-05-08"]

    @Test("GetCallerIdentity is STS's; the simulations are IAM's")
    func routing() throws {
        #expect(try IdentityRequestDecoder.decode(["Action": "GetCallerIdentity", "Version": "2011-06-15"], service: .sts) == .getCallerIdentity)
        let request = try IdentityRequestDecoder.decode(custom.merging(["PolicyInputList": "", "ActionNames.member.1": "sqs:SendMessage"]) { $1 }, service: .iam)
        #expect(request.actionName == "SimulateCustomPolicy")
        #expect(request.service == .iam)
        #expect(IdentityRequest.getCallerIdentity.service == .sts)
        #expect(IdentityService(rawValue: "sts") == .sts)
        #expect(IdentityService(rawValue: "sqs") == nil)
    }

    @Test("Every action served here is told apart by name: STS's GetCallerIdentity, IAM's others; SQS's are none of theirs")
    func serviceOfAction() {
        #expect(IdentityRequestDecoder.service(ofAction: "GetCallerIdentity") == .sts)
        for action in ["SimulatePrincipalPolicy", "SimulateCustomPolicy", "ListAccessKeys", "CreateAccessKey", "GetAccessKeyLastUsed",
            "GetUser", "ListUsers", "GetCredentialReport", "GenerateCredentialReport"] {
            #expect(IdentityRequestDecoder.service(ofAction: action) == .iam, "\(action)")
        }
        for action in ["SendMessage", "ListQueues", "Encrypt", ""] {
            #expect(IdentityRequestDecoder.service(ofAction: action) == nil, "\(action)")
        }
    }

    @Test("An action not served here is told apart by the Query Version: IAM's, STS's, else SQS's")
    func serviceOfQuery() {
        #expect(IdentityRequestDecoder.service(ofQuery: ["Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15"], byVersion: true) == .sts)
        #expect(IdentityRequestDecoder.service(ofQuery: ["Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15"], byVersion: false) == nil)
        #expect(IdentityRequestDecoder.service(ofQuery: ["Action": "CreateRole", "Version": "2010-05-08"], byVersion: true) == .iam)
        #expect(IdentityRequestDecoder.service(ofQuery: ["Action": "GetCallerIdentity", "Version": "2012-11-05"], byVersion: false) == .sts)
        #expect(IdentityRequestDecoder.service(ofQuery: ["Action": "SendMessage", "Version": "2012-11-05"], byVersion: true) == nil)
        #expect(IdentityRequestDecoder.service(ofQuery: ["Action": "Frobnicate"], byVersion: true) == nil)
    }

    @Test("A missing Action is MissingAction; an action of the other service or none is InvalidAction")
    func unknownActions() {
        #expect(error(["Version": "2010-05-08"]) == .missingAction)
        #expect(error(["Action": ""]) == .missingAction)
        #expect(error(["Action": "GetCallerIdentity"], service: .iam) == .invalidAction("GetCallerIdentity", service: .iam))
        #expect(error(["Action": "SimulateCustomPolicy"], service: .sts) == .invalidAction("SimulateCustomPolicy", service: .sts))
        #expect(error(["Action": "CreateUser"])?.message == "Could not find operation CreateUser for version 2010-05-08")
    }

    @Test("Every SimulateCustomPolicy member decodes, lists in index order")
    func everyMember() throws {
        let parameters = custom.merging([
            "PolicyInputList.member.2": #"{"Statement":[]}"#, "PolicyInputList.member.1": #"{"Version":"2012-10-17"}"#,
            "PermissionsBoundaryPolicyInputList.member.1": "{}",
            "ActionNames.member.1": "sqs:SendMessage", "ActionNames.member.2": "sqs:ReceiveMessage", "ActionNames.member.10": "sqs:DeleteQueue",
            "ResourceArns.member.1": "arn:aws:sqs:us-east-1:000000000000:orders",
            "ResourcePolicy": #"{"Statement":[{"Effect":"Allow"}]}"#, "ResourceOwner": "arn:aws:iam::000000000000:root",
            "CallerArn": "arn:aws:iam::000000000000:user/alice",
            "ContextEntries.member.1.ContextKeyName": "aws:SourceIp", "ContextEntries.member.1.ContextKeyType": "ip",
            "ContextEntries.member.1.ContextKeyValues.member.1": "10.0.0.1",
            "ContextEntries.member.2.ContextKeyName": "aws:PrincipalTag/team", "ContextEntries.member.2.ContextKeyType": "stringList",
            "ContextEntries.member.2.ContextKeyValues.member.2": "b", "ContextEntries.member.2.ContextKeyValues.member.1": "a",
            "ResourceHandlingOption": "EC2-VPC-InstanceStore", "MaxItems": "100", "Marker": "page-2",
        ]) { $1 }
        let request = try #require(try simulation(parameters))
        #expect(request.operation == .custom)
        #expect(
            request.input
                == SimulationInput(
                    policyInputList: [#"{"Version":"2012-10-17"}"#, #"{"Statement":[]}"#], permissionsBoundaryPolicyInputList: ["{}"],
                    actionNames: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteQueue"],
                    resourceArns: ["arn:aws:sqs:us-east-1:000000000000:orders"], resourcePolicy: #"{"Statement":[{"Effect":"Allow"}]}"#,
                    resourceOwner: "arn:aws:iam::000000000000:root", callerArn: "arn:aws:iam::000000000000:user/alice",
                    contextEntries: [
                        ContextEntry(contextKeyName: "aws:SourceIp", contextKeyValues: ["10.0.0.1"], contextKeyType: .ip),
                        ContextEntry(contextKeyName: "aws:PrincipalTag/team", contextKeyValues: ["a", "b"], contextKeyType: .stringList),
                    ],
                    resourceHandlingOption: "EC2-VPC-InstanceStore", maxItems: 100, marker: "page-2"))
    }

    @Test("botocore's `PolicyInputList=` is an empty list; absent optional lists stay nil")
    func emptyAndAbsentLists() throws {
        let request = try #require(try simulation(custom.merging(["PolicyInputList": "", "ActionNames.member.1": "sqs:SendMessage"]) { $1 }))
        #expect(request.input == SimulationInput(policyInputList: [], actionNames: ["sqs:SendMessage"]))
        let entry = try #require(
            try simulation(
                custom.merging([
                    "PolicyInputList": "", "ActionNames.member.1": "sqs:SendMessage", "ContextEntries.member.1.ContextKeyName": "aws:Foo1",
                    "ContextEntries.member.1.ContextKeyValues": "", "ContextEntries.member.1.ContextKeyType": "stringList",
                ]) { $1 }))
        #expect(entry.input.contextEntries == [ContextEntry(contextKeyName: "aws:Foo1", contextKeyValues: [], contextKeyType: .stringList)])
    }

    @Test("Every ContextKeyType decodes", arguments: ContextKeyType.allCases)
    func contextTypes(type: ContextKeyType) throws {
        let request = try #require(
            try simulation(
                custom.merging([
                    "PolicyInputList": "", "ActionNames.member.1": "sqs:SendMessage",
                    "ContextEntries.member.1.ContextKeyName": "aws:Key", "ContextEntries.member.1.ContextKeyType": type.rawValue,
                    "ContextEntries.member.1.ContextKeyValues.member.1": "v",
                ]) { $1 }))
        #expect(request.input.contextEntries?.first?.contextKeyType == type)
    }

    @Test("SimulatePrincipalPolicy carries PolicySourceArn and needs no PolicyInputList")
    func principal() throws {
        let arn = "arn:aws:iam::000000000000:user/alice"
        let request = try #require(
            try simulation(["Action": "SimulatePrincipalPolicy", "PolicySourceArn": arn, "ActionNames.member.1": "sqs:SendMessage"]))
        #expect(request.operation == .principal(policySourceArn: arn))
        #expect(request.input == SimulationInput(actionNames: ["sqs:SendMessage"]))
        #expect(
            error(["Action": "SimulatePrincipalPolicy", "ActionNames.member.1": "sqs:SendMessage"])
                == .validation(["Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null"]))
        #expect(
            error(["Action": "SimulatePrincipalPolicy", "PolicySourceArn": "arn:short", "ActionNames.member.1": "sqs:SendMessage"])?.message
                == "1 validation error detected: Value 'arn:short' at 'policySourceArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
    }

    @Test("Required members: ActionNames always, PolicyInputList for SimulateCustomPolicy; an empty ActionNames is InvalidInput")
    func requiredMembers() {
        #expect(
            error(custom.merging(["PolicyInputList": ""]) { $1 })
                == .validation(["Value null at 'actionNames' failed to satisfy constraint: Member must not be null"]))
        #expect(
            error(custom.merging(["ActionNames.member.1": "sqs:SendMessage"]) { $1 })
                == .validation(["Value null at 'policyInputList' failed to satisfy constraint: Member must not be null"]))
        #expect(error(custom.merging(["PolicyInputList": "", "ActionNames": ""]) { $1 })?.code == "InvalidInput")
    }

    @Test("Constraint violations are reported together, in member order, in AWS's wording")
    func constraintViolations() {
        let parameters = custom.merging([
            "PolicyInputList.member.1": "", "ActionNames.member.1": "sq", "ResourceArns.member.1": "",
            "ContextEntries.member.1.ContextKeyName": "aws", "ContextEntries.member.1.ContextKeyType": "text",
            "MaxItems": "0", "Marker": "p\u{100}",
        ]) { $1 }
        #expect(
            error(parameters)
                == .validation([
                    "Value at 'policyInputList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
                    "Value 'sq' at 'actionNames.1.member' failed to satisfy constraint: Member must have length greater than or equal to 3",
                    "Value '' at 'resourceArns.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
                    "Value 'aws' at 'contextEntries.1.member.contextKeyName' failed to satisfy constraint: Member must have length greater than or equal to 5",
                    "Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
                    #"Value 'pĀ' at 'marker' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0020-\u00FF]+"#,
                    "Value 'text' at 'contextEntries.1.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: "
                        + "[string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]",
                ]))
    }

    @Test("Upper bounds: MaxItems 1000, action names 128, policy characters up to U+00FF")
    func upperBounds() {
        let base = custom.merging(["PolicyInputList": "", "ActionNames.member.1": "sqs:SendMessage"]) { $1 }
        #expect(throws: Never.self) { try IdentityRequestDecoder.decode(base.merging(["MaxItems": "1000"]) { $1 }, service: .iam) }
        #expect(
            error(base.merging(["MaxItems": "1001"]) { $1 })?.message
                == "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")
        #expect(
            error(base.merging(["MaxItems": "ten"]) { $1 })?.message
                == "1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy constraint: Member must be an integer")
        #expect(
            error(base.merging(["ActionNames.member.1": "sqs:" + String(repeating: "a", count: 125)]) { $1 })?.message.hasSuffix(
                "Member must have length less than or equal to 128") == true)
        #expect(
            error(base.merging(["ResourcePolicy": "{\"Sid\":\"☃\"}"]) { $1 })?.message
                == #"1 validation error detected: Value at 'resourcePolicy' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+"#)
        #expect(throws: Never.self) {
            try IdentityRequestDecoder.decode(base.merging(["ResourcePolicy": "{\n\t\"Sid\": \"caf\u{E9}\"\r\n}"]) { $1 }, service: .iam)
        }
    }
}
