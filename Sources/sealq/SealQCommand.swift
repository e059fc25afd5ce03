import ArgumentParser
import Foundation

/// `sealq`: the SealQ daemon and its tools.
@main
struct SealQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealq",
        abstract: "A secure, SQS-compatible message queue daemon.",
        subcommands: [ServeCommand.self, PrincipalsCommand.self, PolicyCommand.self, KeysCommand.self, AuditCommand.self, BenchCommand.self])

    /// Runs the command with every file and directory it creates readable by its owner only:
    /// the database, its log, keys, credentials and exports are born 0600 (directories 0700),
    /// never world-readable for the moment before a chmod.
    static func main() async {
        umask(0o077)
        await main(nil)
    }
}
