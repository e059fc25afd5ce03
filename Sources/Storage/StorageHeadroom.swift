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
/// The room is measured every second (`measure`, run by the daemon), again by a send that finds
/// the measurement more than a tenth of a second old, and in between lowered by what each
/// admitted send adds. A message is written twice: into the write-ahead log, which
/// needs the file system's own free space until the log is emptied, and into the database file,
/// which fills freed pages before it grows. So a send is admitted when the room left after its
/// file copy stays above the floor, and the file system's free space left after its log copy
/// (with the other log copies since the last measurement) stays above half the floor.
///
/// Near the floor (the file system within twice it) the database's free pages are counted, and
/// `nearFloor` is told, so that the log is kept empty: deletes write whole pages to the log
/// (they are overwritten, `secure_delete`), so a drain would otherwise grow it by about what it
/// removes. There a measurement stands only 20 ms. A commit writes whole pages to the log, about
/// three times what small groups of 32 KB messages hold, so what sends add is only a lower bound:
/// measured, a 40 MiB file system went from 27 MiB free to full in under a second, and a full
/// disk cannot even empty the log (its checkpoint needs room in the file).
///
/// Each measurement also takes off what the log holds that is not in the file yet
/// (`pendingCopies`): the checkpoint that copies it there may still grow the file by as much.
public final class StorageHeadroom: Sendable {
    /// Bytes the room must keep; 0 admits every send.
    public let minimumFreeBytes: Int64
    private let fileSystemFree: @Sendable () -> Int64?
    private let reusable: @Sendable () -> Int64?
    private let pendingCopies: @Sendable () -> Int64
    private let nearFloor: @Sendable (Bool) -> Void
    private let time: any TimeSource
    private let logger: Logger
    private let state = Mutex(State())

    private struct Measurement {
        /// The file system's free space, less the file copies admitted since that did not fit in freed pages.
        var fileSystem: Int64
        /// The database's free pages (counted near the floor only), less the file copies they took.
        var reusable: Int64
        /// Log copies admitted since: they take the file system's space until the log is emptied.
        var logged: Int64 = 0
    }

    private struct State {
        /// Nil before a measurement, or when the file system could not be asked.
        var measurement: Measurement?
        var measuredAt: Int64?
        /// Whether the last measurement found the room near the floor (within twice it).
        var near = false
        var refusing = false
    }

    /// How long a measurement stands, in milliseconds.
    static let measurementLifetime: Int64 = 100
    /// How long one stands near the floor.
    static let nearFloorMeasurementLifetime: Int64 = 20
    /// How old a measurement may be when a send it would refuse is refused without measuring again.
    static let refusalRecheck: Int64 = 100

    /// A headroom for the database in `directory`: free space from `statvfs`, reusable pages
    /// from `reusableBytes`; `nearFloor` hears at each measurement whether the room is near the floor.
    convenience init(
        directory: String, minimumFreeBytes: Int64, reusableBytes: @escaping @Sendable () -> Int64?,
        pendingCopies: @escaping @Sendable () -> Int64, nearFloor: @escaping @Sendable (Bool) -> Void, logger: Logger
    ) {
        self.init(
            minimumFreeBytes: minimumFreeBytes, fileSystemFree: { Self.freeBytes(of: directory) }, reusableBytes: reusableBytes,
            pendingCopies: pendingCopies, nearFloor: nearFloor, time: SystemTimeSource(), logger: logger)
    }

    /// A headroom measured by the given functions (tests inject their own).
    public init(
        minimumFreeBytes: Int64, fileSystemFree: @escaping @Sendable () -> Int64?, reusableBytes: @escaping @Sendable () -> Int64?,
        pendingCopies: @escaping @Sendable () -> Int64 = { 0 }, nearFloor: @escaping @Sendable (Bool) -> Void = { _ in },
        time: any TimeSource, logger: Logger
    ) {
        self.minimumFreeBytes = minimumFreeBytes
        self.fileSystemFree = fileSystemFree
        self.reusable = reusableBytes
        self.pendingCopies = pendingCopies
        self.nearFloor = nearFloor
        self.time = time
        self.logger = logger
    }

    /// Whether new messages taking `bytes` on disk (one copy) may be stored now; when they may,
    /// they are taken off the room until the next measurement. A stale measurement is renewed
    /// first, and so is one a tenth of a second old that would refuse them. Room that cannot be
    /// measured admits them.
    public func admits(bytes: Int) -> Bool {
        guard minimumFreeBytes > 0 else { return true }
        if let admitted = decide(bytes: Int64(bytes), afterMeasuring: false) { return admitted }
        measure()
        return decide(bytes: Int64(bytes), afterMeasuring: true) ?? false
    }

    /// The room left (free space plus freed pages near the floor) as last measured, less what
    /// was admitted since.
    public var roomBytes: Int64? {
        state.withLock { state in state.measurement.map { $0.fileSystem + $0.reusable } }
    }

    /// Measures the room now (the daemon does every second, so that it is known while no sends
    /// arrive, a queue being drained among them). The database is read outside the lock.
    public func measure() {
        let now = time.nowMilliseconds()
        var measurement: Measurement?
        var near = false
        if let measured = fileSystemFree() {
            let free = measured - pendingCopies()
            // Pages the database freed are reused before the file grows; reading them costs a
            // database read, worth it only when they could decide.
            near = minimumFreeBytes > 0 && free < minimumFreeBytes * 2
            nearFloor(near)
            measurement = Measurement(fileSystem: free, reusable: near ? reusable() ?? 0 : 0)
        }
        state.withLock { state in
            state.measurement = measurement
            state.measuredAt = now
            state.near = near
            if let measurement, state.refusing, measurement.fileSystem + measurement.reusable >= requiredRoom(state) {
                noteTransition(&state, refusing: false, room: measurement.fileSystem + measurement.reusable)
            }
        }
    }

    /// Admits `bytes` against the current measurement (true), or refuses them (false); nil,
    /// unless `afterMeasuring`, when the room should be measured again first: the measurement
    /// is older than `measurementLifetime`, or it would refuse and is older than `refusalRecheck`.
    private func decide(bytes: Int64, afterMeasuring: Bool) -> Bool? {
        state.withLock { state -> Bool? in
            let age = state.measuredAt.map { time.nowMilliseconds() - $0 } ?? .max
            let lifetime = state.near ? Self.nearFloorMeasurementLifetime : Self.measurementLifetime
            if !afterMeasuring && age >= lifetime { return nil }
            guard var measurement = state.measurement else { return true }
            let required = requiredRoom(state)
            let fromFreedPages = min(bytes, measurement.reusable)
            let fileSystemLeft = measurement.fileSystem - (bytes - fromFreedPages)
            let admitted =
                fileSystemLeft + measurement.reusable - fromFreedPages >= required
                && fileSystemLeft - (measurement.logged + bytes) >= required / 2
            let room = measurement.fileSystem + measurement.reusable
            if admitted {
                measurement.fileSystem = fileSystemLeft
                measurement.reusable -= fromFreedPages
                measurement.logged += bytes
                state.measurement = measurement
            } else if !afterMeasuring && age >= Self.refusalRecheck {
                return nil
            }
            noteTransition(&state, refusing: !admitted, room: room)
            return admitted
        }
    }

    /// The room a send must leave: once refusing, a tenth more than the minimum, so that sends
    /// do not flap between admitted and refused as single messages come and go.
    private func requiredRoom(_ state: State) -> Int64 {
        state.refusing ? minimumFreeBytes + minimumFreeBytes / 10 : minimumFreeBytes
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
