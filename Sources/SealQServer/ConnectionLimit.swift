import Foundation
import NIOCore
import Synchronization

/// Keeps open client connections below the process's file-descriptor limit. A flood of idle
/// connections is then refused at the door (closed as soon as accepted) instead of exhausting
/// descriptors, which stalls every accept and can bring the process down; the HTTP idle timeout
/// closes the connections that linger.
final class ConnectionLimit: Sendable {
    /// The most client connections open at once.
    let maximum: Int
    private let open = Atomic<Int>(0)

    /// Descriptors kept for the database, its log, keys and the runtime's own needs.
    static let reservedDescriptors = 256

    /// A limit of `maximum` connections.
    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Raises the process's soft descriptor limit to its hard limit, and returns the limit on
    /// connections that leaves the reserve free.
    static func raisingDescriptorLimit() -> ConnectionLimit {
        var limits = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        return ConnectionLimit(maximum: maximum(descriptors: Int(clamping: min(limits.rlim_cur, 1_048_576))))
    }

    /// The connections `descriptors` leave room for: all but the reserve, or under a limit too
    /// small for that (a container's, a test's), a quarter of them up to 64, so that the
    /// daemon's own files still open and accepts do not fail (which busies the loop that
    /// retries them).
    static func maximum(descriptors: Int) -> Int {
        max(descriptors - reservedDescriptors, min(max(descriptors / 4, 8), 64))
    }

    /// Client connections open now.
    var current: Int { open.load(ordering: .relaxed) }

    /// The handler that counts one connection, and closes it when the limit is reached.
    func handler() -> any RemovableChannelHandler { Counter(limit: self) }

    fileprivate func admit() -> Bool {
        open.wrappingAdd(1, ordering: .relaxed).newValue <= maximum
    }

    fileprivate func release() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Counts its connection from activation to close.
    private final class Counter: ChannelInboundHandler, RemovableChannelHandler {
        /// Whatever the pipeline carries: reads pass through untouched.
        typealias InboundIn = NIOAny

        private let limit: ConnectionLimit
        private var counted = false

        init(limit: ConnectionLimit) {
            self.limit = limit
        }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { count(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            count(context)
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            uncount()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            uncount()
        }

        private func count(_ context: ChannelHandlerContext) {
            guard !counted else { return }
            counted = true
            if !limit.admit() { context.close(promise: nil) }
        }

        private func uncount() {
            guard counted else { return }
            counted = false
            limit.release()
        }
    }
}
