import ArgumentParser

/// `sealq`: the SealQ daemon and its tools.
@main
struct SealQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealq",
        abstract: "A secure, SQS-compatible message queue daemon.",
        subcommands: [ServeCommand.self, PrincipalsCommand.self, PolicyCommand.self, KeysCommand.self, AuditCommand.self, BenchCommand.self])
}
