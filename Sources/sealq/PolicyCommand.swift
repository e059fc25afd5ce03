import ArgumentParser
import Foundation
import IdentityWire
import PolicyEngine
import Principals
import SQSWire
import SealQServer

/// `sealq policy`: test policies before deploying them, on the evaluator the daemon enforces with.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Simulate, explain and validate IAM policies; ask who can do what.",
        subcommands: [Simulate.self, WhoCan.self, Validate.self])

    /// Ends the command with `message` on standard error and exit code 1 (or `code`).
    static func fail(_ message: String, code: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return ExitCode(code)
    }

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run `aws iam simulate-custom-policy --cli-input-json` locally and print the same JSON.",
            discussion: """
                FILE holds the JSON `aws iam simulate-custom-policy --cli-input-json file://FILE` takes \
                (PolicyInputList, ActionNames, ResourceArns, ResourcePolicy, CallerArn, ContextEntries, …). \
                With --explain, an Explanation key follows: per statement whether and why it matched, and each \
                condition with its key, the request's values, the policy's values and the result. Principal \
                ARNs name the account the data directory was set up for, as its daemon's do.
                """)

        @Option(name: .customLong("cli-input-json"), help: "The input JSON file (a file:// prefix is accepted).")
        var inputFile: String
        @Flag(help: "Explain every statement and condition.")
        var explain = false
        @OptionGroup var locations: LocationOptions

        func run() throws {
            let path = inputFile.hasPrefix("file://") ? String(inputFile.dropFirst("file://".count)) : inputFile
            let data: Data
            do { data = try InputFile.read(path) } catch { throw PolicyCommand.fail("\(error)", code: 255) }
            let input: SimulationInput
            do { input = try CLIInputDecoder.simulateCustomPolicy([UInt8](data)) } catch {
                throw PolicyCommand.fail(error.message, code: 252)
            }
            let catalog = try locations.principalCatalog(accountId: try locations.resolvedIdentity().accountId)
            let simulator = PolicySimulator(catalog: catalog)
            // Follow every page, as awscli does.
            var request = SimulationRequest(operation: .custom, input: input)
            var results: [EvaluationResult] = []
            var explanations: [ResultExplanation] = []
            while true {
                let (page, explanation): (SimulationResult, SimulationExplanation?)
                do { (page, explanation) = try simulator.simulate(request, explain: explain) } catch {
                    throw PolicyCommand.fail(error.awscliMessage(operation: SimulationOperation.custom.actionName), code: 254)
                }
                results += page.evaluationResults
                explanations += explanation?.results ?? []
                guard page.isTruncated, let marker = page.marker else { break }
                request.input.marker = marker
            }
            let output = AWSCLIOutput.simulation(
                SimulationResult(evaluationResults: results), explanation: explain ? SimulationExplanation(results: explanations) : nil)
            FileHandle.standardOutput.write(Data(output))
        }
    }

    struct WhoCan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "who-can",
            abstract: "List every known principal allowed to do an action on a queue or resource, and why.",
            discussion: """
                Principals come from the policies directory; the queue's Policy and tags, and the account \
                and region its daemon names in ARNs, from the data directory (read-only, safe while the \
                daemon runs). Conditions that depend on the request \
                (source IP, time, request tags) are listed as the conditions under which the answer holds.
                """)

        @Option(help: "The IAM action, such as sqs:SendMessage.")
        var action: String
        @Option(help: "A queue name in the data directory.")
        var queue: String?
        @Option(help: "A KMS key id or alias/NAME in the data directory (its key policy decides as KMS does).")
        var key: String?
        @Option(help: "Any resource ARN (a key, a queue in another region, …) instead of --queue.")
        var resource: String?
        @Option(name: .customLong("resource-policy"), help: "A resource policy file to use with --resource.")
        var resourcePolicyFile: String?
        @Option(help: "Output format: text or json.")
        var output: String = "text"
        @OptionGroup var locations: LocationOptions

        func run() throws {
            guard [queue, key, resource].compactMap({ $0 }).count == 1 else {
                throw ValidationError("Give one of --queue, --key or --resource.")
            }
            guard output == "text" || output == "json" else { throw ValidationError("--output is text or json.") }
            let identity = try locations.resolvedIdentity()
            let catalog = try locations.principalCatalog(accountId: identity.accountId)
            var resourceArn = resource ?? ""
            var policyText: String?
            var tags: [String: String] = [:]
            // The queue named by --queue, or by a --resource ARN of this directory's account and region.
            let queuePrefix = "arn:aws:sqs:\(identity.region):\(identity.accountId):"
            let queueName = queue ?? resource.flatMap { $0.hasPrefix(queuePrefix) ? String($0.dropFirst(queuePrefix.count)) : nil }
            let queueRecord = try queueName.flatMap { try AccessReport.queue(named: $0, dataDirectory: locations.data.setUp()) }
            if let queue {
                resourceArn = "arn:aws:sqs:\(identity.region):\(identity.accountId):\(queue)"
                if let record = queueRecord {
                    policyText = record.settings.policy
                    tags = record.tags
                } else {
                    FileHandle.standardError.write(Data("note: queue \(queue) does not exist in \(locations.data.resolved); no queue policy applies.\n".utf8))
                }
            }
            var keyFacts: AccessReport.KeyFacts?
            if let key {
                guard let (record, facts) = try AccessReport.key(key, dataDirectory: locations.data.setUp()) else {
                    throw PolicyCommand.fail("No key \(key) in \(locations.data.resolved).")
                }
                resourceArn = record.arn
                policyText = record.policy
                tags = record.tags
                keyFacts = facts
            }
            if let resourcePolicyFile {
                let data: Data
                do { data = try InputFile.read(resourcePolicyFile) } catch { throw PolicyCommand.fail("\(error)") }
                policyText = String(decoding: data, as: UTF8.self)
            }
            var resourcePolicy: Policy?
            if let policyText {
                do { resourcePolicy = try Policy.parse(policyText, kind: .resource, id: queue.map { "\($0) queue policy" } ?? key.map { "\($0) key policy" } ?? "resource policy") } catch {
                    throw PolicyCommand.fail("The resource policy does not parse: \(error)")
                }
            }
            // The owner-only actions are refused to unsigned callers on any queue, named by
            // --queue or by --resource; SSE's refusal needs the queue's settings (when it exists here).
            let unsignedRefused = resourceArn.hasPrefix("arn:aws:sqs:") && AccessReport.refusesUnsigned(action, on: queueRecord)
            let grants = AccessReport(catalog: catalog, region: identity.region).grants(
                action: action, resource: resourceArn, resourcePolicy: resourcePolicy, resourceTags: tags,
                keyPolicyRules: resourceArn.hasPrefix("arn:aws:kms:"), key: keyFacts, unsignedRefused: unsignedRefused)
            print(output == "json" ? WhoCanOutput.json(grants, action: action, resource: resourceArn) : WhoCanOutput.text(grants, action: action, resource: resourceArn), terminator: "")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check policy files: grammar errors with line and column, and Access-Analyzer-style findings.",
            discussion: """
                Exits 1 when any file has an ERROR finding. --queue-policy also checks SQS's queue policy quotas. \
                Without --kind or --queue-policy, a principals.json is checked as the daemon loads its directory, so `sealq policy validate policies/*.json` \
                checks a whole policies directory; the other files there are identity policies, as the daemon reads them.
                """)

        @Argument(help: "Policy files.")
        var files: [String]
        @Option(
            help: """
                identity or resource; by default a file beside a principals.json is an identity policy, else one with \
                Principal/NotPrincipal is a resource policy.
                """)
        var kind: String?
        @Flag(name: .customLong("queue-policy"), help: "Treat the files as SQS queue policies (resource policies with SQS's quotas).")
        var queuePolicy = false

        func run() throws {
            var failed = false
            for file in files {
                let data: Data
                do { data = try InputFile.read(file) } catch {
                    print("\(file): ERROR CANNOT_READ: \(error)")
                    failed = true
                    continue
                }
                let text = String(decoding: data, as: UTF8.self)
                let url = URL(fileURLWithPath: file)
                if url.lastPathComponent == PrincipalCatalog.principalsFile && kind == nil && !queuePolicy {
                    // The whole directory, as the daemon loads it: a principal's policies must exist too.
                    do {
                        _ = try PrincipalCatalog.load(directory: url.deletingLastPathComponent().path, accountId: "000000000000")
                        print("\(file): OK (principal definitions)")
                    } catch {
                        print("\(file): ERROR INVALID_PRINCIPALS_FILE: \(error)")
                        failed = true
                    }
                    continue
                }
                let inPoliciesDirectory = FileManager.default.fileExists(
                    atPath: url.deletingLastPathComponent().appendingPathComponent(PrincipalCatalog.principalsFile).path)
                let policyKind: PolicyKind
                switch kind {
                case "identity": policyKind = .identity
                case "resource": policyKind = .resource
                case nil:
                    let namesPrincipals = text.contains("\"Principal\"") || text.contains("\"NotPrincipal\"")
                    policyKind = queuePolicy || (!inPoliciesDirectory && namesPrincipals) ? .resource : .identity
                default: throw ValidationError("--kind is identity or resource.")
                }
                let quotas: PolicyQuotas? = queuePolicy ? .sqsQueuePolicy : policyKind == .identity ? .identityPolicy : nil
                let findings = PolicyValidator.validate(text, kind: policyKind, quotas: quotas, knownActions: Self.knownActions)
                if findings.isEmpty { print("\(file): OK") }
                for finding in findings {
                    let place = finding.position.map { ":\($0.line):\($0.column)" } ?? ""
                    print("\(file)\(place): \(finding.severity.rawValue) \(finding.code): \(finding.message)")
                    if finding.severity == .error { failed = true }
                }
            }
            if failed { throw ExitCode(1) }
        }

        /// Every action of SQS (all of which SealQ serves) and of KMS (IAM's `kms:` permissions,
        /// SealQ's and the rest), lowercased: a misspelt one is reported.
        static let knownActions = [
            "sqs": Set(SQSAction.allCases.map { $0.iamAction.dropFirst("sqs:".count).lowercased() }),
            "kms": Set(kmsPermissions.map { $0.lowercased() }),
        ]

        /// KMS's permissions: its API operations, with ReEncrypt's two (`ReEncryptFrom`, `ReEncryptTo`).
        private static let kmsPermissions = [
            "CancelKeyDeletion", "ConnectCustomKeyStore", "CreateAlias", "CreateCustomKeyStore", "CreateGrant", "CreateKey", "Decrypt",
            "DeleteAlias", "DeleteCustomKeyStore", "DeleteImportedKeyMaterial", "DeriveSharedSecret", "DescribeCustomKeyStores",
            "DescribeKey", "DisableKey", "DisableKeyRotation", "DisconnectCustomKeyStore", "EnableKey", "EnableKeyRotation", "Encrypt",
            "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext",
            "GenerateMac", "GenerateRandom", "GetKeyLastUsage", "GetKeyPolicy", "GetKeyRotationStatus", "GetParametersForImport",
            "GetPublicKey", "ImportKeyMaterial", "ListAliases", "ListGrants", "ListKeyPolicies", "ListKeyRotations", "ListKeys",
            "ListResourceTags", "ListRetirableGrants", "PutKeyPolicy", "ReEncryptFrom", "ReEncryptTo", "ReplicateKey", "RetireGrant",
            "RevokeGrant", "RotateKeyOnDemand", "ScheduleKeyDeletion", "Sign", "SynchronizeMultiRegionKey", "TagResource",
            "UntagResource", "UpdateAlias", "UpdateCustomKeyStore", "UpdateKeyDescription", "UpdatePrimaryRegion", "Verify", "VerifyMac",
        ]
    }
}
