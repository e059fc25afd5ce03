import QueueEngine
import Testing

@testable import KeyService

/// Each cached key is a guarded allocation of its own: the caches stay bounded, and shed keys
/// no queue uses any more.
@Suite("EnvelopeSealer caches: bounded, and idle keys dropped")
struct EnvelopeSealerCacheTests {
    private func caller(_ index: Int) -> Caller {
        Caller(senderId: "AIDA\(index)", principalArn: "arn:aws:iam::111122223333:user/p\(index)")
    }

    private func context(queue: String, spaceKey: [UInt8], caller: Caller, _ messageId: String) -> SealingContext {
        SealingContext(queueArn: queue, messageId: messageId, binding: ["", ""], spaceKey: spaceKey, caller: caller, reusePeriodSeconds: 300)
    }

    @Test("A full cache makes room with an SSE-SQS data key before an SSE-KMS one, whose refetch would call KMS")
    func boundedDataKeys() async throws {
        let harness = try KeyServiceHarness()
        try await harness.service.start()
        let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
        let sealer = EnvelopeSealer(keys: harness.service, cacheCapacity: 2, authorize: { _ in })
        let queue = "arn:aws:sqs:us-east-1:111122223333:orders"
        let spaceKey = try sealer.makeSpaceKey(queueArn: queue)
        func send(_ protection: SealingProtection, as index: Int, _ id: String) throws {
            _ = try sealer.seal("m", protection: protection, context(queue: queue, spaceKey: spaceKey, caller: caller(index), id))
        }
        try send(.kmsKey(key.keyId), as: 0, "m-0")
        try send(.queueServiceKey, as: 1, "m-1")
        try send(.kmsKey(key.keyId), as: 2, "m-2")  // the cache is full: the SSE-SQS key goes
        #expect(sealer.cachedCounts.encryption == 2)
        try send(.kmsKey(key.keyId), as: 0, "again-0")
        try send(.kmsKey(key.keyId), as: 2, "again-2")
        #expect(sealer.callCount.generateDataKey == 2, "both SSE-KMS data keys stayed")
        try send(.kmsKey(key.keyId), as: 3, "m-3")  // only SSE-KMS keys left: one of them goes
        #expect(sealer.cachedCounts.encryption == 2)
        #expect(sealer.callCount.generateDataKey == 3)
    }

    @Test("Data keys past their reuse period and space keys idle for five minutes leave the caches")
    func idleKeysDropped() async throws {
        let harness = try KeyServiceHarness()
        try await harness.service.start()
        let sealer = EnvelopeSealer(keys: harness.service, authorize: { _ in })
        for index in 0..<5 {
            let queue = "arn:aws:sqs:us-east-1:111122223333:q\(index)"
            let spaceKey = try sealer.makeSpaceKey(queueArn: queue)
            let sealed = try sealer.seal("m", protection: .queueServiceKey, context(queue: queue, spaceKey: spaceKey, caller: caller(0), "m"))
            _ = try sealer.open(sealed, context(queue: queue, spaceKey: spaceKey, caller: caller(1), "m"))
        }
        #expect(sealer.cachedCounts == (encryption: 5, decryption: 5, space: 5))
        sealer.forgetIdleKeys()
        #expect(sealer.cachedCounts == (encryption: 5, decryption: 5, space: 5), "all still in use")
        harness.advance(days: 301.0 / 86_400)
        sealer.forgetIdleKeys()
        #expect(sealer.cachedCounts == (encryption: 0, decryption: 0, space: 0))
    }
}
