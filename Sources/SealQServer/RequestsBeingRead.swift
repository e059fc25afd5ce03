import NIOCore
import ServiceLifecycle
import Synchronization

/// The connections whose current request has not arrived in full (`RequestDeadline` adds each
/// at its head and takes it away at its end), so a stop can close those that stall.
///
/// A graceful stop waits for every request in progress; one whose client stalls halfway through
/// sending it would hold the stop until its request deadline, the idle timeout (up to an hour,
/// past a service manager's stop timeout, whose kill then skips the last audit checkpoint).
final class RequestsBeingRead: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// `channel` is reading a request.
    func add(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    /// `channel` has read its request, or closed.
    func remove(_ channel: any Channel) {
        _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Closes every connection still reading a request: each request fails as incomplete (and
    /// is recorded so), and the server's drain goes on with the rest.
    func closeAll() {
        let open = channels.withLock { channels in
            defer { channels.removeAll() }
            return Array(channels.values)
        }
        open.forEach { $0.close(promise: nil) }
    }

    /// Shut down first: gives the requests being read `grace` to arrive, then closes their
    /// connections, while the rest of the stop goes on in order.
    struct StopDeadline: NamedService {
        let requests: RequestsBeingRead
        let grace: Duration

        func run() async throws {
            try? await gracefulShutdown()
            let (requests, grace) = (self.requests, self.grace)
            Task {
                try await Task.sleep(for: grace)
                requests.closeAll()
            }
        }
    }
}
