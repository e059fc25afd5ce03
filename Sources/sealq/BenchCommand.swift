import ArgumentParser
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
            """)

    @Option(help: "The daemon's URL.")
    var endpoint = "http://127.0.0.1:9324"

    @Option(help: "One of: \(BenchmarkScenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario = BenchmarkScenario.all.rawValue

    @Option(help: "Concurrent keep-alive connections.")
    var connections = 64

    @Option(help: "Seconds each measured phase lasts.")
    var duration = 10

    @Option(help: "Bytes per message body.")
    var messageSize = 1024

    @Option(help: "Messages per SendMessageBatch in the batch scenario (1-10).")
    var batchSize = 10

    @Option(help: "Messages put into each queue before it is measured.")
    var prefill = 0

    @Option(help: "Stop each measured phase after this many requests.")
    var requests: Int?

    @Option(help: "The SigV4 region.")
    var region = "us-east-1"

    @Option(help: "The account id the queues belong to.")
    var accountId = "000000000000"

    @Option(help: "Access key id to sign with.")
    var accessKeyId: String?

    @Option(help: "Secret access key to sign with.")
    var secretAccessKey: String?

    @Option(help: "Data directory holding admin-credentials, used when no other credentials are given.")
    var dataDir = "./data"

    func run() async throws {
        guard let scenario = BenchmarkScenario(rawValue: scenario) else {
            throw ValidationError("unknown scenario '\(self.scenario)'")
        }
        let credentials = try BenchmarkCredentials.resolve(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, dataDirectory: dataDir)
        let configuration = BenchmarkConfiguration(
            endpoint: try BenchmarkEndpoint(url: endpoint),
            accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
            region: region, accountId: accountId, connections: connections, duration: .seconds(duration),
            requestLimit: requests, messageSize: messageSize, batchSize: batchSize, prefill: prefill,
            scenario: scenario)
        let reports = try await Benchmark(configuration: configuration).run()
        print(reports.map(\.description).joined(separator: "\n\n"))
        if reports.count > 1 {
            print("\n" + BenchmarkReport.comparisonTable(reports))
        }
    }
}
