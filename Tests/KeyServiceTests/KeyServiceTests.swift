import Foundation
import KeyService
import SealCrypto
import Testing

@Suite("KeyService: keys, ciphertexts, states, rotation, deletion")
struct KeyServiceTests {
    let context = ["aws:sqs:arn": "arn:aws:sqs:us-east-1:111122223333:orders"]

    @Test("Start makes the AWS-managed key behind alias/aws/sqs, once")
    func managedSQSKey() async throws {
        let harness = try KeyServiceHarness()
        try await harness.service.start()
        let key = try harness.service.resolve("alias/aws/sqs")
        #expect(key.keyManager == "AWS" && key.rotationEnabled)
        let again = try harness.restarted()
        try await again.service.start()
        #expect(try again.service.resolve("alias/aws/sqs").keyId == key.keyId)
    }

    @Test("A start stopped between making the AWS-managed key and its alias leaves one such key, not two")
    func managedSQSKeyWithoutItsAlias() async throws {
        let harness = try KeyServiceHarness()
        try await harness.service.start()
        let key = try harness.service.resolve("alias/aws/sqs")
        try await harness.store.keyStore.deleteAlias("alias/aws/sqs")  // as if killed before saving it
        let again = try harness.restarted()
        try await again.service.start()
        #expect(try again.service.resolve("alias/aws/sqs").keyId == key.keyId)
        #expect(try again.service.listKeys(limit: 1000, marker: nil).keys.filter { $0.keyManager == "AWS" }.count == 1)
    }

    @Test("A tag an earlier release let in does not block new tags; only the request's tags are checked")
    func earlierTagsStayUsable() async throws {
        let harness = try KeyServiceHarness()
        try await harness.service.start()
        var key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: ["team": "blue"])
        key.tags["team"] = "blue|green"  // as stored before key tags were checked for their characters
        key.revision += 1
        try await harness.store.keyStore.saveKey(key)
        let again = try harness.restarted()
        try await again.service.start()
        try await again.service.tagKey(key.keyId, tags: ["env": "prod"])
        #expect(try again.service.resolve(key.keyId).tags == ["team": "blue|green", "env": "prod"])
        #expect(await expectKeyError(.tag) { try await again.service.tagKey(key.keyId, tags: ["owner": "a<b"]) })
    }

    @Test("Encrypt and decrypt round-trip, with and without the key id, by id, ARN and alias")
    func roundTrip() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "orders", spec: .symmetricDefault, policy: nil, tags: [:])
        try await harness.service.createAlias("alias/orders", target: key.keyId)
        for identifier in [key.keyId, key.arn, "alias/orders", "arn:aws:kms:us-east-1:111122223333:alias/orders"] {
            let sealed = try harness.service.encrypt(identifier, plaintext: Array("secret order".utf8), context: context)
            #expect(try harness.service.decrypt(sealed.ciphertextBlob, identifier: nil, context: context).plaintext == Array("secret order".utf8))
            #expect(try harness.service.decrypt(sealed.ciphertextBlob, identifier: identifier, context: context).key.keyId == key.keyId)
        }
    }

    @Test("Any changed byte, a truncation, or a context differing in one byte fails to open, with no hint")
    func tampering() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let blob = try harness.service.encrypt(key.keyId, plaintext: Array("x".utf8), context: ["a": "bc"]).ciphertextBlob
        for index in blob.indices {
            var flipped = blob
            flipped[index] ^= 0x01
            // A flip inside the key id names a key that does not exist: KMS's non-committal AccessDenied.
            #expect(expectKeyError(.invalidCiphertext) { _ = try harness.service.decrypt(flipped, identifier: nil, context: ["a": "bc"]) }
                || expectKeyError(.accessDenied) { _ = try harness.service.decrypt(flipped, identifier: nil, context: ["a": "bc"]) },
                "byte \(index)")
        }
        for length in [0, 1, 20, blob.count - 1] {
            #expect(expectKeyError(.invalidCiphertext) { _ = try harness.service.decrypt(Array(blob.prefix(length)), identifier: nil, context: ["a": "bc"]) })
        }
        for other in [["ab": "c"], ["a": "bC"], [:], ["a": "bc", "d": "e"]] {
            #expect(expectKeyError(.invalidCiphertext) { _ = try harness.service.decrypt(blob, identifier: nil, context: other) })
        }
    }

    @Test("A KeyId that is not the blob's key is IncorrectKeyException")
    func incorrectKey() async throws {
        let harness = try KeyServiceHarness()
        let first = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let second = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let blob = try harness.service.encrypt(first.keyId, plaintext: [1], context: [:]).ciphertextBlob
        #expect(expectKeyError(.incorrectKey) { _ = try harness.service.decrypt(blob, identifier: second.keyId, context: [:]) })
    }

    @Test("Plaintexts of 1 to 4,096 bytes only")
    func plaintextLimits() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        _ = try harness.service.encrypt(key.keyId, plaintext: Array(repeating: 1, count: 4096), context: [:])
        #expect(expectKeyError(.validation) { _ = try harness.service.encrypt(key.keyId, plaintext: Array(repeating: 1, count: 4097), context: [:]) })
    }

    @Test("Disabled keys refuse cryptography with DisabledException; enabling restores it")
    func disabled() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let blob = try harness.service.encrypt(key.keyId, plaintext: [1], context: [:]).ciphertextBlob
        try await harness.service.disableKey(key.keyId)
        #expect(expectKeyError(.disabled) { _ = try harness.service.encrypt(key.keyId, plaintext: [1], context: [:]) })
        #expect(expectKeyError(.disabled) { _ = try harness.service.decrypt(blob, identifier: nil, context: [:]) })
        #expect(throws: KeyServiceError(.disabled, "\(key.arn) is disabled.")) { _ = try harness.service.encrypt(key.keyId, plaintext: [1], context: [:]) }
        try await harness.service.enableKey(key.keyId)
        #expect(try harness.service.decrypt(blob, identifier: nil, context: [:]).plaintext == [1])
    }

    @Test("Rotation adds versions; every older ciphertext still decrypts, also after a restart")
    func rotation() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        var blobs = [try harness.service.encrypt(key.keyId, plaintext: [0], context: [:]).ciphertextBlob]
        for round in 1...3 {
            _ = try await harness.service.rotateKeyOnDemand(key.keyId)
            blobs.append(try harness.service.encrypt(key.keyId, plaintext: [UInt8(round)], context: [:]).ciphertextBlob)
        }
        #expect(try harness.service.resolve(key.keyId).versions.count == 4)
        let restarted = try harness.restarted()
        try await restarted.service.start()
        for (index, blob) in blobs.enumerated() {
            #expect(try restarted.service.decrypt(blob, identifier: nil, context: [:]).plaintext == [UInt8(index)])
        }
    }

    @Test("Automatic rotation happens when its period has passed")
    func automaticRotation() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        try await harness.service.enableKeyRotation(key.keyId, periodDays: 90)
        harness.advance(days: 89)
        #expect(try await harness.service.runDueWork() == 0)
        harness.advance(days: 2)
        #expect(try await harness.service.runDueWork() == 1)
        #expect(try harness.service.resolve(key.keyId).versions.last?.rotationType == "AUTOMATIC")
    }

    @Test("Deletion: pending keys refuse use, cancel leaves them Disabled, and after the window nothing they protected can be read")
    func deletion() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let blob = try harness.service.encrypt(key.keyId, plaintext: [42], context: [:]).ciphertextBlob
        #expect(await expectKeyError(.validation) { _ = try await harness.service.scheduleKeyDeletion(key.keyId, days: 6) })
        _ = try await harness.service.scheduleKeyDeletion(key.keyId, days: 7)
        #expect(expectKeyError(.invalidState) { _ = try harness.service.decrypt(blob, identifier: nil, context: [:]) })
        #expect(try await harness.service.cancelKeyDeletion(key.keyId).state == .disabled)
        _ = try await harness.service.scheduleKeyDeletion(key.keyId, days: 7)
        harness.advance(days: 7.0001)
        #expect(try await harness.service.runDueWork() == 1)
        #expect(expectKeyError(.notFound) { _ = try harness.service.resolve(key.keyId) })
        #expect(expectKeyError(.accessDenied) { _ = try harness.service.decrypt(blob, identifier: nil, context: [:]) })
        let restarted = try harness.restarted()
        try await restarted.service.start()
        #expect(expectKeyError(.accessDenied) { _ = try restarted.service.decrypt(blob, identifier: nil, context: [:]) })
    }

    @Test("Material wrapped by one root key does not open under another")
    func wrongRootKey() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let blob = try harness.service.encrypt(key.keyId, plaintext: [1], context: [:]).ciphertextBlob
        let other = try harness.restarted(rootKey: Array(repeating: 9, count: 32))
        try await other.service.start()
        #expect(expectKeyError(.invalidState) { _ = try other.service.decrypt(blob, identifier: nil, context: [:]) })
    }

    @Test("HMAC keys make and check MACs and refuse encryption; symmetric keys refuse MACs")
    func macs() async throws {
        let harness = try KeyServiceHarness()
        let macKey = try await harness.service.createKey(description: "", spec: .hmac256, policy: nil, tags: [:])
        let (_, mac) = try harness.service.generateMac(macKey.keyId, message: [1, 2, 3], algorithm: "HMAC_SHA_256")
        #expect(mac.count == 32)
        _ = try harness.service.verifyMac(macKey.keyId, message: [1, 2, 3], mac: mac, algorithm: "HMAC_SHA_256")
        #expect(expectKeyError(.invalidMac) { _ = try harness.service.verifyMac(macKey.keyId, message: [1, 2, 4], mac: mac, algorithm: "HMAC_SHA_256") })
        #expect(expectKeyError(.invalidKeyUsage) { _ = try harness.service.encrypt(macKey.keyId, plaintext: [1], context: [:]) })
        let aesKey = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        #expect(expectKeyError(.invalidKeyUsage) { _ = try harness.service.generateMac(aesKey.keyId, message: [1], algorithm: "HMAC_SHA_256") })
    }

    @Test("Concurrent CreateAlias calls for one name: exactly one succeeds, the alias names its key")
    func concurrentAliases() async throws {
        let harness = try KeyServiceHarness()
        var keys: [String] = []
        for _ in 0..<8 { keys.append(try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:]).keyId) }
        let service = harness.service
        let winners = await withTaskGroup(of: String?.self) { group in
            for key in keys { group.addTask { (try? await service.createAlias("alias/contested", target: key)) == nil ? nil : key } }
            return await group.reduce(into: [String]()) { if let key = $1 { $0.append(key) } }
        }
        #expect(winners.count == 1)
        #expect(try harness.service.resolve("alias/contested").keyId == winners.first)
    }

    @Test("Aliases: reserved names refused, duplicates refused, update and delete")
    func aliases() async throws {
        let harness = try KeyServiceHarness()
        let first = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let second = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        #expect(await expectKeyError(.invalidAliasName) { try await harness.service.createAlias("alias/aws/mine", target: first.keyId) })
        #expect(await expectKeyError(.validation) { try await harness.service.createAlias("orders", target: first.keyId) })
        try await harness.service.createAlias("alias/orders", target: first.keyId)
        #expect(await expectKeyError(.alreadyExists) { try await harness.service.createAlias("alias/orders", target: second.keyId) })
        try await harness.service.updateAlias("alias/orders", target: second.keyId)
        #expect(try harness.service.resolve("alias/orders").keyId == second.keyId)
        try await harness.service.deleteAlias("alias/orders")
        #expect(expectKeyError(.notFound) { _ = try harness.service.resolve("alias/orders") })
        #expect(throws: KeyServiceError(.notFound, "Alias \(harness.service.aliasArn("alias/orders")) is not found.")) {
            _ = try harness.service.resolve("alias/orders")
        }
    }

    @Test("Grants: constraints on the context, retire by token, revoke, idempotent names")
    func grants() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let grantee = "arn:aws:iam::111122223333:user/worker"
        let grant = try await harness.service.createGrant(
            key.keyId, grantee: grantee, retiring: nil, operations: ["Decrypt"], name: "w", contextSubset: ["tenant": "a"],
            contextEquals: nil, issuingAccount: "111122223333")
        #expect(grant.allows("Decrypt", by: grantee, context: ["tenant": "a", "x": "y"]))
        #expect(!grant.allows("Decrypt", by: grantee, context: ["tenant": "b"]))
        #expect(!grant.allows("Encrypt", by: grantee, context: ["tenant": "a"]))
        let again = try await harness.service.createGrant(
            key.keyId, grantee: grantee, retiring: nil, operations: ["Decrypt"], name: "w", contextSubset: ["tenant": "a"],
            contextEquals: nil, issuingAccount: "111122223333")
        #expect(again.grantId == grant.grantId)
        // Every token issued is new, and each names the grant; a token of another shape, or with
        // a changed byte, names none.
        let (first, second) = (grant.issueToken(), again.issueToken())
        #expect(first != second && first.count == 160)
        #expect(harness.service.grant(issuing: first)?.grantId == grant.grantId)
        #expect(harness.service.grant(issuing: second)?.grantId == grant.grantId)
        #expect(harness.service.grant(issuing: String(first.dropLast()) + (first.hasSuffix("0") ? "1" : "0")) == nil)
        #expect(harness.service.grant(issuing: String(repeating: "0", count: 96)) == nil)
        #expect(harness.service.grant(issuing: first.uppercased()) == nil, "one spelling per token")
        // Grants stored before tokens were derived had answered with their secret: after a
        // start, it still names its grant.
        let restarted = try harness.restarted()
        try await restarted.service.start()
        #expect(restarted.service.grant(issuing: grant.tokenSecret)?.grantId == grant.grantId)
        #expect(restarted.service.grant(issuing: first)?.grantId == grant.grantId)
        try await harness.service.retireGrant(token: second, identifier: nil, grantId: nil, callerArn: "arn:aws:iam::111122223333:root")
        #expect(harness.service.grant(issuing: first) == nil, "a retired grant's tokens name nothing")
        #expect(harness.service.grants(of: key.keyId).isEmpty)
        let other = try await harness.service.createGrant(
            key.keyId, grantee: grantee, retiring: nil, operations: ["Encrypt"], name: nil, contextSubset: nil, contextEquals: nil,
            issuingAccount: "111122223333")
        try await harness.service.revokeGrant(key.keyId, grantId: other.grantId)
        #expect(await expectKeyError(.notFound) { try await harness.service.revokeGrant(key.keyId, grantId: other.grantId) })
    }

    @Test("Root rotation re-wraps every version: the service keeps decrypting, a restart needs the new root key")
    func rootRotation() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let first = try harness.service.encrypt(key.keyId, plaintext: [1], context: [:]).ciphertextBlob
        _ = try await harness.service.rotateKeyOnDemand(key.keyId)
        let newRoot = Array(repeating: UInt8(42), count: 32)
        #expect(try await harness.service.rotateRoot(to: SecretBytes(copying: newRoot)) == 2)
        #expect(try harness.service.decrypt(first, identifier: nil, context: [:]).plaintext == [1])
        let created = try await harness.service.createKey(description: "after", spec: .symmetricDefault, policy: nil, tags: [:])
        let withNew = try harness.restarted(rootKey: newRoot)
        try await withNew.service.start()
        #expect(try withNew.service.decrypt(first, identifier: nil, context: [:]).plaintext == [1])
        _ = try withNew.service.encrypt(created.keyId, plaintext: [2], context: [:])
        let withOld = try harness.restarted()
        try await withOld.service.start()
        #expect(expectKeyError(.invalidState) { _ = try withOld.service.decrypt(first, identifier: nil, context: [:]) })
    }
}

@Suite("Grants: what a grant allows, and which grants its CreateGrant may create")
struct KeyGrantRuleTests {
    func grant(_ operations: [String], subset: [String: String]? = nil, equals: [String: String]? = nil) -> KeyGrant {
        KeyGrant(
            grantId: "g", tokenSecret: "t", keyId: "k", name: nil, granteePrincipal: "arn:aws:iam::000000000000:user/bob",
            retiringPrincipal: nil, issuingAccount: "000000000000", operations: operations, contextSubset: subset,
            contextEquals: equals, createdAt: 0)
    }
    let bob = "arn:aws:iam::000000000000:user/bob"

    @Test("A constraint applies to cryptographic operations only, and CreateGrant is never allowed without the new grant")
    func constraintScope() {
        let constrained = grant(["Decrypt", "DescribeKey", "CreateGrant"], subset: ["dept": "eng"])
        #expect(constrained.allows("DescribeKey", by: bob, context: [:]))
        #expect(!constrained.allows("Decrypt", by: bob, context: [:]) && constrained.allows("Decrypt", by: bob, context: ["dept": "eng"]))
        #expect(!constrained.allows("CreateGrant", by: bob, context: ["dept": "eng"]))
        #expect(!constrained.allows("Decrypt", by: "arn:aws:iam::000000000000:user/eve", context: ["dept": "eng"]))
    }

    @Test("A constraint's keys match in any case, its values exactly (also for the grants a grant may create)")
    func constraintKeyCase() {
        let subset = grant(["Decrypt", "CreateGrant"], subset: ["Tenant": "a"])
        #expect(subset.allows("Decrypt", by: bob, context: ["tenant": "a", "x": "y"]))
        #expect(!subset.allows("Decrypt", by: bob, context: ["tenant": "A"]))
        let equals = grant(["Decrypt"], equals: ["Dept": "eng"])
        #expect(equals.allows("Decrypt", by: bob, context: ["DEPT": "eng"]))
        #expect(!equals.allows("Decrypt", by: bob, context: ["dept": "eng", "more": "x"]))
        #expect(subset.allowsCreating(operations: ["Decrypt"], contextSubset: ["TENANT": "a"], contextEquals: nil, by: bob))
        #expect(!subset.allowsCreating(operations: ["Decrypt"], contextSubset: ["tenant": "b"], contextEquals: nil, by: bob))
        // A context whose keys differ only in case gets the same answer every time: refused.
        for _ in 0..<20 { #expect(!subset.allows("Decrypt", by: bob, context: ["tenant": "a", "TENANT": "b"])) }
        #expect(!subset.allowsCreating(operations: ["Decrypt"], contextSubset: ["tenant": "a", "TENANT": "a"], contextEquals: nil, by: bob))
    }

    @Test("CreateGrant from a grant: operations within it, constraint equally strict or stricter")
    func childGrants() {
        let open = grant(["Encrypt", "CreateGrant"])
        #expect(open.allowsCreating(operations: ["Encrypt"], contextSubset: nil, contextEquals: nil, by: bob))
        #expect(open.allowsCreating(operations: ["Encrypt", "CreateGrant"], contextSubset: nil, contextEquals: nil, by: bob))
        #expect(!open.allowsCreating(operations: ["Decrypt"], contextSubset: nil, contextEquals: nil, by: bob))
        #expect(!grant(["Encrypt"]).allowsCreating(operations: ["Encrypt"], contextSubset: nil, contextEquals: nil, by: bob))
        let subset = grant(["Encrypt", "CreateGrant"], subset: ["dept": "eng"])
        #expect(!subset.allowsCreating(operations: ["Encrypt"], contextSubset: nil, contextEquals: nil, by: bob))
        #expect(!subset.allowsCreating(operations: ["Encrypt"], contextSubset: ["dept": "ops"], contextEquals: nil, by: bob))
        #expect(subset.allowsCreating(operations: ["Encrypt"], contextSubset: ["dept": "eng", "team": "a"], contextEquals: nil, by: bob))
        #expect(subset.allowsCreating(operations: ["Encrypt"], contextSubset: nil, contextEquals: ["dept": "eng"], by: bob))
        let equals = grant(["Encrypt", "CreateGrant"], equals: ["dept": "eng"])
        #expect(equals.allowsCreating(operations: ["Encrypt"], contextSubset: nil, contextEquals: ["dept": "eng"], by: bob))
        #expect(!equals.allowsCreating(operations: ["Encrypt"], contextSubset: ["dept": "eng"], contextEquals: nil, by: bob))
    }
}
