import Dispatch
import Foundation
import GRDB
import Synchronization

/// Runs the write work of concurrent requests in shared transactions: one commit (and one
/// fsync) answers every request that arrived while the previous commit was on its way to disk.
///
/// Each piece of work runs in its own savepoint, so one failing request rolls back alone.
/// A caller is resumed only after the transaction holding its work has committed. Commits run
/// on one dedicated thread, so a request costs no thread hops beyond its own resumption.
final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        let execute: @Sendable (Database) -> Void
        let complete: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var idle = false
    }

    private final class ResultBox<T>: @unchecked Sendable {
        // Written by the writer queue inside the transaction, read after it commits.
        var result: Result<T, any Error>?
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Creates a writer over a GRDB database writer and starts its commit thread.
    init(_ writer: any DatabaseWriter) {
        self.writer = writer
        let thread = Thread { [self] in commitLoop() }
        thread.name = "sealq-group-commit"
        thread.start()
    }

    /// Runs `work` in the next group transaction and returns its result once that is durable.
    func perform<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let box = ResultBox<T>()
            let job = Job(
                execute: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        box.result = .success(value!)
                    } catch {
                        box.result = .failure(error)
                    }
                },
                complete: { commitError in
                    if let commitError {
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

    private func commitLoop() {
        while true {
            let batch = state.withLock { state -> [Job] in
                let batch = state.pending
                state.pending = []
                state.idle = batch.isEmpty
                return batch
            }
            guard !batch.isEmpty else {
                wakeUp.wait()
                continue
            }
            do {
                try writer.write { db in
                    for job in batch { job.execute(db) }
                }
                for job in batch { job.complete(nil) }
            } catch {
                for job in batch { job.complete(error) }
            }
        }
    }
}
