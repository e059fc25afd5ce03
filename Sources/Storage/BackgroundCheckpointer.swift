import Dispatch
import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file from its own connection and thread, so
/// the group-commit writer never stalls on a checkpoint. Passive checkpoints never block the
/// writer; SQLite restarts the log once a checkpoint has caught up.
final class BackgroundCheckpointer: Sendable {
    private final class StopFlag: Sendable {
        let raised = Atomic<Bool>(false)
        /// Set when the log must be emptied (a key was destroyed); cleared once it has been.
        let truncate = Atomic<Bool>(false)
        /// Set while the disk is nearly full: every pass empties the log, giving its space back.
        let lean = Atomic<Bool>(false)
        /// Frames the log held that the last pass could not copy into the file yet.
        let pendingFrames = Atomic<Int>(0)
    }

    private let stopFlag = StopFlag()
    /// Signalled to end a pause early: a truncation was requested, or the thread must stop.
    private let wakeUp = DispatchSemaphore(value: 0)
    /// Milliseconds between attempts at a truncation that a reader held back.
    private static let retryInterval = 20
    /// The database's page size, what each frame still to copy may add to the file.
    private let pageSize: Int

    /// Opens a second connection to the database at `path` and checkpoints about every
    /// `interval` until stopped; the connection closes when the thread ends. Between passes the
    /// thread sleeps, woken early only by a truncation request or `stop`: an idle daemon wakes
    /// it five times a second, not fifty.
    init(path: String, interval: Int = 200) throws {
        var configuration = Configuration()
        // Never wait: a truncating checkpoint waits for readers while holding the write lock, so a
        // busy timeout here would stall every write behind a reader (a backup, an sqlite3 shell)
        // for its whole length. A truncation that cannot finish at once is tried again shortly;
        // passive checkpoints never wait anyway.
        configuration.busyMode = .immediateError
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        pageSize = try connection.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } ?? 8192
        let wakeUp = self.wakeUp
        let thread = Thread { [stopFlag] in
            // Runs a checkpoint of `mode` and notes the frames left to copy; false if it failed.
            func checkpoint(_ mode: Database.CheckpointMode) -> Bool {
                guard let result = try? connection.writeWithoutTransaction({ db in try db.checkpoint(mode) }) else { return false }
                stopFlag.pendingFrames.store(max(0, result.walFrameCount - result.checkpointedFrameCount), ordering: .relaxed)
                return true
            }
            while !stopFlag.raised.load(ordering: .relaxed) {
                var pause = interval
                // Taken before the pass, so a request made while it runs asks for another one.
                if stopFlag.truncate.exchange(false, ordering: .acquiringAndReleasing) {
                    // Old copies of pages holding a destroyed space key must not linger in the log.
                    if !checkpoint(.truncate) {
                        stopFlag.truncate.store(true, ordering: .releasing)
                        pause = Self.retryInterval
                    }
                } else if stopFlag.lean.load(ordering: .relaxed) {
                    // Copied first, which never waits, so that the writer restarts the log from
                    // its start even when the truncation finds it busy (it then waits for a later pass).
                    _ = checkpoint(.passive)
                    _ = checkpoint(.truncate)
                    pause = Self.retryInterval
                } else {
                    _ = checkpoint(.passive)
                }
                _ = wakeUp.wait(timeout: .now() + .milliseconds(pause))
            }
        }
        thread.name = "sealq-checkpoint"
        thread.start()
    }

    /// Asks for the log to be copied into the file and truncated to nothing, retried every 20 ms
    /// until no reader holds it back.
    func requestTruncation() {
        stopFlag.truncate.store(true, ordering: .releasing)
        wakeUp.signal()
    }

    /// Bytes the log held at the last pass that were not copied into the file yet: what copying
    /// them may still add to it.
    var pendingBytes: Int64 {
        Int64(stopFlag.pendingFrames.load(ordering: .relaxed)) * Int64(pageSize)
    }

    /// While `lean`, every pass empties the log instead of leaving it at its size for reuse:
    /// for a nearly full disk, where a drain's deletes (whole pages, overwritten) would grow it.
    func keepLogEmpty(_ lean: Bool) {
        stopFlag.lean.store(lean, ordering: .relaxed)
    }

    /// Stops the thread (once a pass under way ends), which closes its connection.
    func stop() {
        stopFlag.raised.store(true, ordering: .relaxed)
        wakeUp.signal()
    }
}
