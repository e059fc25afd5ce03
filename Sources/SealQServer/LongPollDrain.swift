import QueueEngine
import ServiceLifecycle

/// Shut down before the HTTP server: answers waiting long polls with empty results, so the
/// server can drain at once and clients never see a 5xx during a long poll.
struct LongPollDrain: NamedService {
    let engine: QueueEngine

    func run() async throws {
        try? await gracefulShutdown()
        engine.shutdown()
    }
}
