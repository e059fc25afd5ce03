import ArgumentParser
import Foundation

/// `sealq`: the SealQ daemon and its tools.
@main
struct SealQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sealq",
        abstract: "A secure, SQS-compatible message queue daemon.",
        subcommands: [ServeCommand.self, PrincipalsCommand.self, PolicyCommand.self, KeysCommand.self, AuditCommand.self, StorageCommand.self, BenchCommand.self])

    /// Runs the command with every file and directory it creates readable by its owner only:
    /// the database, its log, keys, credentials and exports are born 0600 (directories 0700),
    /// never world-readable for the moment before a chmod.
    ///
    /// A `ValidationError` thrown while the command runs (a value read from the environment, or
    /// checked against another) is reported as one thrown while parsing is: with the usage of the
    /// command that refused it, not `sealq`'s, and exit code 64.
    static func main() async {
        umask(0o077)
        let command: any ParsableCommand
        do { command = try await asyncParseAsRoot(nil) } catch { exit(withError: error) }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var command = command
                try command.run()
            }
        } catch let error as ValidationError {
            let names = path(to: type(of: command)).joined(separator: " ")
            let usage = usageString(for: type(of: command))
            FileHandle.standardError.write(
                Data("Error: \(error.message)\nUsage: \(usage)\n  See '\(names) --help' for more information.\n".utf8))
            exit(withError: ExitCode.validationFailure)
        } catch {
            exit(withError: error)
        }
    }

    /// The command names from `sealq` down to `target`, as typed.
    private static func path(to target: any ParsableCommand.Type, from command: any ParsableCommand.Type = SealQCommand.self) -> [String] {
        if command == target { return [command._commandName] }
        for subcommand in command.configuration.subcommands {
            let rest = path(to: target, from: subcommand)
            if !rest.isEmpty { return [command._commandName] + rest }
        }
        return []
    }
}
