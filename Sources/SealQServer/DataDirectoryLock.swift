import Foundation

/// An exclusive lock on the data directory, held by a running daemon for its whole life: a
/// second daemon on the same directory refuses to start, and tools can tell whether a daemon is
/// running. The directory itself is locked as well as `DATA/sealq.lock`, so removing the lock
/// file (a stale-lock cleanup, say) does not let a second daemon in.
public final class DataDirectoryLock: Sendable {
    /// The directory is locked by another process, or the lock file cannot be opened.
    public struct Unavailable: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    private let descriptors: [Int32]

    /// Takes the lock, or throws when another process holds it.
    public init(dataDirectory: String) throws {
        let path = dataDirectory + "/sealq.lock"
        var taken: [Int32] = []
        for (target, flags) in [(dataDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC), (path, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC)] {
            let descriptor = open(target, flags, 0o600)
            guard descriptor >= 0 else {
                taken.forEach { close($0) }
                throw Unavailable(description: "cannot open \(target) (\(String(cString: strerror(errno))))")
            }
            taken.append(descriptor)
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                taken.forEach { close($0) }
                throw Unavailable(description: "another sealq process is using \(dataDirectory) (\(target) is locked)")
            }
        }
        descriptors = taken
    }

    deinit {
        descriptors.forEach { close($0) }
    }
}
