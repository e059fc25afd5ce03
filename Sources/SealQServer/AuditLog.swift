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
    /// Where and after how long old events are archived (exported, then removed).
    struct Retention: Sendable {
        /// Events older than this, in ms, are archived once a checkpoint closes their span.
        var milliseconds: Int64
        /// The data directory (the export reads the log from there).
        var dataDirectory: String
        /// Where the export files go.
        var archiveDirectory: String
        /// How the records files are laid out there.
        var archiveLayout: AuditExport.Layout = .flat
    }

    let store: any AuditStore
    private let signingKey: Ed25519.SigningKey
    private let tree = Mutex(MerkleAccumulator())
    let checkpointEvery: Int
    let checkpointSeconds: Int
    let retention: Retention?
    /// Where the newest checkpoint is kept outside the database (`AuditCheckpointFile`); nil: nowhere.
    let checkpointDirectory: String?
    /// About the checkpoint file: `frozen` when the kept checkpoint covers more than the
    /// database (the file is then left as it is, so verify keeps reporting the gap, until
    /// someone removes it), and when (ms) and at what tree size it was last written. Under load
    /// the daemon signs several checkpoints a second; the file takes one every
    /// `checkpointSeconds`, and at shutdown the newest.
    private let checkpointFile = Mutex((frozen: false, writtenAt: Int64?.none, treeSize: 0))
    let logger: Logger

    init(
        store: any AuditStore, signingKey: Ed25519.SigningKey, retention: Retention? = nil, checkpointDirectory: String? = nil,
        logger: Logger, checkpointEvery: Int = 1_000, checkpointSeconds: Int = 10
    ) {
        self.store = store
        self.signingKey = signingKey
        self.retention = retention
        self.checkpointDirectory = checkpointDirectory
        self.logger = logger
        self.checkpointEvery = checkpointEvery
        self.checkpointSeconds = checkpointSeconds
    }

    /// Resumes the tree from the newest checkpoint's state, or the archive cut (events before it
    /// are no longer stored), whichever is further; the events after it are read at the next
    /// checkpoint.
    func start() async throws {
        let saved = try await store.latestTreeState()
        try await checkNewestCheckpoint(resumingFrom: saved)
        let archived = try await store.archivedState()
        try await checkArchiveCut(archived)
        if let resumed = [saved, archived].compactMap({ $0 }).max(by: { $0.size < $1.size }) {
            tree.withLock { $0 = resumed }
        }
        try await warnOfUnsignedEvents(after: Int64(tree.withLock { $0.size }))
        try await warnOfMissingCheckpoints()
    }

    /// The tree the log would resume from (the newest checkpoint's, or the archive cut's) is not
    /// one this log signed: the daemon will not extend (and sign) a history it cannot vouch for.
    struct Tampered: Error, CustomStringConvertible {
        /// What does not hold, then what to do.
        var description: String

        init(_ finding: String) {
            description = "\(finding): the audit log may have been tampered with; run sealq audit verify"
        }
    }

    /// Refuses to start when the newest checkpoint's signature does not verify under this log's
    /// key, or the tree state the log would resume from is not that checkpoint's tree: someone
    /// planted a checkpoint row, and resuming from it would sign whatever history it claims.
    private func checkNewestCheckpoint(resumingFrom saved: MerkleAccumulator?) async throws {
        guard let newest = try await store.latestCheckpoint() else { return }
        guard newest.isSigned(by: signingKey.publicKey) else {
            throw Tampered("the newest audit checkpoint (tree size \(newest.treeSize)) is not signed by this log's key")
        }
        if let saved, saved.size != newest.treeSize || saved.rootHash != newest.rootHash {
            throw Tampered("the tree state kept with the newest audit checkpoint is not the tree it signed (tree size \(newest.treeSize))")
        }
    }

    /// Refuses to start when the archive cut is not a tree this log signed: archiving cuts only
    /// at a signed checkpoint (kept through every prune), and the tree may resume from the cut,
    /// so a planted cut would have the daemon sign whatever history it claims.
    private func checkArchiveCut(_ archived: MerkleAccumulator?) async throws {
        guard let archived else { return }
        guard let signed = try await store.checkpoint(treeSize: archived.size), signed.isSigned(by: signingKey.publicKey),
            signed.rootHash == archived.rootHash
        else {
            throw Tampered("the audit archive cut (through event \(archived.size)) is not a tree this log signed")
        }
    }

    /// Says so when the checkpoint kept outside the database covers more than the database's
    /// own newest one: the database was put back to an older copy, or its newest checkpoints
    /// (and perhaps events) were deleted.
    private func warnOfMissingCheckpoints() async throws {
        guard let checkpointDirectory, let kept = try AuditCheckpointFile.read(dataDirectory: checkpointDirectory) else { return }
        let stored = try await store.latestCheckpoint()?.treeSize ?? 0
        guard kept.treeSize > stored else { return }
        checkpointFile.withLock { $0.frozen = true }
        logger.warning(
            """
            the database holds less of the audit log than its last checkpoint: it was put back to an older copy, or its \
            newest checkpoints were deleted; sealq audit verify reports what is missing, and the checkpoint file is left \
            as it is until it is removed
            """,
            metadata: [
                "audit.checkpoint_file": "\(AuditCheckpointFile.path(checkpointDirectory))", "audit.checkpoint_size": "\(kept.treeSize)",
                "audit.stored_checkpoint_size": "\(stored)",
            ])
    }

    /// Says so when events from before this start are covered by no checkpoint: the daemon
    /// stopped without its shutdown checkpoint (a kill, a crash), or checkpoints were deleted
    /// and those events may have been rewritten. The next checkpoint signs them as they stand,
    /// and nothing here can tell the two apart, so the operator is told which events they are.
    private func warnOfUnsignedEvents(after size: Int64) async throws {
        var count: Int64 = 0
        while true {
            let page = try await store.leafHashes(after: size + count, limit: 10_000).count
            count += Int64(page)
            if page < 10_000 { break }
        }
        guard count > 0 else { return }
        let (first, last) = (size + 1, size + count)
        let from = try await store.eventTime(at: first).map(AuditEvent.timestamp) ?? "?"
        let through = try await store.eventTime(at: last).map(AuditEvent.timestamp) ?? "?"
        logger.warning(
            """
            audit events from before this start are covered by no signed checkpoint; the next checkpoint signs them as they \
            stand. Expected after a kill or crash; otherwise checkpoints were deleted and these events may have been \
            rewritten: check them against a checkpoint kept elsewhere (sealq audit verify --checkpoint FILE)
            """,
            metadata: ["audit.positions": "\(first)-\(last)", "audit.from": "\(from)", "audit.through": "\(through)"])
    }

    /// How often an idle log (no new checkpoint) is looked at for events past the retention
    /// period: a quarter of it, from a second to a minute; nil without retention.
    var idleArchiveMilliseconds: Int64? {
        retention.map { min(60_000, max(1_000, $0.milliseconds / 4)) }
    }

    /// How often what only archived events needed is pruned after an archive: once a retention
    /// period, at least hourly (the first time as soon as this run archives, and again at once
    /// while a prune leaves templates behind); nil without retention.
    var pruneIntervalMilliseconds: Int64? {
        retention.map { min(3_600_000, $0.milliseconds) }
    }

    /// Removes the checkpoints, archive cuts and templates that only archived events needed, up
    /// to `templateLimit` templates at a time; true when that many went (more may be left).
    func pruneBehindArchive(templateLimit: Int = 20_000) async throws -> Bool {
        let pruned = try await store.pruneBehindArchive(templateLimit: templateLimit)
        guard pruned != AuditPruneOutcome(checkpoints: 0, archiveCuts: 0, templates: 0) else { return false }
        logger.info(
            "audit log pruned behind the archive cut",
            metadata: [
                "audit.checkpoints": "\(pruned.checkpoints)", "audit.archive_cuts": "\(pruned.archiveCuts)",
                "audit.templates": "\(pruned.templates)",
            ])
        return pruned.templates == templateLimit
    }

    /// Archives the events of every checkpointed span older than the retention period: exports
    /// them, then records the cut with the tree's state there and removes them. True when it did.
    @discardableResult
    func archiveIfDue(now: Int64) async throws -> Bool {
        guard let retention else { return false }
        let archived = try await store.archivedState() ?? MerkleAccumulator()
        var cut: Checkpoint?
        for checkpoint in try await store.checkpoints(after: archived.size) {
            guard let time = try await store.eventTime(at: Int64(checkpoint.treeSize)), time < now - retention.milliseconds else { break }
            cut = checkpoint
        }
        guard let cut else { return false }
        _ = try AuditExport.export(dataDirectory: retention.dataDirectory, to: retention.archiveDirectory, layout: retention.archiveLayout)
        var state = archived
        while state.size < cut.treeSize {
            let hashes = try await store.leafHashes(after: Int64(state.size), limit: min(10_000, cut.treeSize - state.size))
            guard !hashes.isEmpty else { break }
            for hash in hashes { state.append(leafHash: hash) }
        }
        guard state.size == cut.treeSize, state.rootHash == cut.rootHash else {
            logger.error("audit archive skipped: the stored events do not match checkpoint \(cut.treeSize)")
            return false
        }
        try await store.archive(through: state, now: now)
        logger.notice("audit events archived", metadata: ["audit.through": "\(cut.treeSize)", "audit.archive": "\(retention.archiveDirectory)"])
        return true
    }

    /// Appends `entries`, durably, before returning.
    func append(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await store.append(entries)
    }

    /// Brings the tree up to the stored events and signs a checkpoint when there are new ones
    /// and `force` is set or enough events or time have gone by since the last; returns it.
    @discardableResult
    func checkpointIfDue(force: Bool, now: Int64, lastCheckpointAt: Int64) async throws -> Checkpoint? {
        var size = Int64(tree.withLock { $0.size })
        while true {
            let hashes = try await store.signableLeafHashes(after: size, limit: 10_000)
            if hashes.isEmpty { break }
            tree.withLock { tree in for hash in hashes { tree.append(leafHash: hash) } }
            size += Int64(hashes.count)
        }
        let latest = try await store.latestCheckpoint()
        let covered = Int64(latest?.treeSize ?? 0)
        guard size > covered else {
            // Nothing new to sign; at shutdown the file still takes the newest checkpoint.
            if force, let latest { keepInFile(latest, now: now, force: true) }
            return nil
        }
        let due = force || size - covered >= Int64(checkpointEvery) || now - lastCheckpointAt >= Int64(checkpointSeconds) * 1000
        guard due else { return nil }
        let state = tree.withLock { $0 }
        let checkpoint = Checkpoint.signed(treeSize: Int(size), rootHash: state.rootHash, timestamp: now, with: signingKey)
        try await store.appendCheckpoint(checkpoint, treeState: state)
        keepInFile(checkpoint, now: now, force: force)
        return checkpoint
    }

    /// Writes `checkpoint` to the checkpoint file unless it is there already, the file is frozen,
    /// or (without `force`) the file was written within the last `checkpointSeconds`.
    private func keepInFile(_ checkpoint: Checkpoint, now: Int64, force: Bool) {
        guard let checkpointDirectory else { return }
        let due = checkpointFile.withLock { file in
            guard !file.frozen, file.treeSize != checkpoint.treeSize else { return false }
            return force || file.writtenAt.map { now - $0 >= Int64(checkpointSeconds) * 1000 } ?? true
        }
        guard due else { return }
        do {
            try AuditCheckpointFile.write(checkpoint, dataDirectory: checkpointDirectory)
            checkpointFile.withLock { $0.writtenAt = now; $0.treeSize = checkpoint.treeSize }
        } catch {
            // The checkpoint is signed and stored; the next one tries the file again.
            logger.error("audit checkpoint file not written", metadata: ["error": "\(error)"])
        }
    }
}
