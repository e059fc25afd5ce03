import Synchronization

/// The record of a request in progress, ready before the request changes anything, so the
/// store can append it in the same transaction as the first state change the request makes
/// (its `current` value is read by the store when a write is queued). If the request makes no
/// change, the record stage appends it on its own.
public final class PendingAuditRecord: Sendable {
    /// The pending record of the request running on this task, if any.
    @TaskLocal public static var current: PendingAuditRecord?

    private enum State {
        /// Not written yet: the record (and the key uses collected so far).
        case pending(AuditEntry)
        /// Written in a transaction that has not committed yet.
        case inTransaction(AuditEntry)
        /// Written and committed.
        case committed
    }

    private let state: Mutex<State>
    private let keyUses = Mutex<[AuditEntry]>([])
    /// The request id of the request.
    public let requestID: String

    /// A pending `entry`.
    public init(_ entry: AuditEntry) {
        state = Mutex(.pending(entry))
        requestID = entry.requestID
    }

    /// Gives the record its own responseElements (JSON: what the request made, such as the ids
    /// of the messages a send stored), until the record is written. For the store's work,
    /// inside the transaction that appends the record.
    public func answer(with responseElements: [UInt8]) {
        state.withLock { state in
            guard case .pending(let entry) = state else { return }
            state = .pending(entry.answering(responseElements))
        }
    }

    /// Adds the record of a key use made for this request (written before the request's own).
    public func addKeyUse(_ event: AuditEvent) {
        let entry = AuditEntry(event)
        keyUses.withLock { $0.append(entry) }
    }

    /// The events to append now (key uses first, then the request), or nothing once they are
    /// written: for the store inside a writing transaction, or for the record stage when the
    /// request changed nothing.
    public func takeForTransaction() -> [AuditEntry] {
        state.withLock { state -> [AuditEntry] in
            guard case .pending(let event) = state else { return [] }
            state = .inTransaction(event)
            return keyUses.withLock { uses in
                defer { uses = [] }
                return uses
            } + [event]
        }
    }

    /// For the store: the transaction that held the events committed.
    public func transactionCommitted() {
        state.withLock { state in if case .inTransaction = state { state = .committed } }
    }

    /// For the store: the transaction that held the events rolled back (they are pending again).
    public func transactionRolledBack(keyUses uses: [AuditEntry]) {
        state.withLock { state in
            guard case .inTransaction(let event) = state else { return }
            state = .pending(event)
        }
        keyUses.withLock { $0 = uses + $0 }
    }

    /// Key uses not yet written (made after the request's record was committed, or with none).
    public func remainingKeyUses() -> [AuditEntry] {
        keyUses.withLock { uses in
            defer { uses = [] }
            return uses
        }
    }
}
