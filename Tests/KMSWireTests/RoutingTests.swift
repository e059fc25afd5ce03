import Testing

@testable import KMSWire

@Suite("X-Amz-Target routing")
struct RoutingTests {
    @Test("Every action routes from TrentService.<Action>", arguments: KMSAction.allCases)
    func routes(action: KMSAction) throws {
        #expect(try KMSTarget.action(from: "TrentService.\(action.rawValue)") == action)
        #expect(KMSTarget.header(for: action) == "TrentService.\(action.rawValue)")
        #expect(action.iamAction == "kms:\(action.rawValue)")
    }

    @Test("There are 36 actions")
    func count() { #expect(KMSAction.allCases.count == 36) }

    @Test(
        "Unknown, foreign, missing or miscased targets are UnknownOperationException",
        arguments: [nil, "TrentService.Frobnicate", "AmazonSQS.SendMessage", "TrentService.encrypt", "Encrypt", "TrentService."])
    func unknown(target: String?) {
        #expect(throws: KMSError.unknownOperation(target)) { try KMSTarget.action(from: target) }
        #expect(KMSError.unknownOperation(target).type == "UnknownOperationException")
        #expect(KMSTarget.operationName(of: target) == nil)
    }

    @Test(
        "AWS KMS operations of features this service lacks are UnsupportedOperationException, named for the record",
        arguments: ["Sign", "GetPublicKey", "CreateCustomKeyStore", "ImportKeyMaterial", "ReplicateKey"])
    func unsupported(name: String) {
        #expect(throws: KMSError.self) { try KMSTarget.action(from: "TrentService.\(name)") }
        do {
            _ = try KMSTarget.action(from: "TrentService.\(name)")
        } catch {
            #expect(error.type == "UnsupportedOperationException")
            #expect(error.message?.hasPrefix("\(name) is not supported") == true)
        }
        #expect(KMSTarget.operationName(of: "TrentService.\(name)") == name)
        #expect(KMSTarget.operationName(of: "TrentService.Encrypt") == "Encrypt")
    }

    @Test("isKMS looks at the prefix only")
    func isKMS() {
        #expect(KMSTarget.isKMS("TrentService.Foo"))
        #expect(!KMSTarget.isKMS("AmazonSQS.SendMessage"))
        #expect(!KMSTarget.isKMS(nil))
    }

    @Test("decode(target:body:) routes then decodes")
    func decodeWithTarget() throws {
        #expect(try KMSRequestDecoder.decode(target: "TrentService.ListKeys", body: []) == .listKeys(KMSPaging()))
        #expect(throws: KMSError.unknownOperation("TrentService.Nope")) {
            try KMSRequestDecoder.decode(target: "TrentService.Nope", body: [])
        }
    }
}
