import AuditTrail
import Dispatch
import Foundation
import GRDB
import QueueEngine
import Synchronization

/// Runs the write work of concurrent requests in shared transactions: one commit (and one
/// fsync) answers every request that arrived while the previous commit was on its way to disk.
///
/// A failing piece of work must not take its neighbours down: when one throws, the shared
/// transaction is rolled back and every piece is retried in a transaction of its own, so
/// each caller gets exactly its own outcome.
/// A caller is resumed only after the transaction holding its work has committed. Commits run
/// on one dedicated thread, so a request costs no thread hops beyond its own resumption.
final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        let execute: @Sendable (Database) throws -> Void
        /// Called when the transaction that ran `execute` rolled back (before any retry).
        let rolledBack: @Sendable () -> Void
        let complete: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var idle = false
    }

    private final class ResultBox<T>: @unchecked Sendable {
        // Written by the commit thread inside the transaction, read after it commits.
        var result: Result<T, any Error>?
        /// The audit events the transaction appended for the caller's request.
        var auditEvents: [AuditEntry] = []
    }

    private let writer: any DatabaseWriter
    /// Appends audit entries in this writer's transactions (commit thread only).
    let auditAppender = AuditAppender()
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Creates a writer over a GRDB database writer and starts its commit thread, which ends
    /// when the writer is released.
    init(_ writer: any DatabaseWriter) {
        self.writer = writer
        let wakeUp = self.wakeUp
        let thread = Thread { [weak self] in
            while true {
                // Hold the writer only while committing, never while asleep.
                guard let didWork = self?.commitPendingJobs() else { return }
                if !didWork { wakeUp.wait() }
            }
        }
        thread.name = "sealq-group-commit"
        thread.start()
    }

    deinit {
        wakeUp.signal()
    }

    /// Runs `work` in the next group transaction and returns its result once that is durable.
    ///
    /// When the calling request has a pending audit record, the transaction appends after `work`
    /// the key uses made so far and the record if it is not written yet: a request's record
    /// commits with its first change, and a key use with the change that made it.
    func perform<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pending = PendingAuditRecord.current
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let box = ResultBox<T>()
            let job = Job(
                execute: { db in
                    do {
                        // Key uses the work makes (a dead-letter move re-encrypting a message)
                        // belong to the request, and to this transaction.
                        box.result = .success(try PendingAuditRecord.$current.withValue(pending) { try work(db) })
                        if let pending {
                            box.auditEvents = pending.takeForTransaction(at: SystemTimeSource().nowMilliseconds())
                            if !box.auditEvents.isEmpty { try self.auditAppender.insert(db, box.auditEvents) }
                        }
                    } catch {
                        box.result = .failure(error)
                        throw error
                    }
                },
                rolledBack: {
                    if let pending, !box.auditEvents.isEmpty { pending.transactionRolledBack() }
                    box.auditEvents = []
                },
                complete: { commitError in
                    if commitError == nil, case .success? = box.result, !box.auditEvents.isEmpty { pending?.transactionCommitted() }
                    if case .failure? = box.result {
                        continuation.resume(with: box.result!)
                    } else if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: box.result!)
                    }
                })
            enqueue(job)
        }
    }

    private func enqueue(_ job: Job) {
        let wasIdle = state.withLock { state -> Bool in
            state.pending.append(job)
            defer { state.idle = false }
            return state.idle
        }
        if wasIdle { wakeUp.signal() }
    }

    /// After a failed group: each job alone, so a failure rolls back only its own work.
    private func commitOneByOne(_ batch: [Job]) {
        for job in batch {
            do {
                try writer.write { db in try job.execute(db) }
                auditAppender.committed()
                job.complete(nil)
            } catch {
                auditAppender.rolledBack()
                job.rolledBack()
                job.complete(error)
            }
        }
    }

    /// Commits every pending job in one transaction; false when there was nothing to do (the
    /// writer is then marked idle, so the next job wakes the thread).
    private func commitPendingJobs() -> Bool {
        let batch = state.withLock { state -> [Job] in
            let batch = state.pending
            state.pending = []
            state.idle = batch.isEmpty
            return batch
        }
        guard !batch.isEmpty else { return false }
        do {
            try writer.write { db in
                for job in batch { try job.execute(db) }
            }
            auditAppender.committed()
            for job in batch { job.complete(nil) }
        } catch {
            auditAppender.rolledBack()
            for job in batch { job.rolledBack() }
            commitOneByOne(batch)
        }
        return true
    }
}
