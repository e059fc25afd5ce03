import Logging
import ServiceLifecycle

/// Retries, once a second, an access key change's undo that failed (the key file could not be
/// written): the unrecorded change it left in force ends as soon as the file can be written,
/// rather than at the next change or start (see `AccessKeyAdministration`).
struct AccessKeyJournalService: NamedService {
    let administration: AccessKeyAdministration
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await administration.settleLeftChange()
                failing = false
            } catch {
                // Said once per spell of failures, not every second.
                if !failing { logger.error("an unsettled access key change could not be settled yet", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
