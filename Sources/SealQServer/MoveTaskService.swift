import AuditTrail
import Logging
import QueueEngine
import ServiceLifecycle

/// Runs message move tasks (DLQ redrive) in small steps, ten times a second, until shutdown.
/// Tasks are durable: after a restart the running ones resume where they stopped. The key uses
/// of a step's re-encryption (SSE-KMS queues) are recorded in the transactions of its moves.
struct MoveTaskService: NamedService {
    let engine: QueueEngine
    let logger: Logger
    var tick: Duration = .milliseconds(100)

    func run() async throws {
        let milliseconds = tick.components.seconds * 1000 + tick.components.attoseconds / 1_000_000_000_000_000
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await PendingAuditRecord.$current.withValue(PendingAuditRecord(keyUsesOf: RandomIdentifier.uuid())) {
                    try await engine.advanceMoveTasks(elapsedMilliseconds: milliseconds)
                }
            } catch {
                logger.error("message move step failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
        }
    }
}
