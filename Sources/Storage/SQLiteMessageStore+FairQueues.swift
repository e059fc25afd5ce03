import GRDB
import QueueEngine

/// Fair queues: standard-queue messages with a MessageGroupId (a tenant). Their groups are
/// tracked like FIFO groups, and a receive serves the tenants with the fewest messages in
/// flight first, round-robin, so one busy tenant cannot starve the others. Each message without
/// a MessageGroupId is a tenant of its own, as AWS documents.
///
/// A fair group's `busy_until` holds a hint: no message of the group is visible before it
/// (see `fairBusyUntil`). A receive that finds nothing visible in a group records the group's
/// next deadline there, so later receives skip the group without reading its messages; sends,
/// visibility changes and releases reset the hint (`trackGroup`, `refreshGroup`).
extension SQLiteMessageStore {
    /// How many groups that may have visible messages a receive considers, oldest head first.
    private static let fairGroupsPerReceive = 64

    /// The most messages in flight counted for one group: a receive orders tenants by their
    /// loads, and past this many a tenant is simply busy (busy tenants are served in random
    /// order), so counting stays bounded however many messages one tenant holds in flight.
    private static let countedLoad = 128

    /// How many of the oldest visible messages a receive looks through for ungrouped ones: no
    /// index holds ungrouped messages alone, so the look is bounded; one further back is served
    /// once the messages ahead of it are, or when the tenants cannot fill the receive.
    private static let ungroupedWindow = 256

    /// A tenant: a message group (its visible messages read when it is served), or one
    /// ungrouped message. `load` is its number of messages in flight, `age` the sequence number
    /// of its oldest message; tenants are served in (load, age) order.
    private struct Tenant {
        var group: String?
        var rows: [Row]
        var load: Int
        var age: Int64
    }

    /// `busy_until` of a fair group none of whose messages becomes visible before `time`. Fair
    /// values are negative, which sets them apart from FIFO groups' deadlines; -1 (time 0) says
    /// the group may have visible messages now.
    static func fairBusyUntil(notVisibleBefore time: Int64) -> Int64 { -1 - time }

    /// The next receivable messages of a standard queue in fair order, or nil when the queue
    /// has no message groups (then plain age order applies). When the tenants cannot fill
    /// `count`, the rest comes in age order, so a receive returns messages whenever some are
    /// visible.
    static func fairCandidates(_ db: Database, _ request: ClaimRequest, count: Int) throws -> [Row]? {
        guard let groups = try candidateGroups(db, request) else { return nil }
        let tenants = try groups.map { Tenant(group: $0.id, rows: [], load: try inFlightLoad(db, request, group: $0.id), age: $0.head) }
            + (try ungroupedTenants(db, request, count: count))
        // Tenants at `countedLoad` tie on load: a random order among them shares the receives
        // between busy tenants (the oldest first would starve the others).
        let ordered = tenants.map { ($0, $0.load >= countedLoad ? Int64.random(in: 0...Int64.max) : $0.age) }
            .sorted { ($0.0.load, $0.1) < ($1.0.load, $1.1) }.map(\.0)
        var served: [Tenant] = []
        for var tenant in ordered where served.count < count {
            if let group = tenant.group {
                guard let rows = try visibleMembers(db, request, group: group, count: count) else { continue }
                tenant.rows = rows
            }
            served.append(tenant)
        }
        let picked = roundRobin(served, count: count)
        guard picked.count < count else { return picked }
        return picked + (try ageOrderFill(db, request, count: count, excluding: Set(picked.map { $0["seq"] as Int64 })))
    }

    /// Up to `fairGroupsPerReceive` groups whose hint says they may have visible messages, in
    /// head order, or nil when the queue has no groups at all. The walk reads the small
    /// `fifo_groups` rows only, skipping groups that are known to have nothing visible.
    private static func candidateGroups(_ db: Database, _ request: ClaimRequest) throws -> [(id: String, head: Int64)]? {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT group_id, head_seq FROM fifo_groups WHERE space = ? AND busy_until >= ? ORDER BY head_seq LIMIT ?"),
            arguments: [request.space, fairBusyUntil(notVisibleBefore: request.now), fairGroupsPerReceive])
        if rows.isEmpty {
            let anyGroup = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM fifo_groups WHERE space = ?)"), arguments: [request.space])
            if anyGroup != true { return nil }
        }
        return rows.map { (id: $0["group_id"], head: $0["head_seq"]) }
    }

    /// A group's number of messages in flight, up to `countedLoad`: read from the index of
    /// received grouped messages, so it costs what the group holds in flight, not the queue.
    private static func inFlightLoad(_ db: Database, _ request: ClaimRequest, group: String) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) FROM (
                        SELECT 1 FROM messages
                        WHERE space = ? AND group_id = ? AND deduplication_id IS NULL AND receive_count > 0 AND visible_at > ?
                        LIMIT ?)
                    """),
            arguments: [request.space, group, request.now, countedLoad]) ?? 0
    }

    /// The ungrouped messages among the `ungroupedWindow` oldest visible ones, up to `count`,
    /// each its own tenant (with nothing in flight: its only message is visible).
    private static func ungroupedTenants(_ db: Database, _ request: ClaimRequest, count: Int) throws -> [Tenant] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM messages WHERE seq IN (
                        SELECT seq FROM (
                            SELECT seq, group_id FROM messages WHERE space = ? AND visible_at <= ? AND sent_at > ?
                            ORDER BY visible_at, seq LIMIT ?)
                        WHERE group_id IS NULL LIMIT ?)
                    ORDER BY seq
                    """),
            arguments: [request.space, request.now, request.sentAfter, ungroupedWindow, count])
        return rows.map { Tenant(group: nil, rows: [$0], load: 0, age: $0["seq"]) }
    }

    /// Up to `count` visible messages of `group`, oldest first; nil when it has none, after
    /// recording in the group's hint when its next message becomes visible.
    ///
    /// Both reads walk the group's own index: left to itself, SQLite reads the queue's whole age
    /// index instead (sent_at is a range, the group index partial), once per tenant served.
    private static func visibleMembers(_ db: Database, _ request: ClaimRequest, group: String, count: Int) throws -> [Row]? {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM messages INDEXED BY messages_by_group
                    WHERE space = ? AND group_id = ? AND visible_at <= ? AND sent_at > ?
                    ORDER BY seq LIMIT ?
                    """),
            arguments: [request.space, group, request.now, request.sentAfter, count])
        guard rows.isEmpty else { return rows }
        // With nothing deliverable left (only expired messages), the hint waits for a send.
        let next = try Int64.fetchOne(
            db.cachedStatement(
                sql: "SELECT MIN(visible_at) FROM messages INDEXED BY messages_by_group WHERE space = ? AND group_id = ? AND sent_at > ?"),
            arguments: [request.space, group, request.sentAfter]) ?? Int64.max
        try db.cachedStatement(sql: "UPDATE fifo_groups SET busy_until = ? WHERE space = ? AND group_id = ?")
            .execute(arguments: [fairBusyUntil(notVisibleBefore: next), request.space, group])
        return nil
    }

    /// Takes one message from each tenant in turn, in the given order, until `count` are taken.
    private static func roundRobin(_ tenants: [Tenant], count: Int) -> [Row] {
        var picked: [Row] = []
        var index = 0
        while picked.count < count, tenants.contains(where: { index < $0.rows.count }) {
            for tenant in tenants where index < tenant.rows.count && picked.count < count { picked.append(tenant.rows[index]) }
            index += 1
        }
        return picked
    }

    /// Visible messages in plain age order, up to `count` together with the `excluding` ones
    /// (already picked), which are left out.
    private static func ageOrderFill(_ db: Database, _ request: ClaimRequest, count: Int, excluding: Set<Int64>) throws -> [Row] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM messages WHERE space = ? AND visible_at <= ? AND sent_at > ? ORDER BY visible_at, seq LIMIT ?"),
            arguments: [request.space, request.now, request.sentAfter, count + excluding.count])
        return Array(rows.filter { !excluding.contains($0["seq"]) }.prefix(count - excluding.count))
    }
}
