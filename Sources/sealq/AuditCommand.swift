import ArgumentParser
import AuditTrail
import AuditWire
import Foundation
import PolicyEngine
import SealCrypto
import SealQServer

/// `sealq audit`: the tamper-evident audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the tamper-evident audit log.", subcommands: [
            Verify.self, SaveCheckpoint.self, Lookup.self, Export.self, Prove.self, CheckProof.self, KeyUsage.self, PublicKey.self,
        ])

    /// Where the daemon archives the events retention removed, which verification reads.
    struct ArchiveOption: ParsableArguments {
        @Option(
            name: .customLong("archive"),
            help: "Where the daemon archives old events (its --audit-archive-dir) [env: SEALQ_AUDIT_ARCHIVE_DIR] (default: DATA/audit-archive).")
        var directory: String?

        /// The archive: flag, then `SEALQ_AUDIT_ARCHIVE_DIR` (as `sealq serve` reads it), else nil for the default.
        var resolved: String? { directory ?? ProcessInfo.processInfo.environment["SEALQ_AUDIT_ARCHIVE_DIR"] }

        func validate() throws {
            _ = try Setting.value(directory, option: "--archive", variable: "SEALQ_AUDIT_ARCHIVE_DIR")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit log offline and check it against its signed checkpoints.",
            discussion: """
                Reads DATA/sealq.sqlite without writing (safe while the daemon runs). Every event's leaf hash, \
                the Merkle root at every checkpoint and each checkpoint's Ed25519 signature are recomputed; \
                a modified, deleted, inserted or reordered event, a forged checkpoint, or a log that no longer \
                reaches DATA/audit-checkpoint.json (the daemon's copy of its newest checkpoint) is reported with \
                the first event it concerns, and the exit status is 1. Events that retention archived must be \
                in the archive export, which is verified as well.

                Whoever can write the data directory can delete checkpoints, rewrite the events they covered \
                and replace that file too. Events no checkpoint covers must be recent (the daemon signs within \
                seconds and at shutdown; see --unsigned-grace), which catches deleted checkpoints unless the \
                events were re-dated as well; what settles it is a checkpoint you saved elsewhere with \
                `sealq audit checkpoint` and pass with --checkpoint, and the public key kept elsewhere.
                """)

        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions
        @Option(name: .customLong("public-key"), help: "The log's public key in hex, or a file holding it (default: DATA/audit-public.key).")
        var publicKey: String?
        @Option(name: .customLong("export"), help: "Verify the export files in this directory instead of the live log.")
        var exportDirectory: String?
        @OptionGroup var archive: ArchiveOption
        @Option(
            name: .customLong("checkpoint"),
            help: "A checkpoint saved earlier with `sealq audit checkpoint` that the log must still lead to (repeatable).")
        var checkpointFiles: [String] = []
        @Option(parsing: .unconditional, help: "How old, in seconds, the first event no signed checkpoint covers may be (0: every event must be signed).")
        var unsignedGrace = 120

        func validate() throws {
            guard unsignedGrace >= 0 else { throw ValidationError("--unsigned-grace must be 0 or more seconds.") }
        }

        func run() async throws {
            // Exit 1 says the log is damaged; a check that could not run says so with exit 2.
            let finding: AuditLogVerifier.Finding
            do { finding = try check() } catch {
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            switch finding {
            case .sound(let summary):
                let waiting = summary.unsigned == 0
                    ? "" : "; \(summary.unsigned) newer \(summary.unsigned == 1 ? "event awaits" : "events await") the next checkpoint"
                print(
                    "The audit log is sound: \(summary.events) events, \(summary.checkpoints) signed checkpoint\(summary.checkpoints == 1 ? "" : "s")\(waiting), "
                        + "root \(Hex.encode(summary.rootHash)).")
            case .damaged(let damage):
                print("The audit log is damaged: \(damage)")
                throw ExitCode(1)
            }
        }

        private func check() throws -> AuditLogVerifier.Finding {
            let trusted = try AuditVerification.trustedCheckpoints(files: checkpointFiles)
            return try exportDirectory.map { directory in
                try AuditExport.verify(
                    directory: directory,
                    publicKeyHex: try readPublicKey(publicKey) ?? AuditVerification.publicKey(dataDirectory: data.resolved),
                    trusted: trusted)
            } ?? AuditVerification.verify(
                dataDirectory: data.setUp(), publicKeyHex: try readPublicKey(publicKey), archiveDirectory: archive.resolved,
                trusted: trusted, unsignedGrace: Int64(unsignedGrace) * 1000)
        }
    }

    struct SaveCheckpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint", abstract: "Verify the log, then print its newest signed checkpoint, to keep outside the data directory.",
            discussion: """
                A checkpoint kept elsewhere is what a rewritten log cannot lead to: `sealq audit verify \
                --checkpoint FILE` then fails if the events it covers were changed, even after every checkpoint \
                in the data directory was deleted or re-signed. Save one regularly, for example:
                  sealq audit checkpoint --data-dir ./data > /secure/place/checkpoint-$(date +%s).json
                """)

        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions
        @Option(name: .customLong("public-key"), help: "The log's public key in hex, or a file holding it (default: DATA/audit-public.key).")
        var publicKey: String?
        @OptionGroup var archive: ArchiveOption

        func run() async throws {
            let finding = try AuditVerification.verify(
                dataDirectory: data.setUp(), publicKeyHex: try readPublicKey(publicKey), archiveDirectory: archive.resolved)
            switch finding {
            case .sound(let summary):
                guard let newest = summary.newestCheckpoint else {
                    FileHandle.standardError.write(
                        Data("The log has no signed checkpoint yet: the daemon signs one within 10 seconds of its first event.\n".utf8))
                    throw ExitCode(1)
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(AuditProofs.SignedRoot(newest)), as: UTF8.self))
            case .damaged(let damage):
                print("The audit log is damaged, so no checkpoint of it is printed: \(damage)")
                throw ExitCode(1)
            }
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the audit log as CloudTrail's LookupEvents does (every attribute given must match).",
            discussion: "Prints the matching CloudTrail records, newest first, one JSON object per line.")

        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions
        @Option(
            name: .customLong("attribute"),
            help: "KEY=VALUE, KEY one of EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId (repeatable).")
        var attributes: [String] = []
        @Option(parsing: .unconditional, help: "Only events at or after this time, in seconds since the epoch.")
        var startTime: Double?
        @Option(parsing: .unconditional, help: "Only events at or before this time, in seconds since the epoch.")
        var endTime: Double?
        @Option(parsing: .unconditional, help: "At most this many events.")
        var maxResults = 50

        func validate() throws {
            guard maxResults >= 1 else { throw ValidationError("--max-results must be at least 1.") }
            for (name, time) in [("--start-time", startTime), ("--end-time", endTime)] where time?.isFinite == false {
                throw ValidationError("\(name) must be a number of seconds since the epoch.")
            }
        }

        func run() async throws {
            var members: [String: Any] = ["MaxResults": min(maxResults, 50)]
            members["LookupAttributes"] = try attributes.map { pair -> [String: String] in
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--attribute takes KEY=VALUE, not '\(pair)'.") }
                return ["AttributeKey": parts[0], "AttributeValue": parts[1]]
            }
            if let startTime { members["StartTime"] = startTime }
            if let endTime { members["EndTime"] = endTime }
            let body = [UInt8](try JSONSerialization.data(withJSONObject: members))
            let lookup = AuditLookup(dataDirectory: try data.setUp())
            var query: LookupQuery
            do { query = try LookupQuery.decode(target: LookupQuery.target, body: body) } catch {
                throw ValidationError("\(error.type): \(error.message)")
            }
            var remaining = maxResults
            while remaining > 0 {
                query.maxResults = min(remaining, 50)
                let (events, next) = try await lookup.run(query)
                for event in events { print(event.cloudTrailEvent) }
                remaining -= events.count
                guard let next else { break }
                query.nextToken = next
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the log as CloudTrail-shaped files: gzip {\"Records\":[…]} and a digest per signed checkpoint.",
            discussion: """
                Each span between two signed checkpoints becomes sealq-audit-FIRST-LAST.json.gz (gzip, deflate's fixed \
                codes: readable by any gunzip) and sealq-audit-FIRST-LAST.digest.json (the file's SHA-256 and the \
                signed checkpoint). Spans already exported are left as they are; events after the newest checkpoint \
                wait for the next export. With --layout cloudtrail the records files go where CloudTrail delivers \
                them instead (AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_\
                YYYYMMDDTHHmmZ_UNIQUE.json.gz), for tools that read a trail's S3 prefix; the digests stay at the top. \
                Check the files with `sealq audit verify --export DIR`.
                """)

        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions
        @Option(help: "Where the records files go: flat or cloudtrail.")
        var layout: AuditExport.Layout = .flat
        @Argument(help: "The directory to write into (created, with its missing parents, if it does not exist).")
        var directory: String

        func run() async throws {
            let (files, events) = try AuditExport.export(dataDirectory: data.setUp(), to: directory, layout: layout)
            print("Exported \(events) events in \(files) new files to \(directory).")
        }
    }

    struct Prove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a Merkle proof: that an event is in the log, or that one checkpoint extends another.",
            discussion: """
                With EVENT_ID: the event's inclusion proof in the newest signed checkpoint that covers it. With \
                --consistency OLD NEW: the consistency proof between the checkpoints of OLD and NEW events. The \
                JSON carries the signed checkpoints; `sealq audit check-proof` checks it with the public key alone.
                """)

        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions
        @Argument(help: "The eventID of the event to prove.")
        var eventID: String?
        @Option(name: .customLong("consistency"), parsing: .upToNextOption, help: "Two checkpoint sizes, older first.")
        var consistency: [Int] = []

        func validate() throws {
            guard (eventID == nil) != consistency.isEmpty else { throw ValidationError("Give an EVENT_ID or --consistency OLD NEW.") }
            if !consistency.isEmpty && consistency.count != 2 { throw ValidationError("--consistency takes two sizes.") }
        }

        func run() async throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let directory = try data.setUp()
            let json = try eventID.map { try encoder.encode(AuditProofs.inclusion(dataDirectory: directory, eventID: $0)) }
                ?? encoder.encode(AuditProofs.consistency(dataDirectory: directory, from: consistency[0], to: consistency[1]))
            print(String(decoding: json, as: UTF8.self))
        }
    }

    struct CheckProof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-proof", abstract: "Check a proof printed by `sealq audit prove`, with only the public key.")

        @Argument(help: "The proof file (- for standard input).")
        var file: String
        @Option(name: .customLong("public-key"), help: "The log's public key in hex, or a file holding it.")
        var publicKey: String

        func run() async throws {
            let data = try InputFile.read(file)
            let key = try readPublicKey(publicKey) ?? publicKey
            // A key that is no key is a bad argument, not a proof that fails.
            guard key.utf8.count == 64, key.utf8.allSatisfy({ $0 < 128 && Character(Unicode.Scalar($0)).isHexDigit }) else {
                throw ValidationError("--public-key must be the log's public key: 64 hex digits, or a file holding them.")
            }
            do {
                print(try AuditProofs.check(data, publicKeyHex: key))
            } catch let failure as AuditProofs.Failure {
                print("The proof does not hold: \(failure)")
                throw ExitCode(1)
            }
        }
    }

    struct KeyUsage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key-usage",
            abstract: "Per KMS key, principal, queue and operation: how many times the key was used, first and last use.",
            discussion: """
                Counts successful cryptographic uses recorded in the audit log: calls made directly to KMS and \
                the GenerateDataKey and Decrypt calls the queue service made for senders and receivers of \
                SSE-KMS queues (their queue comes from the aws:sqs:arn encryption context).
                """)

        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions
        @Option(help: "Only this key (key id, ARN or alias name).")
        var key: String?
        @Option(help: "Only uses at or after this time: ISO 8601, such as 2026-11-26T09:41:00Z, 2026-11-26T10:41:00+01:00 or 2026-11-26 (midnight UTC).")
        var since: String?
        @Option(help: "text or json.")
        var output = "text"

        func validate() throws {
            guard output == "text" || output == "json" else { throw ValidationError("--output is text or json.") }
            _ = try since.map(Self.time)
        }

        func run() async throws {
            let rows = try KeyUsageReport.rows(dataDirectory: data.setUp(), key: key, since: since.map(Self.time))
            if output == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            guard !rows.isEmpty else {
                print("No key uses recorded\(key.map { " for \($0)" } ?? "")\(since.map { " since \($0)" } ?? "").")
                return
            }
            var lastKey = ""
            for row in rows {
                if row.keyArn != lastKey {
                    print(row.keyArn)
                    lastKey = row.keyArn
                }
                print("  \(row.principalArn)  \(row.queueArn ?? "(direct)")  \(row.operation)  \(row.count)  \(row.firstUse) … \(row.lastUse)")
            }
        }

        /// The time an ISO 8601 `--since` names: a date and time with `Z` or an offset (fractions
        /// of a second allowed), or a date alone, read as IAM reads dates in policies.
        private static func time(_ text: String) throws -> Date {
            guard let seconds = PolicyDate.iso8601(text) else {
                throw ValidationError("--since must be an ISO 8601 time such as 2026-11-26T09:41:00Z or 2026-11-26T10:41:00+01:00, not '\(text)'.")
            }
            return Date(timeIntervalSince1970: seconds)
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key", abstract: "Print the public key (hex) that verifies the audit log's checkpoints.")

        @OptionGroup var data: DataDirectoryOption
        @OptionGroup var unread: UnreadLocationOptions

        func run() async throws {
            print(try AuditVerification.publicKey(dataDirectory: data.resolved))
        }
    }
}

/// The public key `given` as hex: the text itself when it is 64 hex digits, else the contents of
/// the file it names (which must be readable).
private func readPublicKey(_ given: String?) throws -> String? {
    guard let given else { return nil }
    let isHex = given.utf8.count == 64 && given.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
    if isHex { return given }
    guard let data = try? InputFile.read(given) else {
        throw ValidationError("--public-key \(given) is neither 64 hex digits nor a readable file")
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

extension AuditExport.Layout: ExpressibleByArgument {}
