import Foundation
import GRDB
import QueueEngine

/// FIFO queues: deduplication, groups in sequence order, receive attempts.
///
/// `fifo_groups` holds one row per group with messages: its head (lowest sequence number) and
/// `busy_until`, the latest visibility deadline of its received messages. A group is available
/// when `busy_until` has passed, so a receive walks groups in head order and never looks at the
/// messages of busy groups.
extension SQLiteMessageStore {
    /// Stores FIFO messages through the deduplication table, tracking their groups; `decided`
    /// hears the outcomes inside the transaction.
    public func insertDeduplicated(
        _ messages: [DeduplicatedMessage], space: Int64, now: Int64, decided: @escaping @Sendable ([DeduplicationOutcome]) -> Void
    ) async throws -> [DeduplicationOutcome] {
        let rows = messages.map { Self.insertArguments($0.message, space: space) }
        let outcomes = try await writer.perform { db -> [DeduplicationOutcome] in
            let insert = try db.cachedStatement(sql: Self.insertSQL)
            let findDuplicate = try db.cachedStatement(sql: Self.findDuplicateSQL)
            let remember = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO deduplication (space, scope, deduplication_id, message_id, seq, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            let outcomes = try zip(messages, rows).map { item, arguments -> DeduplicationOutcome in
                if let original = try Row.fetchOne(
                    findDuplicate, arguments: [space, item.scope, item.deduplicationId, now])
                {
                    return .duplicate(messageId: original["message_id"], sequence: original["seq"])
                }
                try insert.execute(arguments: arguments)
                let sequence = db.lastInsertedRowID
                try remember.execute(
                    arguments: [space, item.scope, item.deduplicationId, item.message.messageId, sequence, item.expiresAt])
                try Self.trackGroup(db, space: space, group: item.message.groupId ?? "", sequence: sequence)
                return .stored(sequence: sequence)
            }
            decided(outcomes)
            return outcomes
        }
        adjustTotal(space: space, by: outcomes.filter { if case .stored = $0 { true } else { false } }.count)
        return outcomes
    }

    /// The message a deduplication id names within its window: space, scope, id, now.
    static let findDuplicateSQL = """
        SELECT message_id, seq FROM deduplication
        WHERE space = ? AND scope = ? AND deduplication_id = ? AND expires_at > ?
        """

    /// Whether each of `keys` names a message stored in `space` within its window at `now`.
    public func isDuplicate(_ keys: [(scope: String, deduplicationId: String)], space: Int64, now: Int64) async throws -> [Bool] {
        try await database.read { db in
            let find = try db.cachedStatement(sql: Self.findDuplicateSQL)
            return try keys.map { key in try Row.fetchOne(find, arguments: [space, key.scope, key.deduplicationId, now]) != nil }
        }
    }

    /// Claims FIFO messages group by group in head order, or replays a recent receive attempt.
    public func claimInOrder(_ request: ClaimRequest, attempt: ReceiveAttempt?) async throws -> ClaimResult {
        let (space, now, limit) = (request.space, request.now, request.limit)
        let result = try await writer.perform { db -> ClaimResult in
            if let attempt,
                let earlier = try Self.replay(db, space: space, attempt: attempt, now: now, visibleUntil: request.visibleUntil)
            {
                return ClaimResult(messages: earlier, movedToDeadLetter: 0)
            }
            let groups = try db.cachedStatement(sql: Self.availableGroupsQuery)
            var claimed: [StoredMessage] = []
            var moved = 0
            var failure: (any Error)?
            var after: Int64 = -1
            var visited = Set<String>()  // a group's head moves on as it is served; serve it once
            scan: while claimed.count < limit {
                let page = try Row.fetchAll(groups, arguments: [space, now, after])
                if page.isEmpty { break }
                for group in page {
                    after = group["head_seq"]
                    let groupId: String = group["group_id"]
                    guard visited.insert(groupId).inserted else { continue }
                    let serving = try Self.serveGroup(db, request, group: groupId, wanted: limit - claimed.count)
                    claimed += serving.claimed
                    moved += serving.moved
                    failure = failure ?? serving.failure
                    try Self.refreshGroup(db, space: space, group: groupId)
                    if claimed.count == limit { break scan }
                }
            }
            // Only a receive that got messages is one to replay: an empty pass (of a long poll,
            // say) must not make the attempt id answer nothing for the next five minutes.
            if let attempt, !claimed.isEmpty {
                let entries = claimed.map {
                    AttemptEntry(sequence: $0.sequence, receiveCount: $0.receiveCount, visibleUntil: request.visibleUntil).text
                }
                try db.execute(
                    sql: "INSERT OR REPLACE INTO receive_attempts (space, attempt_id, created_at, receipts) VALUES (?, ?, ?, ?)",
                    arguments: [space, attempt.id, now, entries.joined(separator: ",")])
            }
            return ClaimResult(messages: claimed, movedToDeadLetter: moved, deadLetterFailure: failure)
        }
        recordMove(result, from: request)
        return result
    }

    /// The next 16 groups of a space (the first argument) not busy at a time (the second),
    /// in head order after a head (the third): busy groups are skipped in the head index,
    /// which carries `busy_until`, without reading their rows.
    static let availableGroupsQuery = """
        SELECT group_id, head_seq FROM fifo_groups
        WHERE space = ? AND busy_until <= ? AND head_seq > ?
        ORDER BY head_seq LIMIT 16
        """

    /// What serving one group claimed, moved to the dead-letter queue, and why a move failed.
    private struct GroupServing {
        var claimed: [StoredMessage] = []
        var moved = 0
        var failure: (any Error)?
    }

    /// Claims up to `wanted` deliverable messages at the front of a group, in order. A message
    /// received too often moves to the dead-letter queue on the way and the group's next message
    /// is served after it; one that cannot be moved holds its group (only), as does the first
    /// message that is not deliverable yet.
    private static func serveGroup(_ db: Database, _ request: ClaimRequest, group: String, wanted: Int) throws -> GroupServing {
        let members = try db.cachedStatement(
            sql: "SELECT * FROM messages WHERE space = ? AND group_id = ? AND seq > ? ORDER BY seq LIMIT ?")
        var serving = GroupServing()
        var after: Int64 = -1
        // Moved messages leave room in a page: the next page goes on after it.
        while serving.claimed.count < wanted {
            let page = try Row.fetchAll(members, arguments: [request.space, group, after, wanted - serving.claimed.count])
            if page.isEmpty { break }
            for row in page {
                after = row["seq"]
                guard (row["visible_at"] as Int64) <= request.now, (row["sent_at"] as Int64) > request.sentAfter else { return serving }
                if let target = request.deadLetter, (row["receive_count"] as Int) >= target.maxReceiveCount {
                    if let error = try moveToDeadLetter(db, row: row, from: request.space, to: target, now: request.now) {
                        if (error as? SQSError)?.meansUnreadableForGood == true {
                            // It can never move: claimed like any message that cannot be opened (the
                            // group waits behind it while it is in flight, and the queue is not failed).
                            serving.claimed.append(try markReceived(db, row: row, now: request.now, visibleUntil: request.visibleUntil))
                            return serving
                        }
                        serving.failure = error
                        return serving
                    }
                    serving.moved += 1
                } else {
                    serving.claimed.append(try markReceived(db, row: row, now: request.now, visibleUntil: request.visibleUntil))
                }
            }
        }
        return serving
    }

    /// `busy_until` of a fair (standard-queue) group that may have visible messages now. Fair
    /// groups are never held back while messages are in flight; their `busy_until` only says
    /// when their next message becomes visible, once a receive has found none (`fairBusyUntil`).
    static let fairGroupMarker = fairBusyUntil(notVisibleBefore: 0)

    /// Makes sure a group that just got message `sequence` is tracked, with the lowest
    /// sequence number as its head. `fair` groups belong to standard queues; the new message may
    /// be visible at once, so a fair group's hint goes back to "may have visible messages".
    static func trackGroup(_ db: Database, space: Int64, group: String, sequence: Int64, fair: Bool = false) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO fifo_groups (space, group_id, head_seq, busy_until) VALUES (?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET head_seq = MIN(head_seq, excluded.head_seq),
                    busy_until = CASE WHEN excluded.busy_until < 0 THEN excluded.busy_until ELSE busy_until END
                """
        ).execute(arguments: [space, group, sequence, fair ? fairGroupMarker : 0])
    }

    /// Recomputes a group's head and busy deadline, or forgets the group when it has no
    /// messages left. A group without a row is left alone; a fair group's hint goes back to
    /// "may have visible messages" (a visibility change or release may have made one visible).
    ///
    /// FIFO delivers a group in order, so its received messages are always the first ones:
    /// the walk stops at the first message never received, and costs what is in flight, not
    /// the size of the group.
    static func refreshGroup(_ db: Database, space: Int64, group: String) throws {
        guard let tracked = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT busy_until FROM fifo_groups WHERE space = ? AND group_id = ?"), arguments: [space, group])
        else { return }
        let fair = tracked < 0
        let walk = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT seq, visible_at, receive_count FROM messages WHERE space = ? AND group_id = ? ORDER BY seq"),
            arguments: [space, group])
        var head: Int64?
        var busyUntil: Int64 = 0
        while let row = try walk.next() {
            if head == nil { head = row["seq"] }
            guard !fair, (row["receive_count"] as Int) > 0 else { break }
            busyUntil = max(busyUntil, row["visible_at"])
        }
        if let head {
            try db.cachedStatement(sql: "UPDATE fifo_groups SET head_seq = ?, busy_until = ? WHERE space = ? AND group_id = ?")
                .execute(arguments: [head, fair ? fairGroupMarker : busyUntil, space, group])
        } else {
            try db.cachedStatement(sql: "DELETE FROM fifo_groups WHERE space = ? AND group_id = ?").execute(arguments: [space, group])
        }
    }

    /// How a receive attempt's record names one message it claimed: "sequence:receiveCount:visibleUntil",
    /// the deadline the attempt (or its last replay) gave it. Records written before the deadline
    /// was kept have the first two fields only, and are not replayed.
    struct AttemptEntry: Equatable {
        var sequence: Int64
        var receiveCount: Int
        var visibleUntil: Int64?

        init(sequence: Int64, receiveCount: Int, visibleUntil: Int64?) {
            self.sequence = sequence
            self.receiveCount = receiveCount
            self.visibleUntil = visibleUntil
        }

        init?(_ text: Substring) {
            let fields = text.split(separator: ":").compactMap { Int64($0) }
            guard fields.count == 2 || fields.count == 3 else { return nil }
            self.init(sequence: fields[0], receiveCount: Int(fields[1]), visibleUntil: fields.count == 3 ? fields[2] : nil)
        }

        var text: String { "\(sequence):\(receiveCount)" + (visibleUntil.map { ":\($0)" } ?? "") }

        /// Whether this entry names the message that `receipt` names, under the same receive.
        func names(_ receipt: MessageReceipt) -> Bool { sequence == receipt.sequence && receiveCount == receipt.receiveCount }
    }

    /// Takes `receipts` out of the record of receive attempt `attemptId`, dropping the record
    /// when nothing is left: a retry replays only what the attempt still holds, never a message
    /// given back and claimed since by another receive under the same receive count.
    static func forget(_ receipts: [MessageReceipt], ofAttempt attemptId: String, space: Int64, in db: Database) throws {
        guard let recorded = try String.fetchOne(
            db, sql: "SELECT receipts FROM receive_attempts WHERE space = ? AND attempt_id = ?", arguments: [space, attemptId])
        else { return }
        let kept = recorded.split(separator: ",").filter { text in
            guard let entry = AttemptEntry(text) else { return false }
            return !receipts.contains(where: entry.names)
        }
        if kept.isEmpty {
            try db.execute(sql: "DELETE FROM receive_attempts WHERE space = ? AND attempt_id = ?", arguments: [space, attemptId])
        } else {
            try db.execute(
                sql: "UPDATE receive_attempts SET receipts = ? WHERE space = ? AND attempt_id = ?",
                arguments: [kept.joined(separator: ","), space, attemptId])
        }
    }

    /// The messages an earlier attempt with the same id claimed, if it is recent and none of them
    /// has been modified since: each still in flight under that receive, with the deadline the
    /// attempt gave it (AWS: a retry with the same id is possible "if none of the messages have
    /// been modified (deleted or had their visibility changes)"). A retry after one was deleted,
    /// had its visibility changed or was received again since is refused with the error AWS
    /// gives it; one whose messages went back to the queue when their timeout ran out, and were
    /// not received since, is a receive of its own (nil). As AWS documents, the retry resets
    /// their visibility timeout, to `visibleUntil`.
    private static func replay(
        _ db: Database, space: Int64, attempt: ReceiveAttempt, now: Int64, visibleUntil: Int64
    ) throws -> [StoredMessage]? {
        guard let receipts = try String.fetchOne(
            db, sql: "SELECT receipts FROM receive_attempts WHERE space = ? AND attempt_id = ? AND created_at >= ?",
            arguments: [space, attempt.id, attempt.notBefore])
        else { return nil }
        var rows: [(AttemptEntry, Row)] = []
        for text in receipts.split(separator: ",") {
            // An entry without its deadline (written before SealQ kept one) cannot show that the
            // message's visibility was not changed since: it is not replayed.
            guard let entry = AttemptEntry(text), let deadline = entry.visibleUntil else { return nil }
            let row = try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE seq = ? AND space = ?", arguments: [entry.sequence, space])
            guard let row else { throw notRetryable(attempt) }  // deleted
            guard row["receive_count"] as Int == entry.receiveCount else { throw notRetryable(attempt) }  // received again since
            let visibleAt: Int64 = row["visible_at"]
            if visibleAt != deadline { throw notRetryable(attempt) }  // its visibility was changed
            if visibleAt <= now { return nil }  // back in the queue: its timeout ran out
            rows.append((entry, row))
        }
        var messages: [StoredMessage] = []
        var groups = Set<String>()
        for (entry, row) in rows {
            try db.execute(sql: "UPDATE messages SET visible_at = ? WHERE seq = ?", arguments: [visibleUntil, entry.sequence])
            if let group = row["group_id"] as String? { groups.insert(group) }
            messages.append(
                StoredMessage(
                    sequence: entry.sequence, content: try content(of: row), receiveCount: entry.receiveCount,
                    firstReceivedAt: row["first_received_at"] ?? now, receivedAt: row["received_at"] ?? now))
        }
        // The replay gave them a new deadline: a later retry checks against it.
        let replayed = rows.map { AttemptEntry(sequence: $0.0.sequence, receiveCount: $0.0.receiveCount, visibleUntil: visibleUntil).text }
        try db.execute(
            sql: "UPDATE receive_attempts SET receipts = ? WHERE space = ? AND attempt_id = ?",
            arguments: [replayed.joined(separator: ","), space, attempt.id])
        // Once per group, after all its replayed messages have their new deadline.
        for group in groups { try refreshGroup(db, space: space, group: group) }
        return messages.isEmpty ? nil : messages
    }

    /// The error AWS answers a retry of a modified receive with.
    private static func notRetryable(_ attempt: ReceiveAttempt) -> SQSError {
        SQSError.invalidParameter(
            "ReceiveRequestAttemptId", value: attempt.id,
            reason: "The receiveRequestAttemptId is not valid anymore since the receive call is not retryable.")
    }
}
