import Foundation
import KeyService
import QueueEngine
import SealCrypto
import Synchronization
import Testing

@Suite("EnvelopeSealer: SQS payloads under data keys from the key service")
struct EnvelopeSealerTests {
    let queue = "arn:aws:sqs:us-east-1:111122223333:orders"
    let producer = Caller(senderId: "AIDAPRODUCER", principalArn: "arn:aws:iam::111122223333:user/producer")
    let consumer = Caller(senderId: "AIDACONSUMER", principalArn: "arn:aws:iam::111122223333:user/consumer")

    /// Every key use the sealer asked about, and whom to refuse.
    final class KeyUseLog: Sendable {
        let uses = Mutex<[String]>([])
        let refused = Mutex<Set<String>>([])

        func authorize(_ use: EnvelopeSealer.KeyUse) throws(KeyServiceError) {
            let name = "\(use.operation) \(use.caller.principalArn ?? "-") \(use.encryptionContext["aws:sqs:arn"] ?? "-")"
            if refused.withLock({ $0.contains(use.caller.principalArn ?? "-") }) {
                throw KeyServiceError(.accessDenied, "not authorized")
            }
            uses.withLock { $0.append(name) }
        }
    }

    struct Setup {
        let harness: KeyServiceHarness
        let sealer: EnvelopeSealer
        let log: KeyUseLog
        let key: ManagedKey
        let spaceKey: [UInt8]
    }

    func setUp(maximumMessagesPerDataKey: Int = 1_000) async throws -> Setup {
        let harness = try KeyServiceHarness()
        try await harness.service.start()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let log = KeyUseLog()
        let sealer = EnvelopeSealer(
            keys: harness.service, maximumMessagesPerDataKey: maximumMessagesPerDataKey,
            authorize: { use throws(KeyServiceError) in try log.authorize(use) })
        return Setup(harness: harness, sealer: sealer, log: log, key: key, spaceKey: try sealer.makeSpaceKey(queueArn: queue))
    }

    func context(_ setup: Setup, _ messageId: String, caller: Caller? = nil, binding: [String] = ["", ""]) -> SealingContext {
        SealingContext(
            queueArn: queue, messageId: messageId, binding: binding, spaceKey: setup.spaceKey, caller: caller ?? producer,
            reusePeriodSeconds: 300)
    }

    func errorCode(_ body: () throws -> Void) -> SQSError.Code? {
        do {
            try body()
            return nil
        } catch let error as SQSError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test("A sealed payload opens for the same queue, message, binding and space, and hides the plaintext")
    func roundTrip() async throws {
        let setup = try await setUp()
        let body = "card 4111 1111 1111 1111"
        for protection in [SealingProtection.kmsKey(setup.key.keyId), .queueServiceKey] {
            let sealed = try setup.sealer.seal(body, protection: protection, context(setup, "m-1", binding: ["g1", "d1"]))
            #expect(sealed.firstRange(of: Array(body.utf8)) == nil)
            #expect(try setup.sealer.open(sealed, context(setup, "m-1", caller: consumer, binding: ["g1", "d1"])).body == body)
        }
    }

    @Test("Another queue, message id, binding or message space, or any changed byte, does not open")
    func bound() async throws {
        let setup = try await setUp()
        let sealed = try setup.sealer.seal("123", protection: .kmsKey(setup.key.keyId), context(setup, "m-1", binding: ["g1", ""]))
        var otherQueue = context(setup, "m-1", binding: ["g1", ""])
        otherQueue.queueArn += "2"
        var otherSpace = context(setup, "m-1", binding: ["g1", ""])
        otherSpace.spaceKey = try setup.sealer.makeSpaceKey(queueArn: queue)
        for wrong in [otherQueue, otherSpace, context(setup, "m-2", binding: ["g1", ""]), context(setup, "m-1", binding: ["g2", ""])] {
            #expect(errorCode { _ = try setup.sealer.open(sealed, wrong) } == .internalError)
        }
        for index in sealed.indices {
            var flipped = sealed
            flipped[index] ^= 0x80
            #expect(errorCode { _ = try setup.sealer.open(flipped, context(setup, "m-1", binding: ["g1", ""])) } != nil, "byte \(index)")
        }
    }

    @Test("One GenerateDataKey (and its Decrypt) per caller and reuse period, and again after the message bound; SSE-SQS makes no KMS calls")
    func reuse() async throws {
        let setup = try await setUp()
        for index in 0..<2_500 {
            _ = try setup.sealer.seal("1", protection: .kmsKey(setup.key.keyId), context(setup, "m-\(index)"))
        }
        #expect(setup.sealer.callCount.generateDataKey == 3, "1,000 messages per data key")
        _ = try setup.sealer.seal("1", protection: .kmsKey(setup.key.keyId), context(setup, "other", caller: consumer))
        #expect(setup.sealer.callCount.generateDataKey == 4, "data keys are per caller")
        setup.harness.advance(days: 301.0 / 86_400)
        _ = try setup.sealer.seal("1", protection: .kmsKey(setup.key.keyId), context(setup, "later", caller: consumer))
        #expect(setup.sealer.callCount.generateDataKey == 5, "a data key expires with its reuse period")
        for index in 0..<10 { _ = try setup.sealer.seal("1", protection: .queueServiceKey, context(setup, "sqs-\(index)")) }
        #expect(setup.sealer.callCount.generateDataKey == 5)
        let uses = setup.log.uses.withLock { $0 }
        #expect(uses.map { $0.prefix(while: { $0 != " " }) } == Array(repeating: ["GenerateDataKey", "Decrypt"], count: 5).flatMap { $0 })
        #expect(uses.allSatisfy { $0.hasSuffix(queue) })
    }

    @Test("A batch looks its data key up once and splits where the key's message bound runs out")
    func batchUnderBound() async throws {
        let setup = try await setUp(maximumMessagesPerDataKey: 25)
        let protection = SealingProtection.kmsKey(setup.key.keyId)
        var sealed: [Data] = []
        var contexts: [SealingContext] = []
        for batch in 0..<3 {
            let batchContexts = (0..<10).map { context(setup, "m-\(batch)-\($0)") }
            let payloads = (0..<10).map { MessagePayload(body: "body \(batch)-\($0)", attributes: [:], systemAttributes: [:]) }
            sealed += try setup.sealer.seal(payloads, protection: protection, batchContexts)
            contexts += batchContexts
        }
        func blob(_ sealed: Data) -> Data { sealed.subdata(in: 4..<(4 + Int(sealed[2]) << 8 + Int(sealed[3]))) }
        #expect(setup.sealer.callCount.generateDataKey == 2, "30 messages under a bound of 25: two data keys")
        #expect(Set(sealed[0..<25].map(blob)).count == 1 && Set(sealed[25...].map(blob)).count == 1)
        #expect(blob(sealed[24]) != blob(sealed[25]), "the third batch is split between the two keys")
        for (index, item) in sealed.enumerated() {
            #expect(try setup.sealer.open(item, contexts[index]).body == "body \(index / 10)-\(index % 10)")
        }
    }

    @Test("Concurrent first sends and receives share one GenerateDataKey and one Decrypt")
    func singleFetch() async throws {
        let setup = try await setUp()
        let sealer = setup.sealer
        let protection = SealingProtection.kmsKey(setup.key.keyId)
        let contexts = (0..<64).map { context(setup, "m-\($0)") }
        let sealed = try await withThrowingTaskGroup(of: Data.self) { group in
            for item in contexts { group.addTask { try sealer.seal("123", protection: protection, item) } }
            return try await group.reduce(into: [Data]()) { $0.append($1) }
        }
        #expect(sealed.count == 64 && sealer.callCount.generateDataKey == 1)
        let reader = EnvelopeSealer(keys: setup.harness.service, authorize: { _ in })
        let readerContext = context(setup, "one", caller: consumer)
        let one = try sealer.seal("9", protection: protection, context(setup, "one"))
        let opened = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<64 { group.addTask { try reader.open(one, readerContext).body } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(opened == Array(repeating: "9", count: 64))
        #expect(reader.callCount.decrypt == 1)
    }

    @Test("Opening asks for Decrypt once per data key and reader, on the reader's behalf")
    func decryptPerReader() async throws {
        let setup = try await setUp()
        let sealed = try setup.sealer.seal("7", protection: .kmsKey(setup.key.keyId), context(setup, "m"))
        let sent = setup.sealer.callCount
        #expect(sent.generateDataKey == 1 && sent.decrypt == 1, "a sender's refresh is GenerateDataKey and Decrypt")
        for _ in 0..<5 { #expect(try setup.sealer.open(sealed, context(setup, "m", caller: consumer)).body == "7") }
        #expect(setup.sealer.callCount.decrypt == 2)
        #expect(setup.log.uses.withLock { $0.last } == "Decrypt \(consumer.principalArn!) \(queue)")
    }

    @Test("Key states reach a sealer with cached data keys at once: KmsDisabled, KmsInvalidState, KmsNotFound, KmsAccessDenied")
    func keyStates() async throws {
        let setup = try await setUp()
        let protection = SealingProtection.kmsKey(setup.key.keyId)
        let sealed = try setup.sealer.seal("7", protection: protection, context(setup, "m"))
        _ = try setup.sealer.open(sealed, context(setup, "m"))
        try await setup.harness.service.disableKey(setup.key.keyId)
        #expect(errorCode { _ = try setup.sealer.seal("1", protection: protection, context(setup, "x")) } == .kmsDisabled)
        #expect(errorCode { _ = try setup.sealer.open(sealed, context(setup, "m")) } == .kmsDisabled)
        try await setup.harness.service.enableKey(setup.key.keyId)
        #expect(try setup.sealer.open(sealed, context(setup, "m")).body == "7")
        _ = try await setup.harness.service.scheduleKeyDeletion(setup.key.keyId, days: 7)
        #expect(errorCode { _ = try setup.sealer.seal("1", protection: protection, context(setup, "x")) } == .kmsInvalidState)
        #expect(errorCode { _ = try setup.sealer.open(sealed, context(setup, "m")) } == .kmsInvalidState)
        setup.harness.advance(days: 8)
        _ = try await setup.harness.service.runDueWork()
        #expect(errorCode { _ = try setup.sealer.open(sealed, context(setup, "m")) } == .kmsNotFound, "deleted: shredded")
        #expect(errorCode { _ = try setup.sealer.seal("1", protection: .kmsKey("alias/missing"), context(setup, "x")) } == .kmsNotFound)
        setup.log.refused.withLock { _ = $0.insert(consumer.principalArn!) }
        let other = try await setup.harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        #expect(errorCode { _ = try setup.sealer.seal("1", protection: .kmsKey(other.keyId), context(setup, "x", caller: consumer)) } == .kmsAccessDenied)
    }

    @Test("Rotation mid-stream: messages sealed before a rotation still open after it")
    func rotation() async throws {
        let setup = try await setUp()
        let protection = SealingProtection.kmsKey(setup.key.keyId)
        let before = try setup.sealer.seal("1", protection: protection, context(setup, "before"))
        _ = try await setup.harness.service.rotateKeyOnDemand(setup.key.keyId)
        let after = try setup.sealer.seal("2", protection: protection, context(setup, "after"))
        let recorded = Mutex<[EnvelopeSealer.KeyUse]>([])
        let reader = EnvelopeSealer(
            keys: setup.harness.service, authorize: { _ in }, record: { use in recorded.withLock { $0.append(use) } })
        #expect(try reader.open(before, context(setup, "before", caller: consumer)).body == "1")
        #expect(try reader.open(after, context(setup, "after", caller: consumer)).body == "2")
        #expect(setup.sealer.callCount.generateDataKey == 2, "the rotation changed the key, so a new data key was made")
        // Each Decrypt names the material that had sealed its data key, as CloudTrail's records do.
        let uses = recorded.withLock { $0 }
        #expect(uses.map(\.operation) == ["Decrypt", "Decrypt"])
        let first = setup.key.currentVersion.number
        #expect(uses.map(\.keyMaterialId) == [setup.key.keyMaterialId(version: first), setup.key.keyMaterialId(version: first + 1)])
    }
}

extension EnvelopeSealer {
    /// Seals `body` as a message with no attributes.
    func seal(_ body: String, protection: SealingProtection, _ context: SealingContext) throws(SQSError) -> Data {
        try seal(MessagePayload(body: body, attributes: [:], systemAttributes: [:]), protection: protection, context)
    }
}
