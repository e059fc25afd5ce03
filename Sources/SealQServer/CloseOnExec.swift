import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeps the daemon's descriptors out of any program it starts. SwiftNIO opens its sockets
/// without `SOCK_CLOEXEC`, so such a program inherits them; the one the daemon does start is
/// Swift's crash reporter (`swift-backtrace`), which would then hold the listening port while
/// it writes its report, and the restarted daemon would find the address in use.
enum CloseOnExec {
    /// Marks every descriptor open now above standard error close-on-exec (the listening
    /// socket among them); a system without `/proc/self/fd` is left as it is.
    static func markOpenDescriptors() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let descriptor = Int32(name), descriptor > 2 else { continue }
            // The listing's own descriptor is closed by now: fcntl fails on it and it is skipped.
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 {
                _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC)
            }
        }
    }
}
