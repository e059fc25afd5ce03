import KeyService
import Logging
import ServiceLifecycle

/// Background upkeep of the key service: destroys keys whose deletion window has passed and
/// rotates keys whose automatic rotation is due, once a second, until shutdown.
struct KeyMaintenanceService: Service {
    let keys: KeyService
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await keys.runDueWork()
            } catch {
                logger.error("key maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
