import Synchronization

/// Each queue's number of messages in flight, read from the store at most once a second:
/// enough to enforce the in-flight quota without counting on every receive.
final class InFlightGauge: Sendable {
    /// A space's last count, when it was read, and every receive counted by `add` so far.
    private struct Reading {
        var count = 0
        var at: Int64?
        var added = 0
    }

    private let readings = Mutex<[Int64: Reading]>([:])
    private static let maximumAgeMilliseconds: Int64 = 1_000

    /// The count for `space`, refreshed through `read` when older than a second. Receives added
    /// while `read` runs are kept on top of what it returns (it may not have seen them): the
    /// gauge may count them twice until the next refresh, never miss them.
    func count(space: Int64, now: Int64, read: () async throws -> Int) async throws -> Int {
        let reading = readings.withLock { $0[space, default: Reading()] }
        if let at = reading.at, now - at < Self.maximumAgeMilliseconds { return reading.count }
        let count = try await read()
        return readings.withLock { readings in
            var current = readings[space, default: Reading()]
            current.count = count + current.added - reading.added
            current.at = now
            readings[space] = current
            return current.count
        }
    }

    /// Counts `received` more in flight until the next refresh.
    func add(_ received: Int, space: Int64) {
        readings.withLock { readings in
            readings[space, default: Reading()].count += received
            readings[space, default: Reading()].added += received
        }
    }

    /// Drops the reading of `space`, which no longer holds messages (its queue was deleted or
    /// purged), so churned queues do not accumulate readings.
    func forget(space: Int64) {
        readings.withLock { _ = $0.removeValue(forKey: space) }
    }

    /// The spaces with a reading, for tests.
    var spaceCount: Int { readings.withLock { $0.count } }
}
