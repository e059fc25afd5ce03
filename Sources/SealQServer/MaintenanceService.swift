import Logging
import QueueEngine
import ServiceLifecycle

/// Background upkeep: removes messages past their retention period and what purges and
/// deleted queues left behind, in bounded chunks, until the service group shuts down.
struct MaintenanceService: Service {
    let engine: QueueEngine
    let logger: Logger
    var interval: Duration = .seconds(1)
    var chunk = 5_000

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                var removed = try await engine.sweepExpiredMessages(limit: chunk)
                while removed == chunk, !Task.isShuttingDownGracefully {
                    removed = try await engine.sweepExpiredMessages(limit: chunk)
                }
            } catch {
                logger.error("maintenance sweep failed", metadata: ["error": "\(error)"])
            }
            try? await gracefulShutdownAwareSleep(interval)
        }
    }

    private func gracefulShutdownAwareSleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
