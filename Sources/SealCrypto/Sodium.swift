import CSodium

/// libsodium's one-time initialisation, which every use of the library must follow.
enum Sodium {
    // `sodium_init` is idempotent and thread-safe; this runs it once per process.
    private static let initialized: Bool = sodium_init() >= 0

    /// Stops the process if libsodium could not initialise: nothing built on it is safe then.
    static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialize")
    }
}
