import Logging
import ServiceLifecycle
import Storage

/// Shut down after the HTTP server: checkpoints the write-ahead log into the database file.
struct StorageCheckpoint: NamedService {
    let store: SQLiteMessageStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try store.checkpoint()
        } catch {
            logger.warning("checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
    }
}
