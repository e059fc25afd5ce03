import AuditTrail
import QueueEngine
import Logging
import SealCrypto
import ServiceLifecycle
import Synchronization

/// Signs audit checkpoints in the background, once a second, and a last one at shutdown;
/// after each checkpoint, and now and then on an idle log, archives what the
/// retention period lets go, and once a retention period (at least hourly) prunes what only
/// archived events needed. The log is resumed (`AuditLog.start`) before the service runs.
struct AuditCheckpointService: NamedService {
    let log: AuditLog
    let logger: Logger

    func run() async throws {
        var last = SystemTimeSource().nowMilliseconds()
        var lastArchive: Int64?
        var lastPrune: Int64?
        var pruneDue = false  // an archive since the last prune, or templates it left behind
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let now = SystemTimeSource().nowMilliseconds()
                let signed = try await log.checkpointIfDue(force: false, now: now, lastCheckpointAt: last) != nil
                if signed { last = now }
                if let interval = log.idleArchiveMilliseconds, signed || lastArchive.map({ now - $0 >= interval }) ?? true {
                    lastArchive = now
                    if try await log.archiveIfDue(now: now) { pruneDue = true }
                }
                if pruneDue, let interval = log.pruneIntervalMilliseconds, lastPrune.map({ now - $0 >= interval }) ?? true {
                    lastPrune = now  // a failed prune is tried again an interval later, not every second
                    pruneDue = try await log.pruneBehindArchive()
                    if pruneDue { lastPrune = nil }
                }
            } catch {
                logger.error("audit checkpoint failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
        // The last checkpoint runs in a task of its own: when the daemon stops because another
        // service failed (a port already in use, say), this one is cancelled, not shut down
        // gracefully, and the store's calls would refuse to run in a cancelled task.
        let (log, lastCheckpointAt) = (self.log, last)
        let final = Task {
            try await log.checkpointIfDue(force: true, now: SystemTimeSource().nowMilliseconds(), lastCheckpointAt: lastCheckpointAt)
        }
        do {
            if let checkpoint = try await final.value {
                logger.info("audit checkpoint at shutdown", metadata: ["audit.tree_size": "\(checkpoint.treeSize)"])
            }
        } catch {
            logger.error("audit checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
