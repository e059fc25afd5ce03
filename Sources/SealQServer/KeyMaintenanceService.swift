import KeyService
import Logging
import ServiceLifecycle

/// Background upkeep of the key service, once a second until shutdown: destroys keys whose
/// deletion window has passed, rotates keys whose automatic rotation is due, and carries out a
/// root key rotation requested by `sealq keys rotate-root`.
struct KeyMaintenanceService: NamedService {
    let keys: KeyService
    /// Records the deletions and rotations it makes.
    let recorder: RequestRecorder
    let dataDirectory: String
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await keys.runDueWork(around: recorder.recordDueChange)
                _ = try await RootKeyRotation.serveRequest(keys: keys, dataDirectory: dataDirectory, logger: logger)
            } catch {
                logger.error("key maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
