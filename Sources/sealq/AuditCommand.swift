import ArgumentParser
import AuditTrail
import Foundation
import SealQServer

/// `sealq audit`: the tamper-evident audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the tamper-evident audit log.", subcommands: [Verify.self, PublicKey.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit log offline and check it against its signed checkpoints.",
            discussion: """
                Reads DATA/sealq.sqlite without writing (safe while the daemon runs). Every event's leaf hash, \
                the Merkle root at every checkpoint and each checkpoint's Ed25519 signature are recomputed; \
                a modified, deleted, inserted or reordered event, a forged checkpoint or a truncated log is \
                reported with the first event it concerns, and the exit status is 1.
                """)

        @OptionGroup var locations: LocationOptions
        @Option(name: .customLong("public-key"), help: "The log's public key in hex, or a file holding it (default: DATA/audit-public.key).")
        var publicKey: String?

        func run() async throws {
            var key = publicKey
            if let given = publicKey, let data = FileManager.default.contents(atPath: given) {
                key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            switch try AuditVerification.verify(dataDirectory: locations.resolvedDataDirectory, publicKeyHex: key) {
            case .sound(let events, let checkpoints, let root):
                print("The audit log is sound: \(events) events, \(checkpoints) signed checkpoints, root \(root.map { String(format: "%02x", $0) }.joined()).")
            case .damaged(let damage):
                print("The audit log is damaged: \(damage)")
                throw ExitCode(1)
            }
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key", abstract: "Print the public key (hex) that verifies the audit log's checkpoints.")

        @OptionGroup var locations: LocationOptions

        func run() async throws {
            print(try AuditVerification.publicKey(dataDirectory: locations.resolvedDataDirectory))
        }
    }
}
