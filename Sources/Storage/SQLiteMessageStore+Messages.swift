import Foundation
import GRDB
import QueueEngine

extension SQLiteMessageStore {
    static let insertSQL = """
        INSERT INTO messages (space, message_id, body, attributes, system_attributes, sender_id, sent_at,
                              visible_at, group_id, deduplication_id, payload)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func insertArguments(_ message: NewMessage, space: Int64) -> StatementArguments {
        [
            space, message.messageId, message.body, AttributeCodec.encode(message.attributes).map { Data($0) },
            AttributeCodec.encode(message.systemAttributes).map { Data($0) }, message.senderId, message.sentAt,
            message.visibleAt, message.groupId, message.deduplicationId, message.sealedPayload,
        ]
    }

    /// Inserts messages in one group-commit job; grouped messages make their groups tracked (fair queues).
    public func insert(_ messages: [NewMessage], space: Int64) async throws -> [Int64] {
        let rows = messages.map { Self.insertArguments($0, space: space) }
        let sequences = try await writer.perform { db -> [Int64] in
            let statement = try db.cachedStatement(sql: Self.insertSQL)
            return try zip(messages, rows).map { message, arguments in
                try statement.execute(arguments: arguments)
                let sequence = db.lastInsertedRowID
                // A MessageGroupId on a standard queue makes it a fair queue: track the tenant.
                if let group = message.groupId {
                    try Self.trackGroup(db, space: space, group: group, sequence: sequence, fair: true)
                }
                return sequence
            }
        }
        adjustTotal(space: space, by: messages.count)
        return sequences
    }

    /// Claims visible messages in age order (fair order when the queue has tenants), dead-lettering those received too often.
    public func claim(_ request: ClaimRequest) async throws -> ClaimResult {
        let result = try await writer.perform { db -> ClaimResult in
            let select = try db.cachedStatement(
                sql: """
                    SELECT * FROM messages
                    WHERE space = ? AND visible_at <= ? AND sent_at > ?
                    ORDER BY visible_at, seq LIMIT ?
                    """)
            var claimed: [StoredMessage] = []
            var moved = 0
            var failure: (any Error)?
            // Messages this receive claimed (with a zero visibility timeout they stay visible) or
            // could not move to the dead-letter queue (they stay as they are, and others are served).
            var looked = Set<Int64>()
            // Moved messages leave the space; a pass after one that moved some looks again. At most
            // 100 messages that cannot be moved are looked past.
            while claimed.count < request.limit && looked.count < request.limit + 100 {
                let wanted = request.limit - claimed.count
                let movedBefore = moved
                let rows = try Self.fairCandidates(db, request, count: wanted + looked.count)
                    ?? Row.fetchAll(select, arguments: [request.space, request.now, request.sentAfter, wanted + looked.count])
                let unseen = rows.filter { !looked.contains($0["seq"]) }.prefix(wanted)
                if unseen.isEmpty { break }
                for row in unseen {
                    looked.insert(row["seq"])
                    if let target = request.deadLetter, (row["receive_count"] as Int) >= target.maxReceiveCount {
                        if let error = try Self.moveToDeadLetter(db, row: row, from: request.space, to: target, now: request.now) {
                            if (error as? SQSError)?.meansUnreadableForGood == true {
                                // It can never move: claimed like any message that cannot be opened,
                                // so it sits in flight for the receive's timeout instead of failing every receive.
                                claimed.append(try Self.markReceived(db, row: row, now: request.now, visibleUntil: request.visibleUntil))
                            } else {
                                failure = failure ?? error
                            }
                        } else {
                            moved += 1
                        }
                    } else {
                        claimed.append(try Self.markReceived(db, row: row, now: request.now, visibleUntil: request.visibleUntil))
                    }
                }
                if moved == movedBefore && failure == nil { break }
            }
            return ClaimResult(messages: claimed, movedToDeadLetter: moved, deadLetterFailure: failure)
        }
        recordMove(result, from: request)
        return result
    }

    /// Deletes messages whose receipts are current, keeping their groups up to date.
    public func delete(space: Int64, receipts: [MessageReceipt], now: Int64, requireInFlight: Bool) async throws -> [ReceiptOutcome] {
        let earliestDeadline = requireInFlight ? now + 1 : Int64.min
        let outcomes = try await writer.perform { db in
            let delete = try db.cachedStatement(
                sql: "DELETE FROM messages WHERE seq = ? AND space = ? AND receive_count = ? AND visible_at >= ? RETURNING group_id")
            return try receipts.map { receipt -> ReceiptOutcome in
                let deleted = try Row.fetchOne(delete, arguments: [receipt.sequence, space, receipt.receiveCount, earliestDeadline])
                if let deleted {
                    if let group = deleted["group_id"] as String? { try Self.refreshGroup(db, space: space, group: group) }
                    return .applied
                }
                guard let row = try Row.fetchOne(
                    db, sql: "SELECT receive_count FROM messages WHERE seq = ? AND space = ?", arguments: [receipt.sequence, space])
                else { return .messageGone }
                return (row["receive_count"] as Int) == receipt.receiveCount ? .notInFlight : .superseded
            }
        }
        adjustTotal(space: space, by: -outcomes.filter { $0 == .applied }.count)
        return outcomes
    }

    /// Makes claimed messages visible again with the claim's receive uncounted, where the
    /// receipt is still current, and takes them out of the record of receive `attempt`.
    public func releaseClaims(space: Int64, receipts: [MessageReceipt], now: Int64, attempt: String?) async throws {
        try await writer.perform { db in
            let release = try db.cachedStatement(
                sql: """
                    UPDATE messages SET visible_at = ?, receive_count = receive_count - 1,
                        first_received_at = CASE WHEN receive_count = 1 THEN NULL ELSE first_received_at END
                    WHERE seq = ? AND space = ? AND receive_count = ?
                    RETURNING group_id
                    """)
            for receipt in receipts {
                let group = try Row.fetchOne(release, arguments: [now, receipt.sequence, space, receipt.receiveCount])
                if let group = group?["group_id"] as String? { try Self.refreshGroup(db, space: space, group: group) }
            }
            if let attempt { try Self.forget(receipts, ofAttempt: attempt, space: space, in: db) }
        }
    }

    /// Moves visibility deadlines of in-flight messages after checking each receipt.
    public func changeVisibility(space: Int64, changes: [VisibilityChange], now: Int64) async throws -> [ReceiptOutcome] {
        try await writer.perform { db in
            let select = try db.cachedStatement(
                sql: "SELECT receive_count, visible_at, received_at, group_id FROM messages WHERE seq = ? AND space = ?")
            let update = try db.cachedStatement(sql: "UPDATE messages SET visible_at = ? WHERE seq = ?")
            return try changes.map { change -> ReceiptOutcome in
                guard let row = try Row.fetchOne(select, arguments: [change.receipt.sequence, space]) else { return .messageGone }
                guard (row["receive_count"] as Int) == change.receipt.receiveCount else { return .superseded }
                guard (row["visible_at"] as Int64) > now else { return .notInFlight }
                let receivedAt = (row["received_at"] as Int64?) ?? now
                guard change.visibleAt - receivedAt <= change.maximumSpanMilliseconds else { return .beyondLimit }
                try update.execute(arguments: [change.visibleAt, change.receipt.sequence])
                if let group = row["group_id"] as String? { try Self.refreshGroup(db, space: space, group: group) }
                return .applied
            }
        }
    }

    /// Visible, in-flight and delayed counts from the in-memory total and the visibility index.
    public func counts(space: Int64, now: Int64) async throws -> MessageCounts {
        let total = totals.withLock { $0[space] ?? 0 }
        // An empty space needs no read (a scrape of /metrics over thousands of idle queues).
        guard total > 0 else { return MessageCounts(visible: 0, inFlight: 0, delayed: 0) }
        return try await database.read { db in try Self.counts(db, space: space, total: total, now: now) }
    }

    public func readings(spaces: [Int64], ordered: Set<Int64>, now: Int64) async throws -> [Int64: SpaceReading] {
        let totals = totals.withLock { totals in spaces.map { totals[$0] ?? 0 } }
        let empty = SpaceReading(counts: MessageCounts(visible: 0, inFlight: 0, delayed: 0), oldestArrival: nil)
        // One read for all (a scrape of thousands of queues), and none for an empty space.
        return try await database.read { db in
            var readings: [Int64: SpaceReading] = [:]
            for (space, total) in zip(spaces, totals) {
                readings[space] = total == 0
                    ? empty
                    : SpaceReading(
                        counts: try Self.counts(db, space: space, total: total, now: now),
                        oldestArrival: try Self.oldestArrival(db, space: space, skippingPoisonPills: !ordered.contains(space)),
                        groupsInFlight: try Self.groupsInFlight(db, space: space, now: now))
            }
            return readings
        }
    }

    /// Messages of a space (the first argument) not visible at a time (the second), and how many
    /// of them were received (in flight) rather than sent with a delay: read from the visibility
    /// index alone, which carries the receive count.
    static let invisibleCountsQuery = """
        SELECT COUNT(*) AS invisible, COALESCE(SUM(receive_count > 0), 0) AS in_flight
        FROM messages WHERE space = ? AND visible_at > ?
        """

    /// FIFO groups of `space` with a message in flight at `now`: those held until a later
    /// visibility deadline (fair groups' marker is negative, so they never count).
    private static func groupsInFlight(_ db: Database, space: Int64, now: Int64) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM fifo_groups WHERE space = ? AND busy_until > ?"), arguments: [space, now]) ?? 0
    }

    private static func counts(_ db: Database, space: Int64, total: Int, now: Int64) throws -> MessageCounts {
        let row = try Row.fetchOne(db.cachedStatement(sql: invisibleCountsQuery), arguments: [space, now])
        let invisible: Int = row?["invisible"] ?? 0
        let inFlight: Int = row?["in_flight"] ?? 0
        return MessageCounts(visible: max(total - invisible, 0), inFlight: inFlight, delayed: invisible - inFlight)
    }

    /// When the oldest message of `space` arrived: a standard message moved to this dead-letter
    /// queue from its move. When `skippingPoisonPills` (a standard queue), messages received three
    /// times or more, which AWS moves to the back of a standard queue, are left out while any
    /// other remains; a FIFO queue does not reorder them, and they block their group.
    private static func oldestArrival(_ db: Database, space: Int64, skippingPoisonPills: Bool) throws -> Int64? {
        let deadLettered = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM messages WHERE space = ? AND arrived_at IS NOT NULL)"),
            arguments: [space]) ?? false
        // Arrival times of moved messages are in no index with the others': a dead-letter queue is read whole.
        let arrival = deadLettered ? "COALESCE(arrived_at, sent_at)" : "sent_at"
        let unpoisoned = skippingPoisonPills
            ? try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT \(arrival) AS arrival FROM messages WHERE space = ? AND receive_count < 3 ORDER BY arrival LIMIT 1"),
                arguments: [space])
            : nil
        return try unpoisoned
            ?? Int64.fetchOne(db.cachedStatement(sql: "SELECT MIN(\(arrival)) FROM messages WHERE space = ?"), arguments: [space])
    }

    /// The next visibility deadline of the space, from the visibility index.
    public func nextVisibleAt(space: Int64, after now: Int64) async throws -> Int64? {
        try await database.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT MIN(visible_at) FROM messages WHERE space = ? AND visible_at > ?", arguments: [space, now])
        }
    }

    /// The ARNs of the queues the space's dead-lettered messages came from.
    public func deadLetterOrigins(space: Int64) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT dead_letter_source FROM messages WHERE space = ? AND dead_letter_source IS NOT NULL",
                arguments: [space])
        }
    }

    /// Deletes expired and orphaned rows in one bounded transaction: at most `limit` messages,
    /// and about `sweepByteBudget` bytes of them, since every page they free is overwritten
    /// through the write-ahead log (`secure_delete`), which needs that much free disk until it is
    /// emptied. Spaces holding no message are not looked at, so thousands of empty queues cost
    /// the once-a-second sweep nothing.
    public func sweep(
        retentionCutoffs: [Int64: Int64], forgetBefore: Int64, now: Int64, limit: Int
    ) async throws -> (removed: Int, expiredIn: Set<Int64>, bounded: Bool) {
        let occupied = totals.withLock { totals in retentionCutoffs.filter { (totals[$0.key] ?? 0) > 0 } }
        let start = SweepBudget(rows: limit, bytes: sweepByteBudget)
        let (removed, total, bounded) = try await writer.perform { db -> ([Int64: Int], Int, Bool) in
            var budget = start
            var removed: [Int64: Int] = [:]
            for (space, cutoff) in occupied where !budget.isSpent {
                removed[space] = try Self.deleteMessages(db, space: space, sentBy: cutoff, within: &budget)
            }
            try db.execute(sql: "DELETE FROM deduplication WHERE expires_at <= ?", arguments: [now])
            try db.execute(sql: "DELETE FROM receive_attempts WHERE created_at < ?", arguments: [forgetBefore])
            let retired = try Int64.fetchAll(db, sql: "SELECT id FROM message_spaces WHERE retired_at IS NOT NULL")
            for space in retired where !budget.isSpent {
                if try Self.deleteMessages(db, space: space, sentBy: nil, within: &budget) == 0 {
                    try db.execute(sql: "DELETE FROM message_spaces WHERE id = ?", arguments: [space])
                    try db.execute(sql: "DELETE FROM fifo_groups WHERE space = ?", arguments: [space])
                    try db.execute(sql: "DELETE FROM deduplication WHERE space = ?", arguments: [space])
                    try db.execute(sql: "DELETE FROM receive_attempts WHERE space = ?", arguments: [space])
                }
            }
            try db.execute(sql: "DELETE FROM queue_tombstones WHERE deleted_at < ?", arguments: [forgetBefore])
            return (removed, start.rows - budget.rows, budget.isSpent)
        }
        for (space, count) in removed { adjustTotal(space: space, by: -count) }
        return (total, Set(removed.filter { $0.value > 0 }.keys), bounded)
    }

    /// What one sweep transaction may still remove.
    struct SweepBudget {
        var rows: Int
        var bytes: Int64
        var isSpent: Bool { rows <= 0 || bytes <= 0 }
    }

    /// The most message bytes one sweep transaction removes: 8 MiB, and a quarter of the disk
    /// floor when that is less (at least 256 KiB; a single larger message still goes).
    var sweepByteBudget: Int64 {
        let floor = headroom?.minimumFreeBytes ?? 0
        return floor > 0 ? min(8 << 20, max(256 << 10, floor / 4)) : 8 << 20
    }

    /// Deletes messages of `space` (sent at or before `sentBy`, when given) within `budget`,
    /// always at least one when any is there, keeping FIFO groups up to date; returns how many.
    private static func deleteMessages(_ db: Database, space: Int64, sentBy cutoff: Int64?, within budget: inout SweepBudget) throws -> Int {
        // The stored size: a BLOB's length costs no read of its content; a body's length counts
        // its characters, near enough.
        let candidates = try Row.fetchAll(
            db,
            sql: """
                SELECT seq, IFNULL(length(payload), 0) + IFNULL(length(body), 0) + IFNULL(length(attributes), 0) AS size
                FROM messages WHERE space = ? AND sent_at <= ? LIMIT ?
                """,
            arguments: [space, cutoff ?? Int64.max, budget.rows])
        let delete = try db.cachedStatement(sql: "DELETE FROM messages WHERE seq = ? RETURNING group_id")
        var groups: Set<String> = []
        var deleted = 0
        for candidate in candidates {
            if deleted > 0 && budget.bytes <= 0 { break }
            if let group = try String?.fetchOne(delete, arguments: [candidate["seq"] as Int64]) ?? nil { groups.insert(group) }
            deleted += 1
            budget.rows -= 1
            budget.bytes -= candidate["size"] as Int64
        }
        for group in groups { try refreshGroup(db, space: space, group: group) }
        return deleted
    }

    /// Moves a message received too often to its dead-letter queue, re-encrypted for it:
    /// visible there at once, with its receive count and (standard queues) its original send
    /// time, as AWS does. It takes the next sequence number, so the dead-letter queue holds its
    /// messages in the order they arrived (what redrive and FIFO groups go by, and FIFO
    /// SequenceNumbers show). Returns why the message could not be re-encrypted (it then stays).
    static func moveToDeadLetter(
        _ db: Database, row: Row, from space: Int64, to target: DeadLetterTarget, now: Int64
    ) throws -> (any Error)? {
        let sequence: Int64 = row["seq"]
        let moved: NewMessage
        do { moved = try target.rewrite(try content(of: row), space, target.space) } catch { return error }
        let arrival = try nextSequence(db)
        try db.execute(
            sql: """
                UPDATE messages SET seq = ?, space = ?, visible_at = ?, dead_letter_source = ?, sent_at = ?, arrived_at = ?,
                    deduplication_id = ?, body = ?, attributes = ?, system_attributes = ?, payload = ?
                WHERE seq = ?
                """,
            arguments: [
                arrival, target.space, now, target.sourceArn, target.fifo ? now : row["sent_at"] as Int64, target.fifo ? nil : now,
                moved.deduplicationId,
            ] + payloadColumns(moved) + [sequence])
        guard let group = row["group_id"] as String? else { return nil }
        try refreshGroup(db, space: space, group: group)
        try trackGroup(db, space: target.space, group: group, sequence: arrival, fair: !target.fifo)
        return nil
    }

    /// Takes the next message sequence number, never given before (AUTOINCREMENT's counter
    /// moves on, as for an insert).
    private static func nextSequence(_ db: Database) throws -> Int64 {
        let next = (try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0),
                           COALESCE((SELECT MAX(seq) FROM messages), 0)) + 1
                """)) ?? 1)
        try db.cachedStatement(sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'messages'").execute(arguments: [next])
        return next
    }

    /// The body, attributes, system attributes and sealed payload columns of `message`.
    static func payloadColumns(_ message: NewMessage) -> StatementArguments {
        [
            message.body, AttributeCodec.encode(message.attributes).map { Data($0) },
            AttributeCodec.encode(message.systemAttributes).map { Data($0) }, message.sealedPayload,
        ]
    }

    /// Moves the totals of dead-lettered messages from the source space to the target's.
    func recordMove(_ result: ClaimResult, from request: ClaimRequest) {
        guard result.movedToDeadLetter > 0, let target = request.deadLetter else { return }
        adjustTotal(space: request.space, by: -result.movedToDeadLetter)
        adjustTotal(space: target.space, by: result.movedToDeadLetter)
    }

    /// Counts a receive of the message in `row`: hidden until `visibleUntil`, one more receive.
    static func markReceived(_ db: Database, row: Row, now: Int64, visibleUntil: Int64) throws -> StoredMessage {
        let sequence: Int64 = row["seq"]
        let receiveCount = (row["receive_count"] as Int) + 1
        let firstReceivedAt = (row["first_received_at"] as Int64?) ?? now
        try db.cachedStatement(
            sql: "UPDATE messages SET visible_at = ?, receive_count = ?, first_received_at = ?, received_at = ? WHERE seq = ?"
        ).execute(arguments: [visibleUntil, receiveCount, firstReceivedAt, now, sequence])
        return StoredMessage(
            sequence: sequence, content: try content(of: row), receiveCount: receiveCount, firstReceivedAt: firstReceivedAt,
            receivedAt: now)
    }

    func adjustTotal(space: Int64, by delta: Int) {
        guard delta != 0 else { return }
        totals.withLock { $0[space, default: 0] += delta }
    }

    static func content(of row: Row) throws -> NewMessage {
        NewMessage(
            messageId: row["message_id"], body: row["body"],
            attributes: try AttributeCodec.decode((row["attributes"] as Data?).map { [UInt8]($0) }),
            systemAttributes: try AttributeCodec.decode((row["system_attributes"] as Data?).map { [UInt8]($0) }),
            senderId: row["sender_id"], sentAt: row["sent_at"], visibleAt: row["visible_at"], groupId: row["group_id"],
            deduplicationId: row["deduplication_id"], deadLetterSourceArn: row["dead_letter_source"],
            sealedPayload: row["payload"] as Data?)
    }
}
