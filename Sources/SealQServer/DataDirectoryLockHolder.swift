import ServiceLifecycle

/// Keeps the data directory locked for as long as the application runs.
struct DataDirectoryLockHolder: NamedService {
    let lock: DataDirectoryLock

    func run() async throws {
        try? await gracefulShutdown()
        withExtendedLifetime(lock) {}
    }
}
