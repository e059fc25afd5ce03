import Synchronization

/// Receivers waiting for messages, woken in-process when a queue gets a visible message.
///
/// A receive reads the queue's notification count (`notifications(queueId:)`) before it looks
/// for messages, and waits only if no notification came since: a message that became visible
/// between its look and its wait wakes it at once instead of at its deadline.
///
/// A notification of `n` new messages wakes the `n` longest-waiting receivers, not all of them:
/// with many idle pollers, waking every one for each message made each message cost one claim
/// per poller. Each receiver it wakes holds a wake-up until it delivers a message; one that
/// leaves without delivering as many messages as it holds wake-ups passes the rest on
/// (notifies them again), so a message whose wake-up went to a receiver that could not take it
/// (gone, at its deadline, or unable to open it) still wakes another.
final class LongPollWaiters: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var nextId = 0
        /// Waiting receivers by queue, longest-waiting first.
        var waiters: [Int64: [Waiter]] = [:]
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
    /// a notification wakes it or shutdown. True when a notification handed it a wake-up.
    func wait(queueId: Int64, milliseconds: Int64, since seen: UInt64) async -> Bool {
        guard milliseconds > 0 else { return false }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let registered = state.withLock { state -> Int? in
                guard !state.closed, state.notifications[queueId, default: 0] == seen else { return nil }
                let id = state.nextId
                state.nextId += 1
                state.waiters[queueId, default: []].append(Waiter(id: id, continuation: continuation))
                return id
            }
            guard let id = registered else { return continuation.resume(returning: false) }
            Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(milliseconds))
                self?.timeOut(queueId: queueId, id: id)
            }
        }
    }

    /// `count` messages of the queue became visible (or will within a wait): wakes as many of
    /// its longest-waiting receivers, each holding a wake-up.
    func notify(queueId: Int64, count: Int = 1) {
        guard count > 0 else { return }
        let woken = state.withLock { state -> ArraySlice<Waiter> in
            state.notifications[queueId, default: 0] &+= 1
            guard let waiting = state.waiters[queueId] else { return [] }
            let woken = waiting.prefix(count)
            if woken.count == waiting.count {
                state.waiters.removeValue(forKey: queueId)
            } else {
                state.waiters[queueId] = Array(waiting.dropFirst(count))
            }
            return woken
        }
        woken.forEach { $0.continuation.resume(returning: true) }
    }

    /// Wakes every receiver waiting on the queue to look again (it was deleted, or its delays
    /// changed), without handing out wake-ups.
    func notifyAll(queueId: Int64) {
        let woken = state.withLock { state in
            state.notifications[queueId, default: 0] &+= 1
            return state.waiters.removeValue(forKey: queueId) ?? []
        }
        woken.forEach { $0.continuation.resume(returning: false) }
    }

    /// Wakes everyone and makes later waits return at once (shutdown).
    func close() {
        let all = state.withLock { state -> [Waiter] in
            state.closed = true
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap { $0 }
        }
        all.forEach { $0.continuation.resume(returning: false) }
    }

    /// Whether `close()` was called.
    var isClosed: Bool { state.withLock { $0.closed } }

    private func timeOut(queueId: Int64, id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters[queueId]?.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = state.waiters[queueId]!.remove(at: index)
            if state.waiters[queueId]!.isEmpty { state.waiters.removeValue(forKey: queueId) }
            return waiter
        }
        waiter?.continuation.resume(returning: false)
    }
}
