import GRDB
import QueueEngine

/// Message move tasks (DLQ redrive): their records, and the moves themselves.
extension SQLiteMessageStore {
    /// Reads every message move task, newest first.
    public func loadMoveTasks() async throws -> [MessageMoveTask] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM move_tasks ORDER BY started_at DESC, task_id").map { row in
                MessageMoveTask(
                    taskId: row["task_id"], sourceArn: row["source_arn"], destinationArn: row["destination_arn"],
                    maxNumberOfMessagesPerSecond: row["max_per_second"],
                    status: MessageMoveTask.Status(rawValue: row["status"]) ?? .failed, moved: row["moved"],
                    toMove: row["to_move"], startedAt: row["started_at"], failureReason: row["failure_reason"],
                    startedBy: row["started_by"], throughSequence: row["through_seq"])
            }
        }
    }

    /// Writes a move task record; a task that has ended (cancelled, say, while its last step
    /// ran) keeps the record it ended with. Of a source's tasks that have ended, only those among
    /// its newest ten are kept (all ListMessageMoveTasks shows).
    public func saveMoveTask(_ task: MessageMoveTask) async throws {
        try await writer.perform { db in
            try db.execute(
                sql: """
                    INSERT INTO move_tasks
                        (task_id, source_arn, destination_arn, max_per_second, status, moved, to_move, started_at, failure_reason,
                         started_by, through_seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (task_id) DO UPDATE SET
                        status = excluded.status, moved = excluded.moved, failure_reason = excluded.failure_reason
                    WHERE move_tasks.status = 'RUNNING'
                    """,
                arguments: [
                    task.taskId, task.sourceArn, task.destinationArn, task.maxNumberOfMessagesPerSecond, task.status.rawValue,
                    task.moved, task.toMove, task.startedAt, task.failureReason, task.startedBy, task.throughSequence,
                ])
            try db.execute(
                sql: """
                    DELETE FROM move_tasks WHERE source_arn = ? AND status != 'RUNNING' AND task_id NOT IN (
                        SELECT task_id FROM move_tasks WHERE source_arn = ? ORDER BY started_at DESC, task_id DESC LIMIT ?)
                    """,
                arguments: [task.sourceArn, task.sourceArn, MessageMoveTask.keptPerSource])
        }
    }

    /// Removes the records of the tasks of `sourceArn` that have ended.
    public func forgetEndedMoveTasks(sourceArn: String) async throws {
        try await writer.perform { db in
            try db.execute(sql: "DELETE FROM move_tasks WHERE source_arn = ? AND status != 'RUNNING'", arguments: [sourceArn])
        }
    }

    /// Moves one step of a task's messages and counts them on the task, atomically.
    public func moveMessages(
        from space: Int64, routes: MoveRoutes, limit: Int, through: Int64?, leftBehind: Set<Int64>, heldGroups: Set<String>,
        now: Int64, taskId: String
    ) async throws -> MoveStep {
        let step = try await writer.perform { db -> MoveStep in
            let status = try String.fetchOne(db, sql: "SELECT status FROM move_tasks WHERE task_id = ?", arguments: [taskId])
            guard status == MessageMoveTask.Status.running.rawValue else {
                return MoveStep(movedTo: [:], sourceDrained: false, missingOrigin: nil)
            }
            // Candidates first, without their payloads, page by page in arrival order: what is
            // left behind or waits for its group is read past cheaply.
            var movedTo: [Int64: Int] = [:]
            var moved = 0
            var missingOrigin: String?
            var failure: (any Error)?
            var newlyLeft: [Int64] = []
            var held = heldGroups
            var waiting = false
            var exhausted = false
            var after: Int64 = 0
            pages: while moved < limit {
                let pageSize = limit - moved + 64
                let candidates = try Row.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT seq, group_id FROM messages WHERE space = ? AND visible_at <= ? AND seq > ? AND seq <= ?
                        ORDER BY seq LIMIT ?
                        """),
                    arguments: [space, now, after, through ?? Int64.max, pageSize])
                for candidate in candidates {
                    let sequence: Int64 = candidate["seq"]
                    after = sequence
                    if leftBehind.contains(sequence) { continue }
                    // A FIFO group moves in order: behind a message left behind it stays too; behind
                    // one in flight it waits for a later step (and the task with it).
                    let group: String? = routes.sourceFifo ? candidate["group_id"] : nil
                    if let group {
                        if held.contains(group) {
                            newlyLeft.append(sequence)
                            continue
                        }
                        if try Self.groupHasEarlier(db, space: space, group: group, than: sequence) {
                            waiting = true
                            continue
                        }
                    }
                    guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM messages WHERE seq = ?"), arguments: [sequence])
                    else { continue }
                    let origin: String? = row["dead_letter_source"]
                    guard let target = routes.destination ?? origin.flatMap({ routes.origins[$0] }) else {
                        missingOrigin = origin ?? MoveStep.unknownOrigin
                        break pages
                    }
                    let message: NewMessage
                    do { message = try routes.rewrite(try Self.content(of: row), space, target.space) } catch {
                        // It holds back only itself (and, in a FIFO queue, its group): it stays.
                        if failure == nil { failure = error }
                        newlyLeft.append(sequence)
                        if let group { held.insert(group) }
                        continue
                    }
                    try Self.redrive(db, row: row, message: message, from: space, to: target, now: now)
                    movedTo[target.space, default: 0] += 1
                    moved += 1
                    if moved == limit { break pages }
                }
                if candidates.count < pageSize {
                    exhausted = true
                    break
                }
            }
            try db.execute(sql: "UPDATE move_tasks SET moved = moved + ? WHERE task_id = ?", arguments: [moved, taskId])
            // A bounded task also waits for its messages in flight (those it has not left behind).
            if exhausted, !waiting, let through {
                let leftSoFar = leftBehind.union(newlyLeft)
                let inFlight = try Int64.fetchAll(
                    db.cachedStatement(sql: "SELECT seq FROM messages WHERE space = ? AND visible_at > ? AND seq <= ? LIMIT ?"),
                    arguments: [space, now, through, leftSoFar.count + 1])
                waiting = inFlight.contains { !leftSoFar.contains($0) }
            }
            // Drained: every visible candidate was looked at, and nothing the task takes on is
            // still in flight or waiting for its group's earlier message.
            let drained = exhausted && !waiting && missingOrigin == nil
            return MoveStep(
                movedTo: movedTo, sourceDrained: drained, missingOrigin: missingOrigin, rewriteFailure: failure, leftBehind: newlyLeft,
                heldGroups: Array(held.subtracting(heldGroups)))
        }
        let moved = step.movedTo.values.reduce(0, +)
        adjustTotal(space: space, by: -moved)
        for (target, count) in step.movedTo { adjustTotal(space: target, by: count) }
        return step
    }

    /// Whether the FIFO group `group` of `space` still holds a message that arrived before `sequence`.
    private static func groupHasEarlier(_ db: Database, space: Int64, group: String, than sequence: Int64) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM messages WHERE space = ? AND group_id = ? AND seq < ?)"),
            arguments: [space, group, sequence]) ?? false
    }

    public func moveTaskScope(space: Int64) async throws -> (through: Int64, count: Int) {
        try await database.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT COALESCE(MAX(seq), 0) AS last, COUNT(*) AS held FROM messages WHERE space = ?", arguments: [space])
            return (row?["last"] ?? 0, row?["held"] ?? 0)
        }
    }

    /// Cancels a running task in commit order and returns its settled count.
    public func cancelMoveTask(taskId: String) async throws -> Int? {
        try await writer.perform { db in
            try Int.fetchOne(
                db, sql: "UPDATE move_tasks SET status = ? WHERE task_id = ? AND status = ? RETURNING moved",
                arguments: [MessageMoveTask.Status.cancelled.rawValue, taskId, MessageMoveTask.Status.running.rawValue])
        }
    }

    /// Puts a dead-lettered message back into circulation in another space as `message` (a new
    /// message id and send time, re-encrypted for it): a new row, so it takes its place behind
    /// what the destination already holds (a new, higher sequence number), visible at once and
    /// never received there. The old row is deleted (and, with secure_delete, overwritten).
    private static func redrive(
        _ db: Database, row: Row, message: NewMessage, from space: Int64, to target: (space: Int64, fifo: Bool), now: Int64
    ) throws {
        try db.execute(sql: "DELETE FROM messages WHERE seq = ?", arguments: [row["seq"] as Int64])
        var arriving = message
        arriving.visibleAt = now
        try db.cachedStatement(sql: insertSQL).execute(arguments: insertArguments(arriving, space: target.space))
        let sequence = db.lastInsertedRowID
        guard let group = row["group_id"] as String? else { return }
        try refreshGroup(db, space: space, group: group)
        try trackGroup(db, space: target.space, group: group, sequence: sequence, fair: !target.fifo)
    }
}
