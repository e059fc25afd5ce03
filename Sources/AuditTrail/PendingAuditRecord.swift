import Synchronization

/// The record of a request in progress, ready before the request changes anything, so the
/// store can append it in the same transaction as the first state change the request makes
/// (its `current` value is read by the store when a write is queued). If the request makes no
/// change, the record stage appends it on its own.
///
/// Key uses made on the request's behalf go into the transaction of the change that made them
/// (a dead-letter move's re-encryption), or, when that change wrote nothing, with the record.
/// Work outside any request that uses keys (a move task's step) binds a record of key uses
/// alone (`init(keyUsesOf:)`), so its uses commit with its changes too.
public final class PendingAuditRecord: Sendable {
    /// The pending record of the request running on this task, if any.
    @TaskLocal public static var current: PendingAuditRecord?

    private enum RecordState {
        /// Not written yet and waiting for its responseElements: the record, not encoded yet.
        case awaitingAnswer(AuditEntry.Draft)
        /// Not written yet: the record.
        case pending(AuditEntry)
        /// Written in a transaction that has not committed yet.
        case inTransaction(AuditEntry)
        /// Written and committed (or there is none: key uses alone).
        case committed
    }

    private struct State {
        var record: RecordState
        /// Key uses made and not written yet.
        var keyUses: [AuditEntry] = []
        /// Key uses written in the transaction under way.
        var keyUsesInTransaction: [AuditEntry] = []
        /// The kinds of refused key use recorded so far.
        var refusals: Set<String> = []
    }

    private let state: Mutex<State>
    /// The request id of the request.
    public let requestID: String
    /// False for a record of key uses alone (`init(keyUsesOf:)`): the request's own record, if
    /// any, is the record stage's to write.
    public let hasOwnRecord: Bool

    /// A pending `entry`.
    public init(_ entry: AuditEntry) {
        state = Mutex(State(record: .pending(entry)))
        requestID = entry.requestID
        hasOwnRecord = true
    }

    /// A pending record that `answer(with:)` will complete, encoded only then (or, if never
    /// answered, when taken, reading `null` responseElements).
    public init(awaitingAnswer draft: AuditEntry.Draft) {
        state = Mutex(State(record: .awaitingAnswer(draft)))
        requestID = draft.requestID
        hasOwnRecord = true
    }

    /// No record of its own: only the key uses of work done outside any request, or of a
    /// request the record stage records once it is answered, under `requestID`.
    public init(keyUsesOf requestID: String) {
        state = Mutex(State(record: .committed))
        self.requestID = requestID
        hasOwnRecord = false
    }

    /// Gives the record its own responseElements (JSON: what the request made, such as the ids
    /// of the messages a send stored), until the record is written. For the store's work,
    /// inside the transaction that appends the record.
    public func answer(with responseElements: [UInt8]) {
        state.withLock { state in
            switch state.record {
            case .awaitingAnswer(let draft): state.record = .pending(draft.entry(responseElements: responseElements))
            case .pending(let entry): state.record = .pending(entry.answering(responseElements))
            case .inTransaction, .committed: break
            }
        }
    }

    /// Adds the record of a key use made for this request (written before the request's own).
    public func addKeyUse(_ event: AuditEvent) {
        let entry = AuditEntry(event)
        state.withLock { $0.keyUses.append(entry) }
    }

    /// Adds the record of a key use refused for this request, unless a refusal of the same
    /// `kind` (such as operation, key and error) is recorded for it already: a receive looking
    /// past messages it cannot open asks again for each, where one refusal says it all.
    public func addRefusedKeyUse(_ event: AuditEvent, kind: String) {
        let entry = AuditEntry(event)
        state.withLock { state in
            if state.refusals.insert(kind).inserted { state.keyUses.append(entry) }
        }
    }

    /// The events to append now: the key uses not written yet, then the request's record if it
    /// is not written yet. For the store inside a writing transaction (which reports its
    /// outcome with `transactionCommitted` or `transactionRolledBack`), or for the record stage.
    ///
    /// The record reads eventTime `now` (ms since the epoch) if it was made a second or more
    /// before: CloudTrail's eventTime is when the request completed, and a long poll may
    /// complete many seconds after it began. (Sooner, the second it shows is the same or next.)
    public func takeForTransaction(at now: Int64) -> [AuditEntry] {
        state.withLock { state -> [AuditEntry] in
            var entries = state.keyUses
            state.keyUsesInTransaction += state.keyUses
            state.keyUses = []
            switch state.record {
            case .awaitingAnswer(var draft):
                if now - draft.eventTime >= 1000 { draft.eventTime = now }
                let entry = draft.entry()
                state.record = .inTransaction(entry)
                entries.append(entry)
            case .pending(var entry):
                if now - entry.eventTime >= 1000 { entry = entry.at(now) }
                state.record = .inTransaction(entry)
                entries.append(entry)
            case .inTransaction, .committed: break
            }
            return entries
        }
    }

    /// For the store: the transaction that held the events committed.
    public func transactionCommitted() {
        state.withLock { state in
            state.keyUsesInTransaction = []
            if case .inTransaction = state.record { state.record = .committed }
        }
    }

    /// For the store: the transaction that held the events rolled back (they are pending again).
    public func transactionRolledBack() {
        state.withLock { state in
            state.keyUses = state.keyUsesInTransaction + state.keyUses
            state.keyUsesInTransaction = []
            if case .inTransaction(let entry) = state.record { state.record = .pending(entry) }
        }
    }

    /// Key uses not yet written, for a record stage that writes a record of its own instead.
    public func remainingKeyUses() -> [AuditEntry] {
        state.withLock { state in
            defer { state.keyUses = [] }
            return state.keyUses
        }
    }
}
