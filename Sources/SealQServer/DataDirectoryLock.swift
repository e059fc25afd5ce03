import Foundation

/// An exclusive lock on the data directory (`DATA/sealq.lock`), held by a running daemon for
/// its whole life: a second daemon on the same directory refuses to start, and tools can tell
/// whether a daemon is running.
public final class DataDirectoryLock: Sendable {
    /// The directory is locked by another process, or the lock file cannot be opened.
    public struct Unavailable: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    private let descriptor: Int32

    /// Takes the lock, or throws when another process holds it.
    public init(dataDirectory: String) throws {
        let path = dataDirectory + "/sealq.lock"
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Unavailable(description: "cannot open \(path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Unavailable(description: "another sealq process is using \(dataDirectory) (\(path) is locked)")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Whether a daemon holds the lock on `dataDirectory` now.
    public static func isHeld(dataDirectory: String) -> Bool {
        (try? DataDirectoryLock(dataDirectory: dataDirectory)) == nil
    }
}
