import Foundation
import KeyService
import SealCrypto
import Testing

@Suite("EnvelopeSealer: SQS payloads under data keys from the key service")
struct EnvelopeSealerTests {
    let queue = "arn:aws:sqs:us-east-1:111122223333:orders"
    let caller = "AIDAPRODUCER"

    func setUp() async throws -> (KeyServiceHarness, EnvelopeSealer, EnvelopeSealer.Settings) {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        return (harness, EnvelopeSealer(keys: harness.service, maximumMessagesPerDataKey: 1_000), .init(kmsKeyId: key.keyId, reusePeriodSeconds: 300))
    }

    @Test("A sealed payload opens for the same queue, message and binding, and hides the plaintext")
    func roundTrip() async throws {
        let (_, sealer, settings) = try await setUp()
        let body = Array("card 4111 1111 1111 1111".utf8)
        let sealed = try sealer.seal(body, queueArn: queue, messageId: "m-1", binding: ["g1"], settings: settings, caller: caller)
        #expect(sealed.firstRange(of: body) == nil)
        #expect(try sealer.open(sealed, queueArn: queue, messageId: "m-1", binding: ["g1"], caller: caller) == body)
    }

    @Test("Another queue, message id or binding, or any changed byte, does not open")
    func bound() async throws {
        let (_, sealer, settings) = try await setUp()
        let sealed = try sealer.seal([1, 2, 3], queueArn: queue, messageId: "m-1", binding: ["g1"], settings: settings, caller: caller)
        #expect(throws: KeyServiceError.self) { try sealer.open(sealed, queueArn: queue + "2", messageId: "m-1", binding: ["g1"], caller: caller) }
        #expect(throws: KeyServiceError.self) { try sealer.open(sealed, queueArn: queue, messageId: "m-2", binding: ["g1"], caller: caller) }
        #expect(throws: KeyServiceError.self) { try sealer.open(sealed, queueArn: queue, messageId: "m-1", binding: ["g2"], caller: caller) }
        for index in sealed.indices {
            var flipped = sealed
            flipped[index] ^= 0x80
            #expect(throws: KeyServiceError.self, "byte \(index)") {
                try sealer.open(flipped, queueArn: queue, messageId: "m-1", binding: ["g1"], caller: caller)
            }
        }
    }

    @Test("One GenerateDataKey per caller and reuse period, and again after the message bound")
    func reuse() async throws {
        let (harness, sealer, settings) = try await setUp()
        for index in 0..<2_500 {
            _ = try sealer.seal([1], queueArn: queue, messageId: "m-\(index)", settings: settings, caller: caller)
        }
        #expect(sealer.callCount.generateDataKey == 3, "1,000 messages per data key")
        _ = try sealer.seal([1], queueArn: queue, messageId: "other", settings: settings, caller: "AIDACONSUMER")
        #expect(sealer.callCount.generateDataKey == 4, "data keys are per caller")
        harness.advance(days: 301.0 / 86_400)
        _ = try sealer.seal([1], queueArn: queue, messageId: "later", settings: settings, caller: "AIDACONSUMER")
        #expect(sealer.callCount.generateDataKey == 5, "a data key expires with its reuse period")
    }

    @Test("Opening uses Decrypt once per data key and reader, and key states reach the sealer")
    func decryptAndStates() async throws {
        let (harness, sealer, settings) = try await setUp()
        let sealed = try sealer.seal([7], queueArn: queue, messageId: "m", settings: settings, caller: caller)
        let reader = EnvelopeSealer(keys: harness.service)
        for _ in 0..<5 { #expect(try reader.open(sealed, queueArn: queue, messageId: "m", caller: "AIDACONSUMER") == [7]) }
        #expect(reader.callCount.decrypt == 1)
        try await harness.service.disableKey(settings.kmsKeyId)
        let fresh = EnvelopeSealer(keys: harness.service)
        #expect(expectKeyError(.disabled) { _ = try fresh.seal([1], queueArn: queue, messageId: "x", settings: settings, caller: caller) })
        #expect(expectKeyError(.disabled) { _ = try fresh.open(sealed, queueArn: queue, messageId: "m", caller: caller) })
    }
}
