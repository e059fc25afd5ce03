import Synchronization

/// The audit events this process appended, by position, so that it signs only what it wrote:
/// an event put into the database behind its back, or one changed or removed there, stops the
/// checkpoints (the unsigned events then fail `sealq audit verify`) instead of being signed.
/// Events stored before the process started are taken as they are (the start names them).
final class AuditLedger: Sendable {
    /// Something other than this process changed the events after the newest checkpoint.
    struct Tampered: Error, CustomStringConvertible {
        /// Which event, and how.
        var description: String
    }

    private struct State {
        /// The last position stored when the first events were checked; nil before.
        var storedAtStart: Int64?
        /// Leaf hashes this process appended (committed or in the open transaction) and has not
        /// yet had checked.
        var appended: [Int64: [UInt8]] = [:]
        /// Positions appended by the open transaction.
        var inTransaction: [Int64] = []
        /// Set once tampering was found: no event is taken for signing again.
        var tampered: Tampered?
    }

    private let state = Mutex(State())

    /// The open transaction appends the event at `position` with `leafHash`.
    func appending(_ position: Int64, leafHash: [UInt8]) {
        state.withLock { state in
            guard state.tampered == nil else { return }
            state.appended[position] = leafHash
            state.inTransaction.append(position)
        }
    }

    /// The open transaction committed.
    func committed() {
        state.withLock { $0.inTransaction.removeAll(keepingCapacity: true) }
    }

    /// The open transaction rolled back: its events are gone.
    func rolledBack() {
        state.withLock { state in
            for position in state.inTransaction { state.appended.removeValue(forKey: position) }
            state.inTransaction.removeAll(keepingCapacity: true)
        }
    }

    /// The leaf hashes of `stored` (the events after `after`, in position order, as read from the
    /// database), checked: each must follow the one before, and from past `lastStored` at the
    /// first check (the events there at the start) on, be an event this process appended,
    /// unchanged. Forgets what it checked up to `after`.
    func check(_ stored: [(position: Int64, leafHash: [UInt8])], after: Int64, lastStored: () throws -> Int64) throws -> [[UInt8]] {
        try state.withLock { state throws -> [[UInt8]] in
            if let tampered = state.tampered { throw tampered }
            let atStart: Int64
            if let known = state.storedAtStart {
                atStart = known
            } else {
                atStart = try lastStored()
                state.storedAtStart = atStart
            }
            state.appended = state.appended.filter { $0.key > after }
            var expected = after + 1
            for event in stored {
                var found: Tampered?
                if event.position != expected {
                    found = Tampered(description: "audit event \(expected) was removed from the database behind the daemon's back")
                } else if event.position > atStart {
                    switch state.appended[event.position] {
                    case nil:
                        found = Tampered(description: "audit event \(event.position) was put into the database by something other than the daemon")
                    case let written? where written != event.leafHash:
                        found = Tampered(description: "audit event \(event.position) was changed in the database after the daemon wrote it")
                    default: break
                    }
                }
                if let found {
                    state.tampered = found
                    state.appended = [:]
                    throw found
                }
                expected += 1
            }
            return stored.map(\.leafHash)
        }
    }
}
