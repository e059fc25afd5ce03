import AuditTrail
import QueueEngine
import Logging
import SealCrypto
import ServiceLifecycle
import Synchronization

/// Stage 5's destination: appends CloudTrail records to the append-only audit store and signs
/// checkpoints of its Merkle tree — every `checkpointEvery` events or `checkpointSeconds`
/// seconds (whichever comes first, when there is anything new) and at shutdown.
final class AuditLog: Sendable {
    let store: any AuditStore
    private let signingKey: Ed25519.SigningKey
    private let tree = Mutex(MerkleAccumulator())
    let checkpointEvery: Int
    let checkpointSeconds: Int

    init(store: any AuditStore, signingKey: Ed25519.SigningKey, checkpointEvery: Int = 1_000, checkpointSeconds: Int = 10) {
        self.store = store
        self.signingKey = signingKey
        self.checkpointEvery = checkpointEvery
        self.checkpointSeconds = checkpointSeconds
    }

    /// Appends `entries`, durably, before returning.
    func append(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        _ = try await store.append(entries)
    }

    /// Brings the tree up to the stored events and signs a checkpoint when there are new ones
    /// and `force` is set or enough events or time have gone by since the last; returns it.
    @discardableResult
    func checkpointIfDue(force: Bool, now: Int64, lastCheckpointAt: Int64) async throws -> Checkpoint? {
        var size = Int64(tree.withLock { $0.size })
        while true {
            let hashes = try await store.leafHashes(after: size, limit: 10_000)
            if hashes.isEmpty { break }
            tree.withLock { tree in for hash in hashes { tree.append(leafHash: hash) } }
            size += Int64(hashes.count)
        }
        let latest = try await store.latestCheckpoint()
        let covered = Int64(latest?.treeSize ?? 0)
        guard size > covered else { return nil }
        let due = force || size - covered >= Int64(checkpointEvery) || now - lastCheckpointAt >= Int64(checkpointSeconds) * 1000
        guard due else { return nil }
        let root = tree.withLock { $0.rootHash }
        let checkpoint = Checkpoint.signed(treeSize: Int(size), rootHash: root, timestamp: now, with: signingKey)
        try await store.appendCheckpoint(checkpoint)
        return checkpoint
    }
}

/// Signs audit checkpoints in the background, once a second, and a last one at shutdown.
struct AuditCheckpointService: Service {
    let log: AuditLog
    let logger: Logger

    func run() async throws {
        var last = SystemTimeSource().nowMilliseconds()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if try await log.checkpointIfDue(force: false, now: SystemTimeSource().nowMilliseconds(), lastCheckpointAt: last) != nil {
                    last = SystemTimeSource().nowMilliseconds()
                }
            } catch {
                logger.error("audit checkpoint failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
        do {
            if let checkpoint = try await log.checkpointIfDue(force: true, now: SystemTimeSource().nowMilliseconds(), lastCheckpointAt: last) {
                logger.info("audit checkpoint at shutdown", metadata: ["audit.tree_size": "\(checkpoint.treeSize)"])
            }
        } catch {
            logger.error("audit checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
