import ArgumentParser

/// `--policies`, `--account-id` and `--region` on commands that never read them. Earlier versions
/// listed them there, so scripts may pass them: they are still accepted, but no longer shown.
struct UnreadLocationOptions: ParsableArguments {
    @Option(name: .customLong("policies"), help: .hidden)
    var policiesDirectory: String?
    @Option(name: .customLong("account-id"), help: .hidden)
    var accountId: String?
    @Option(name: .customLong("region"), help: .hidden)
    var region: String?
}
