import ArgumentParser
import Foundation
import SealQBench

/// `sealq bench`: loads a running daemon with SigV4-signed SQS requests and reports throughput and latency.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load a running SealQ daemon with signed SQS requests and report throughput and latency.",
        discussion: """
            Each queue scenario creates its own queue and deletes it at the end. Credentials come from \
            --access-key-id/--secret-access-key, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else \
            SEALQ_ADMIN_ACCESS_KEY_ID/SEALQ_ADMIN_SECRET_ACCESS_KEY, else <data-dir>/admin-credentials.

            FIFO queues: with --fifo, send, batch and pipeline (also within all) run against a FIFO queue \
            (ContentBasedDeduplication false); each message gets a unique MessageDeduplicationId and the \
            next of --groups MessageGroupIds g0...g{N-1}, round-robin. fifo-all runs send and batch on a \
            standard queue, then on FIFO queues with 1 and with 1,000 groups, and compares their msg/s.

            fifo-receive measures what receiving from a FIFO queue costs: it prefills a FIFO queue with \
            --prefill messages (default 100,000) round-robin over --groups groups (default 10,000), then \
            every connection calls ReceiveMessage (MaxNumberOfMessages 10, VisibilityTimeout 30, \
            WaitTimeSeconds 0) and deletes what it got with DeleteMessageBatch, for --duration seconds. It \
            reports receives/s, empty receives and messages/s, and checks that each group comes out in \
            order. A run without messages says nothing, so compare a large queue with a small one holding \
            the same 10 messages per group:
              sealq bench --scenario fifo-receive --prefill 100000 --groups 10000
              sealq bench --scenario fifo-receive --prefill 1000 --groups 100
            The small queue empties within the run; its report then also gives the rate until it ran dry.

            sse-compare measures what server-side encryption costs: each of --rounds rounds (default 5) runs \
            send, batch and pipeline on a fresh queue with SSE off (SqsManagedSseEnabled=false) and on one \
            encrypted as --queue-attribute says (SSE-SQS by default; KmsMasterKeyId=... for SSE-KMS), \
            alternating which goes first, and a table gives each round's on/off ratio of messages/s, their \
            median and the pooled ratio. With one daemon and short alternating phases, drift of a shared \
            machine falls on both sides alike:
              sealq bench --scenario sse-compare --duration 5 --rounds 6

            authz needs no daemon: it times, call by call, authorizing an sqs:SendMessage against a \
            20-statement identity policy with 10 conditions and verifying the SigV4 signature of a 1 KiB \
            SendMessage, and prints p50/p99/p99.9 in microseconds (--requests sets the calls, default 200,000).

            kms measures the key service in one run. First in this process, no daemon: Encrypt of 1 KiB \
            with a one-pair encryption context, Decrypt of such blobs and GenerateDataKey (AES_256), \
            100,000 calls each timed call by call (p50/p99/p99.9 µs, calls/s on one core), then \
            AES-256-GCM and XChaCha20-Poly1305 sealing in MB/s for 1 KiB and 16 KiB messages, to set \
            beside `openssl speed -evp aes-256-gcm`. Then over HTTP (KMS JSON 1.1, TrentService, SigV4 \
            service kms) against --endpoint: it creates a symmetric key, runs Encrypt, Decrypt (of \
            1,024 blobs from the Encrypt phase, round-robin) and GenerateDataKey each for --duration over \
            --connections, reports requests/s, errors (any non-200 answer) and latency like the other \
            phases, and schedules the key for deletion (7 days) at the end.
            """)

    @Option(help: "The daemon's URL.")
    var endpoint = "http://127.0.0.1:9324"

    @Option(help: "One of: \(BenchmarkScenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario = BenchmarkScenario.all.rawValue

    @Option(parsing: .unconditional, help: "Concurrent keep-alive connections.")
    var connections = 64

    @Option(parsing: .unconditional, help: "Seconds each measured phase lasts.")
    var duration = 10

    @Option(parsing: .unconditional, help: "Bytes per message body.")
    var messageSize = 1024

    @Option(parsing: .unconditional, help: "Messages per SendMessageBatch in the batch scenario (1-10).")
    var batchSize = 10

    @Option(parsing: .unconditional, help: "Messages put into each queue before it is measured (default 0; 100,000 for fifo-receive).")
    var prefill: Int?

    @Flag(help: "Run send, batch and pipeline against a FIFO queue.")
    var fifo = false

    @Option(parsing: .unconditional, help: "MessageGroupIds of a FIFO queue, used round-robin (default 1; 10,000 for fifo-receive).")
    var groups: Int?

    @Option(
        name: .customLong("queue-attribute"),
        help: "NAME=VALUE: an attribute of the queues the benchmark creates, such as SqsManagedSseEnabled=false or KmsMasterKeyId=alias/aws/sqs (repeatable).")
    var queueAttributes: [String] = []

    @Option(parsing: .unconditional, help: "Rounds of sse-compare, each measuring send, batch and pipeline without and with encryption (default 5).")
    var rounds: Int?

    @Option(parsing: .unconditional, help: "Stop each measured phase after this many requests.")
    var requests: Int?

    @Option(help: "The SigV4 region.")
    var region = "us-east-1"

    @Option(help: "The account id the queues belong to.")
    var accountId = "000000000000"

    @Option(help: "Access key id to sign with.")
    var accessKeyId: String?

    @Option(help: "Secret access key to sign with (other local users can read it in the process list; AWS_SECRET_ACCESS_KEY cannot be).")
    var secretAccessKey: String?

    @Option(help: "Data directory holding admin-credentials, used when no other credentials are given.")
    var dataDir = "./data"

    func validate() throws {
        guard let scenario = BenchmarkScenario(rawValue: scenario) else {
            throw ValidationError("unknown scenario '\(self.scenario)'")
        }
        if scenario == .fifoAll && (fifo || groups != nil) {
            throw ValidationError("fifo-all chooses its own queues; drop --fifo and --groups")
        }
        if scenario == .health && fifo {
            throw ValidationError("health uses no queue; drop --fifo")
        }
        if scenario == .kms && (fifo || groups != nil || prefill != nil) {
            throw ValidationError("kms uses no queue; drop --fifo, --groups and --prefill")
        }
        if let bad = queueAttributes.first(where: { !$0.contains("=") }) {
            throw ValidationError("--queue-attribute takes NAME=VALUE, not '\(bad)'")
        }
        if rounds != nil && scenario != .sseCompare {
            throw ValidationError("--rounds applies only to --scenario sse-compare")
        }
        if groups != nil && !fifo && scenario != .fifoReceive {
            throw ValidationError("--groups needs --fifo (or --scenario fifo-receive)")
        }
    }

    func run() async throws {
        guard let scenario = BenchmarkScenario(rawValue: scenario) else {
            throw ValidationError("unknown scenario '\(self.scenario)'")
        }
        if scenario == .authz {
            for measurement in try AuthorizationBenchmark(calls: requests ?? 200_000).run() { print(measurement) }
            return
        }
        // The secret it signs with is kept out of core files and /proc/PID/environ, as the daemon's are.
        try ProcessSecrets.protectMemory()
        var environment = ProcessInfo.processInfo.environment
        for name in ["AWS_SECRET_ACCESS_KEY", "SEALQ_ADMIN_SECRET_ACCESS_KEY"] { environment[name] = ProcessSecrets.take(name) }
        let credentials = try BenchmarkCredentials.resolve(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, environment: environment, dataDirectory: dataDir)
        let configuration = BenchmarkConfiguration(
            endpoint: try BenchmarkEndpoint(url: endpoint),
            accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
            region: region, accountId: accountId, connections: connections, duration: .seconds(duration),
            requestLimit: requests, messageSize: messageSize, batchSize: batchSize,
            prefill: prefill ?? scenario.defaultPrefill, scenario: scenario, fifo: fifo,
            groups: groups ?? scenario.defaultGroups,
            queueAttributes: Dictionary(
                queueAttributes.map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                }, uniquingKeysWith: { _, last in last }),
            rounds: rounds ?? 5)
        let benchmark = try Benchmark(configuration: configuration)
        if scenario == .kms {
            print("In process, no daemon:")
            for measurement in try await KeyServiceBenchmark().run() { print("  \(measurement)") }
            print("\n" + AEADThroughput.measure().description + "\n")
            print("Over HTTP, against \(configuration.endpoint):")
        }
        let reports = try await benchmark.run()
        print(reports.map(\.description).joined(separator: "\n\n"))
        if scenario == .fifoAll {
            print("\n" + BenchmarkReport.fifoComparisonTable(reports))
        } else if scenario == .sseCompare {
            print("\n" + BenchmarkReport.encryptionComparisonTable(reports))
        } else if reports.count > 1 {
            print("\n" + BenchmarkReport.comparisonTable(reports))
        }
    }
}
