import Foundation
import KeyService
import Testing

@Suite("KeyDefinition: keys/ applied at start")
struct KeyDefinitionTests {
    let orders = Data(#"{"Alias": "alias/orders", "Description": "orders", "Rotation": {"Enabled": true, "PeriodInDays": 180}, "Tags": {"team": "orders"}}"#.utf8)

    @Test("A missing key is created with its alias, rotation and tags; a second apply changes nothing")
    func createsOnce() async throws {
        let harness = try KeyServiceHarness()
        let definition = try KeyDefinition.parse(orders, file: "orders.json")
        let first = try await harness.service.apply([definition])
        #expect(first.created == ["alias/orders"] && first.drift.isEmpty)
        let key = try harness.service.resolve("alias/orders")
        #expect(key.description == "orders" && key.rotationEnabled && key.rotationPeriodDays == 180 && key.tags == ["team": "orders"])
        let second = try await harness.service.apply([definition])
        #expect(second.created.isEmpty && second.drift.isEmpty)
    }

    @Test("Differences are reported as drift, never corrected or destroyed")
    func reportsDrift() async throws {
        let harness = try KeyServiceHarness()
        let definition = try KeyDefinition.parse(orders, file: "orders.json")
        _ = try await harness.service.apply([definition])
        let key = try harness.service.resolve("alias/orders")
        try await harness.service.disableKey(key.keyId)
        try await harness.service.tagKey(key.keyId, tags: ["team": "payments"])
        let result = try await harness.service.apply([definition])
        #expect(result.drift.count == 1)
        #expect(result.drift[0].contains("Tags") && result.drift[0].contains("KeyState (Disabled)"))
        #expect(try harness.service.resolve("alias/orders").state == .disabled)
    }

    @Test(
        "Bad definitions are refused with the file and the reason",
        arguments: [
            (#"{"Description": "x"}"#, "Alias is required"),
            (#"{"Alias": "alias/aws/x"}"#, "alias/aws/"),
            (#"{"Alias": "alias/x", "KeySpec": "RSA_2048"}"#, "KeySpec"),
            (#"{"Alias": "alias/x", "KeySpec": "HMAC_256", "KeyUsage": "ENCRYPT_DECRYPT"}"#, "KeyUsage"),
            (#"{"Alias": "alias/x", "Rotation": {"Enabled": true, "PeriodInDays": 30}}"#, "PeriodInDays"),
            (#"{"Alias": "alias/x", "Colour": "red"}"#, "unknown member Colour"),
            (#"{"Alias": "alias/x", "Rotation": {"Enabled": "true"}}"#, "Rotation.Enabled"),
            (#"{"Alias": "alias/x", "Rotation": {"Enabled": true, "PeriodInDays": "400"}}"#, "PeriodInDays"),
            (#"{"Alias": "alias/x", "KeySpec": "HMAC_256", "Rotation": {"Enabled": true}}"#, "does not support rotation"),
            (#"{"Alias": "alias/x", "Tags": {"aws:owner": "me"}}"#, "aws:"),
            (#"["alias/x"]"#, "not a JSON object"),
        ])
    func refusesBadDefinitions(text: String, expected: String) {
        do {
            _ = try KeyDefinition.parse(Data(text.utf8), file: "k.json")
            Issue.record("parsed \(text)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
            #expect("\(error)".contains("k.json: "), "\(error)")
        }
    }
}
