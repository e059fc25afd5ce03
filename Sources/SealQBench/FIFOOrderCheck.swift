#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks, over all connections, that the messages of each FIFO group are received in the order they
/// were sent: every message received must be the one after the last one received from its group.
///
/// A group's next messages can only be received once the previous ones are deleted, and a connection
/// records what it received before it deletes it, so the records of one group follow each other in
/// time even when they come from connections on different event loops.
final class FIFOOrderCheck: @unchecked Sendable {
    /// A received message's place, as told by its body.
    struct Place {
        let group: Int
        let position: Int
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Per group, the position of the next message expected; guarded by `mutex`.
    private var expected: [Int]

    /// A check for groups `0..<groups`, each expected to start at position 0.
    init(groups: Int) {
        expected = Array(repeating: 0, count: groups)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Records the messages of one `ReceiveMessage` answer, in answer order, and describes each one that
    /// is not the next of its group: one received again, or one that skips ahead (the group is then
    /// expected to go on after it).
    func record(_ places: [Place]) -> [String] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        var problems: [String] = []
        for place in places {
            guard expected.indices.contains(place.group) else {
                problems.append("received a message of group g\(place.group), which was never sent to")
                continue
            }
            let next = expected[place.group]
            if place.position != next {
                problems.append(
                    "FIFO order: group g\(place.group) gave its message \(place.position) when \(next) was next"
                        + (place.position < next ? " (received again)" : " (skipped ahead)"))
            }
            expected[place.group] = max(next, place.position + 1)
        }
        return problems
    }
}
