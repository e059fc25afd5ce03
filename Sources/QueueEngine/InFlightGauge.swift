import Synchronization

/// Each queue's number of messages in flight, read from the store at most once a second:
/// enough to enforce the in-flight quota without counting on every receive.
final class InFlightGauge: Sendable {
    private let readings = Mutex<[Int64: (count: Int, at: Int64)]>([:])
    private static let maximumAgeMilliseconds: Int64 = 1_000

    /// The count for `space`, refreshed through `read` when older than a second.
    func count(space: Int64, now: Int64, read: () async throws -> Int) async throws -> Int {
        if let reading = readings.withLock({ $0[space] }), now - reading.at < Self.maximumAgeMilliseconds {
            return reading.count
        }
        let count = try await read()
        readings.withLock { $0[space] = (count, now) }
        return count
    }

    /// Counts `received` more in flight until the next refresh.
    func add(_ received: Int, space: Int64) {
        readings.withLock { readings in
            if let reading = readings[space] { readings[space] = (reading.count + received, reading.at) }
        }
    }
}
