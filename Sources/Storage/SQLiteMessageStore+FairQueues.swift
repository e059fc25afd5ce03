import GRDB
import QueueEngine

/// Fair queues: standard-queue messages with a MessageGroupId (a tenant). Their groups are
/// tracked like FIFO groups, and a receive serves the groups with the fewest messages in
/// flight first, round-robin, so one busy tenant cannot starve the others.
extension SQLiteMessageStore {
    private static let fairGroupsPerReceive = 64

    /// The next receivable messages of a standard queue in fair order, or nil when the queue
    /// has no message groups (then plain age order applies).
    static func fairCandidates(_ db: Database, _ request: ClaimRequest, count: Int) throws -> [Row]? {
        let groups = try String.fetchAll(
            db.cachedStatement(sql: "SELECT group_id FROM fifo_groups WHERE space = ? ORDER BY head_seq LIMIT ?"),
            arguments: [request.space, fairGroupsPerReceive])
        guard !groups.isEmpty else { return nil }
        var inFlight: [String: Int] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT group_id, COUNT(*) AS load FROM messages
                    WHERE space = ? AND visible_at > ? AND receive_count > 0 AND group_id IS NOT NULL
                    GROUP BY group_id
                    """),
            arguments: [request.space, request.now])
        {
            inFlight[row["group_id"]] = row["load"]
        }
        let ordered = groups.enumerated()
            .sorted { (inFlight[$0.element] ?? 0, $0.offset) < (inFlight[$1.element] ?? 0, $1.offset) }
            .map(\.element)
        let members = try db.cachedStatement(
            sql: """
                SELECT * FROM messages WHERE space = ? AND group_id = ? AND visible_at <= ? AND sent_at > ?
                ORDER BY seq LIMIT ?
                """)
        var lanes: [[Row]] = []
        for group in ordered where lanes.count < count {
            let rows = try Row.fetchAll(members, arguments: [request.space, group, request.now, request.sentAfter, count])
            if !rows.isEmpty { lanes.append(rows) }
        }
        var picked: [Row] = []
        var index = 0
        while picked.count < count, lanes.contains(where: { index < $0.count }) {
            for lane in lanes where index < lane.count && picked.count < count { picked.append(lane[index]) }
            index += 1
        }
        if picked.count < count {
            picked += try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM messages WHERE space = ? AND visible_at <= ? AND sent_at > ? AND group_id IS NULL
                        ORDER BY visible_at, seq LIMIT ?
                        """),
                arguments: [request.space, request.now, request.sentAfter, count - picked.count])
        }
        return picked
    }
}
