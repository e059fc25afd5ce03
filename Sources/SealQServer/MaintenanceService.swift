import Logging
import QueueEngine
import ServiceLifecycle

/// Background upkeep: removes messages past their retention period and what purges and
/// deleted queues left behind, until the service group shuts down.
///
/// It deletes in bounded chunks with a pause between them, so a large cleanup (a purged queue
/// of millions) proceeds at a steady pace instead of starving the requests.
struct MaintenanceService: NamedService {
    let engine: QueueEngine
    let logger: Logger
    /// Pause when there is nothing (more) to remove.
    var idleInterval: Duration = .seconds(1)
    /// Pause between two full chunks.
    var busyInterval: Duration = .milliseconds(100)
    /// Rows removed per transaction, at most (the store also bounds the bytes).
    var chunk = 2_000

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var bounded = false
            do {
                bounded = try await engine.sweepExpiredMessages(limit: chunk).bounded
            } catch {
                logger.error("maintenance sweep failed", metadata: ["error": "\(error)"])
            }
            try? await gracefulShutdownAwareSleep(bounded ? busyInterval : idleInterval)
        }
    }

    private func gracefulShutdownAwareSleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
