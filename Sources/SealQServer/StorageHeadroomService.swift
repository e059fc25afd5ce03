import ServiceLifecycle
import Storage

/// Measures the room left on the disk holding the data directory every second, so that sends
/// are refused before it fills and admitted again once a drain has made room, whether or not
/// sends are arriving (`StorageHeadroom`).
struct StorageHeadroomService: NamedService {
    let store: SQLiteMessageStore
    var interval: Duration = .seconds(1)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            store.measureRoom()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
