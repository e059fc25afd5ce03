import Synchronization

/// Receivers waiting for messages, woken in-process when a queue gets a visible message.
final class LongPollWaiters: Sendable {
    private struct State {
        var nextId = 0
        var waiters: [Int64: [Int: CheckedContinuation<Void, Never>]] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Waits until `notify(queueId:)`, `deadline` (ms since the epoch, by `now`), or shutdown.
    func wait(queueId: Int64, milliseconds: Int64) async {
        guard milliseconds > 0 else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let registered = state.withLock { state -> Int? in
                guard !state.closed else { return nil }
                let id = state.nextId
                state.nextId += 1
                state.waiters[queueId, default: [:]][id] = continuation
                return id
            }
            guard let id = registered else { return continuation.resume() }
            Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(milliseconds))
                self?.resume(queueId: queueId, id: id)
            }
        }
    }

    /// Wakes every receiver waiting on the queue.
    func notify(queueId: Int64) {
        let woken = state.withLock { $0.waiters.removeValue(forKey: queueId) }
        woken?.values.forEach { $0.resume() }
    }

    /// Wakes everyone and makes later waits return at once (shutdown).
    func close() {
        let all = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap { $0.values }
        }
        all.forEach { $0.resume() }
    }

    /// Whether `close()` was called.
    var isClosed: Bool { state.withLock { $0.closed } }

    private func resume(queueId: Int64, id: Int) {
        let continuation = state.withLock { $0.waiters[queueId]?.removeValue(forKey: id) }
        continuation?.resume()
    }
}
