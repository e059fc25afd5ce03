import Synchronization

/// The record of a request in progress, ready before the request changes anything, so the
/// store can append it in the same transaction as the first state change the request makes
/// (its `current` value is read by the store when a write is queued). If the request makes no
/// change, the record stage appends it on its own.
public final class PendingAuditRecord: Sendable {
    /// The pending record of the request running on this task, if any.
    @TaskLocal public static var current: PendingAuditRecord?

    private enum State {
        /// Not written yet and waiting for its responseElements: the record, not encoded yet.
        case awaitingAnswer(AuditEntry.Draft)
        /// Not written yet: the record.
        case pending(AuditEntry)
        /// Written in a transaction that has not committed yet.
        case inTransaction(AuditEntry)
        /// Written and committed.
        case committed
    }

    private let state: Mutex<State>
    private let keyUses = Mutex<[AuditEntry]>([])
    /// The kinds of refused key use recorded for the request so far.
    private let refusals = Mutex<Set<String>>([])
    /// The request id of the request.
    public let requestID: String

    /// A pending `entry`.
    public init(_ entry: AuditEntry) {
        state = Mutex(.pending(entry))
        requestID = entry.requestID
    }

    /// A pending record that `answer(with:)` will complete, encoded only then (or, if never
    /// answered, when taken, reading `null` responseElements).
    public init(awaitingAnswer draft: AuditEntry.Draft) {
        state = Mutex(.awaitingAnswer(draft))
        requestID = draft.requestID
    }

    /// Gives the record its own responseElements (JSON: what the request made, such as the ids
    /// of the messages a send stored), until the record is written. For the store's work,
    /// inside the transaction that appends the record.
    public func answer(with responseElements: [UInt8]) {
        state.withLock { state in
            switch state {
            case .awaitingAnswer(let draft): state = .pending(draft.entry(responseElements: responseElements))
            case .pending(let entry): state = .pending(entry.answering(responseElements))
            case .inTransaction, .committed: break
            }
        }
    }

    /// Adds the record of a key use made for this request (written before the request's own).
    public func addKeyUse(_ event: AuditEvent) {
        let entry = AuditEntry(event)
        keyUses.withLock { $0.append(entry) }
    }

    /// Adds the record of a key use refused for this request, unless a refusal of the same
    /// `kind` (such as operation, key and error) is recorded for it already: a receive looking
    /// past messages it cannot open asks again for each, where one refusal says it all.
    public func addRefusedKeyUse(_ event: AuditEvent, kind: String) {
        guard refusals.withLock({ $0.insert(kind).inserted }) else { return }
        addKeyUse(event)
    }

    /// The events to append now (key uses first, then the request), or nothing once they are
    /// written: for the store inside a writing transaction, or for the record stage when the
    /// request changed nothing.
    public func takeForTransaction() -> [AuditEntry] {
        state.withLock { state -> [AuditEntry] in
            let event: AuditEntry
            switch state {
            case .awaitingAnswer(let draft): event = draft.entry()
            case .pending(let entry): event = entry
            case .inTransaction, .committed: return []
            }
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
