import Foundation
import Logging
import QueueEngine
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Keeps new messages from filling the disk that holds the database: sends are admitted while
/// the room left (the file system's free space, plus the pages the database freed and reuses
/// first) stays above a floor. Below it only sends are refused, so receives, deletes, purges
/// and every call's audit record still find room, and a full queue can be drained.
///
/// The room is measured every second (`measure`, run by the daemon) and, in between, lowered
/// by what each admitted send adds, so a burst of sends cannot run past the floor before the
/// next measurement. Near the floor (within twice it) the database's free pages are counted
/// too, and `nearFloor` is told, so that the write-ahead log is kept empty: deletes write whole
/// pages to the log (they are overwritten, `secure_delete`), so draining a queue would
/// otherwise grow the log by about what it removes.
public final class StorageHeadroom: Sendable {
    /// Bytes the room must keep; 0 admits every send.
    public let minimumFreeBytes: Int64
    private let fileSystemFree: @Sendable () -> Int64?
    private let reusable: @Sendable () -> Int64?
    private let nearFloor: @Sendable (Bool) -> Void
    private let time: any TimeSource
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        /// The room as last measured, less what was admitted since; nil before a measurement,
        /// or when the file system could not be asked.
        var room: Int64?
        var measuredAt: Int64?
        var refusing = false
    }

    /// How long a measurement stands, in milliseconds.
    static let measurementLifetime: Int64 = 1000

    /// A headroom for the database in `directory`: free space from `statvfs`, reusable pages
    /// from `reusableBytes`; `nearFloor` hears at each measurement whether the room is near the floor.
    convenience init(
        directory: String, minimumFreeBytes: Int64, reusableBytes: @escaping @Sendable () -> Int64?,
        nearFloor: @escaping @Sendable (Bool) -> Void, logger: Logger
    ) {
        self.init(
            minimumFreeBytes: minimumFreeBytes, fileSystemFree: { Self.freeBytes(of: directory) }, reusableBytes: reusableBytes,
            nearFloor: nearFloor, time: SystemTimeSource(), logger: logger)
    }

    /// A headroom measured by the given functions (tests inject their own).
    public init(
        minimumFreeBytes: Int64, fileSystemFree: @escaping @Sendable () -> Int64?, reusableBytes: @escaping @Sendable () -> Int64?,
        nearFloor: @escaping @Sendable (Bool) -> Void = { _ in }, time: any TimeSource, logger: Logger
    ) {
        self.minimumFreeBytes = minimumFreeBytes
        self.fileSystemFree = fileSystemFree
        self.reusable = reusableBytes
        self.nearFloor = nearFloor
        self.time = time
        self.logger = logger
    }

    /// Whether about `bytes` of new messages may be stored now; when they may, they are taken
    /// off the room until the next measurement. Room that cannot be measured admits them.
    public func admits(bytes: Int) -> Bool {
        guard minimumFreeBytes > 0 else { return true }
        return state.withLock { state in
            if isStale(state) { measure(&state) }
            guard let room = state.room else { return true }
            let admitted = room - Int64(bytes) >= requiredRoom(state)
            if admitted { state.room = room - Int64(bytes) }
            noteTransition(&state, refusing: !admitted, room: room)
            return admitted
        }
    }

    /// The room left as last measured, less what was admitted since.
    public var roomBytes: Int64? {
        state.withLock { $0.room }
    }

    /// Measures the room now (the daemon does every second, so that it is known while no sends
    /// arrive, a queue being drained among them).
    public func measure() {
        state.withLock { measure(&$0) }
    }

    /// The room a send must leave: once refusing, a tenth more than the minimum, so that sends
    /// do not flap between admitted and refused as single messages come and go.
    private func requiredRoom(_ state: State) -> Int64 {
        state.refusing ? minimumFreeBytes + minimumFreeBytes / 10 : minimumFreeBytes
    }

    private func isStale(_ state: State) -> Bool {
        guard let measuredAt = state.measuredAt else { return true }
        return time.nowMilliseconds() - measuredAt >= Self.measurementLifetime
    }

    private func measure(_ state: inout State) {
        state.measuredAt = time.nowMilliseconds()
        guard let free = fileSystemFree() else {
            state.room = nil
            return
        }
        // Pages the database freed are reused before the file grows; reading them costs a
        // database read, worth it only when they could decide.
        let near = minimumFreeBytes > 0 && free < minimumFreeBytes * 2
        nearFloor(near)
        state.room = free + (near ? reusable() ?? 0 : 0)
        if let room = state.room, state.refusing, room >= requiredRoom(state) {
            noteTransition(&state, refusing: false, room: room)
        }
    }

    private func noteTransition(_ state: inout State, refusing: Bool, room: Int64) {
        guard refusing != state.refusing else { return }
        state.refusing = refusing
        let metadata: Logger.Metadata = ["storage.room_bytes": "\(room)", "storage.minimum_free_bytes": "\(minimumFreeBytes)"]
        if refusing {
            logger.warning("the disk holding the data directory is nearly full: sends are refused until more room is free", metadata: metadata)
        } else {
            logger.notice("the disk holding the data directory has room again: sends are accepted", metadata: metadata)
        }
    }

    /// Bytes an unprivileged process may still write on the file system holding `directory`.
    static func freeBytes(of directory: String) -> Int64? {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
