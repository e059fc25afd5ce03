import GRDB
import Synchronization

/// Runs the write work of concurrent requests in shared transactions: one commit (and one
/// fsync) answers every request that arrived while the previous commit was on its way to disk.
///
/// Each piece of work runs in its own savepoint, so one failing request rolls back alone.
/// A caller is resumed only after the transaction holding its work has committed.
final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        let execute: @Sendable (Database) -> Void
        let complete: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    private final class ResultBox<T>: @unchecked Sendable {
        // Written by the writer queue inside the transaction, read after it commits.
        var result: Result<T, any Error>?
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    /// Creates a writer over a GRDB database writer.
    init(_ writer: any DatabaseWriter) {
        self.writer = writer
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
        let startDraining = state.withLock { state -> Bool in
            state.pending.append(job)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if startDraining { Task.detached { await self.drain() } }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Job] in
                let batch = state.pending
                state.pending = []
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try await writer.write { db in
                    for job in batch { job.execute(db) }
                }
                for job in batch { job.complete(nil) }
            } catch {
                for job in batch { job.complete(error) }
            }
        }
    }
}
