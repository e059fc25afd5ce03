import KeyService
import Logging
import QueueEngine
import SealCrypto
import Storage

/// The per-call cost of the key service's cryptographic operations, measured in this process (no
/// daemon, no HTTP, no authorization): Encrypt of 1 KiB with a one-pair encryption context,
/// Decrypt of such blobs (1,024 of them, round-robin) and GenerateDataKey of an AES_256 key, on a
/// symmetric key of a service over an in-memory SQLite key store; and the SSE envelope sealer's
/// seal and open of a 1 KiB message payload with a cached data key (what a send and a receive of
/// an SSE queue add). Every call is timed on its own
/// (see ``CallTimer``), so the report gives quantiles, not just means.
public struct KeyServiceBenchmark: Sendable {
    /// Calls timed per measurement, after a tenth as many warm-up calls.
    public var calls: Int

    /// A benchmark timing `calls` calls of each operation.
    public init(calls: Int = 100_000) {
        self.calls = calls
    }

    /// Runs the three measurements; throws when the key service refuses a call or a blob does not
    /// decrypt to its plaintext.
    public func run() async throws -> [CallMeasurement] {
        let logger = Logger(label: "sealq.bench.kms") { _ in SwiftLogNoOpLogHandler() }
        let database = try SQLiteMessageStore.inMemory(logger: logger)
        let service = KeyService(
            configuration: KeyService.Configuration(accountId: "000000000000", region: "us-east-1"),
            store: database.keyStore, rootKey: SecretBytes(randomCount: 32), logger: logger)
        try await service.start()
        let keyId = try await service.createKey(
            description: "sealq bench", spec: .symmetricDefault, policy: nil, tags: [:]
        ).keyId
        let context = KMSBodies.context
        let plaintext = SecureRandom.bytes(KMSBodies.plaintextSize)

        let encrypt = try CallTimer.time("KMS Encrypt: 1 KiB, 1-pair context", calls: calls) {
            try service.encrypt(keyId, plaintext: plaintext, context: context)
        }

        let blobs = try (0..<Benchmark.kmsCiphertexts).map { _ in
            try service.encrypt(keyId, plaintext: plaintext, context: context).ciphertextBlob
        }
        guard try service.decrypt(blobs[0], identifier: keyId, context: context).plaintext == plaintext else {
            throw BenchmarkError.unexpectedResponse(action: "Decrypt", "the blob does not decrypt to its plaintext")
        }
        var next = 0
        let decrypt = try CallTimer.time("KMS Decrypt: 1 KiB blob, 1-pair context", calls: calls) {
            let blob = blobs[next]
            next = next + 1 == blobs.count ? 0 : next + 1
            return try service.decrypt(blob, identifier: keyId, context: context)
        }

        let generate = try CallTimer.time("KMS GenerateDataKey: AES_256, 1-pair context", calls: calls) {
            try service.generateDataKey(keyId, count: 32, context: context)
        }
        let sealer = EnvelopeSealer(keys: service, authorize: { _ in })
        let queueArn = "arn:aws:sqs:us-east-1:000000000000:sealq-bench"
        let spaceKey = try sealer.makeSpaceKey(queueArn: queueArn)
        let payload = MessagePayload(body: String(repeating: "x", count: 1024), attributes: [:], systemAttributes: [:])
        func sealingContext(_ index: Int) -> SealingContext {
            SealingContext(
                queueArn: queueArn, messageId: "message-\(index)", binding: ["", ""], spaceKey: spaceKey,
                caller: Caller(senderId: "AIDABENCH", principalArn: "arn:aws:iam::000000000000:user/bench"), reusePeriodSeconds: 300)
        }
        var sealedCount = 0
        let seal = try CallTimer.time("SSE seal: 1 KiB payload, cached data key", calls: calls) {
            sealedCount += 1
            return try sealer.seal(payload, protection: .kmsKey(keyId), sealingContext(sealedCount))
        }
        let sealed = try (0..<1_024).map { try sealer.seal(payload, protection: .kmsKey(keyId), sealingContext($0)) }
        var opened = 0
        let open = try CallTimer.time("SSE open: 1 KiB payload, cached data key", calls: calls) {
            let index = opened % sealed.count
            opened += 1
            return try sealer.open(sealed[index], sealingContext(index))
        }
        return [encrypt, decrypt, generate, seal, open]
    }
}
