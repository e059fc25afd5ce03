import Synchronization

/// Receivers waiting for messages, woken in-process when a queue gets a visible message.
///
/// A receive reads the queue's notification count (`notifications(queueId:)`) before it looks
/// for messages, and waits only if no notification came since: a message that became visible
/// between its look and its wait wakes it at once instead of at its deadline.
final class LongPollWaiters: Sendable {
    private struct State {
        var nextId = 0
        var waiters: [Int64: [Int: CheckedContinuation<Void, Never>]] = [:]
        /// Notifications so far, by queue.
        var notifications: [Int64: UInt64] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// How many notifications queue `queueId` has had: pass it to `wait` after looking.
    func notifications(queueId: Int64) -> UInt64 {
        state.withLock { $0.notifications[queueId, default: 0] }
    }

    /// Waits `milliseconds` unless a notification of the queue came after `seen` was read, until
    /// `notify(queueId:)` or shutdown.
    func wait(queueId: Int64, milliseconds: Int64, since seen: UInt64) async {
        guard milliseconds > 0 else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let registered = state.withLock { state -> Int? in
                guard !state.closed, state.notifications[queueId, default: 0] == seen else { return nil }
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
        let woken = state.withLock { state in
            state.notifications[queueId, default: 0] &+= 1
            return state.waiters.removeValue(forKey: queueId)
        }
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
