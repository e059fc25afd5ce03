import KeyService
import Logging
import SealCrypto
import Storage

/// The per-call cost of the key service's cryptographic operations, measured in this process (no
/// daemon, no HTTP, no authorization): Encrypt of 1 KiB with a one-pair encryption context,
/// Decrypt of such blobs (1,024 of them, round-robin) and GenerateDataKey of an AES_256 key, on a
/// symmetric key of a service over an in-memory SQLite key store. Every call is timed on its own
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
        return [encrypt, decrypt, generate]
    }
}
