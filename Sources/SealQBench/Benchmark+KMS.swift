import NIOPosix
import SealCrypto

extension Benchmark {
    /// Blobs the Encrypt phase keeps for the Decrypt phase to open, round-robin.
    static let kmsCiphertexts = 1_024

    /// The `kms` scenario over HTTP: creates a symmetric key, measures Encrypt (1 KiB, one-pair
    /// encryption context), Decrypt of blobs the Encrypt phase produced and GenerateDataKey
    /// (AES_256), each for the configured duration over every connection, and schedules the key's
    /// deletion (7 days) at the end, also when a phase fails.
    func runKMS(on group: MultiThreadedEventLoopGroup) async throws -> [BenchmarkReport] {
        let step = BenchmarkStep(scenario: .kms, queue: .standard)
        let control = KMSControlClient(configuration: configuration, group: group)
        let key = try await control.createKey(description: "sealq bench \(Hex.encode(SecureRandom.bytes(4)))")
        StandardError.print("[kms] key \(key.arn)")
        do {
            let reports = try await measureKMS(step, keyId: key.keyId, on: group)
            try await control.scheduleKeyDeletion(keyId: key.keyId)
            StandardError.print("[kms] key deletion scheduled in 7 days")
            return reports
        } catch {
            try? await control.scheduleKeyDeletion(keyId: key.keyId)
            throw error
        }
    }

    private func measureKMS(
        _ step: BenchmarkStep, keyId: String, on group: MultiThreadedEventLoopGroup
    ) async throws -> [BenchmarkReport] {
        let configuration = configuration
        func phase(
            _ action: KMSRequestFactory.Action, _ payloads: [JSONPayload], collector: CiphertextCollector? = nil
        ) async throws -> BenchmarkReport {
            try await measure(step, operation: action.rawValue, on: group, prefilled: 0) { index in
                KMSWorkload(
                    configuration: configuration, action: action, payloads: payloads, first: index,
                    collector: collector)
            }
        }
        let collector = CiphertextCollector(limit: Self.kmsCiphertexts)
        let encrypt = try await phase(.encrypt, [KMSBodies.encrypt(keyId: keyId)], collector: collector)
        let blobs = collector.blobs
        guard !blobs.isEmpty else {
            throw BenchmarkError.unexpectedResponse(
                action: "Encrypt", "no ciphertext to decrypt" + (encrypt.firstError.map { "; first error: \($0)" } ?? ""))
        }
        let decrypt = try await phase(.decrypt, blobs.map { KMSBodies.decrypt(keyId: keyId, ciphertextBlob: $0) })
        let generate = try await phase(.generateDataKey, [KMSBodies.generateDataKey(keyId: keyId)])
        return [encrypt, decrypt, generate]
    }
}
