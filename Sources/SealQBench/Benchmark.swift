import NIOCore
import NIOPosix
import SealCrypto

/// Loads a SealQ daemon with SigV4-signed SQS requests over many keep-alive HTTP/1.1 connections
/// and reports throughput and latency.
///
/// Each scenario that needs a queue creates its own (`sealq-bench-<scenario>-<random>`), optionally
/// prefills it, measures, and deletes it again, also when the measurement fails. Progress goes to
/// stderr once per second.
public struct Benchmark: Sendable {
    /// The validated settings of this benchmark.
    public let configuration: BenchmarkConfiguration

    /// A benchmark; throws ``BenchmarkError/invalidConfiguration(_:)`` for settings out of range.
    public init(configuration: BenchmarkConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Runs each step of the configured scenario in turn and returns one report per step.
    public func run() async throws -> [BenchmarkReport] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        do {
            var reports: [BenchmarkReport] = []
            for scenario in configuration.scenario.steps {
                reports.append(try await run(scenario, on: group))
            }
            try await group.shutdownGracefully()
            return reports
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(
        _ scenario: BenchmarkScenario, on group: MultiThreadedEventLoopGroup
    ) async throws -> BenchmarkReport {
        guard scenario.needsQueue else {
            let endpoint = configuration.endpoint
            return try await measure(scenario, on: group, prefilled: 0) { _ in HealthWorkload(endpoint: endpoint) }
        }
        let control = SQSControlClient(configuration: configuration, group: group)
        let name = "sealq-bench-\(scenario.rawValue)-\(Hex.encode(SecureRandom.bytes(4)))"
        let queueURL = try await control.createQueue(name: name)
        let arn = "arn:aws:sqs:\(configuration.region):\(configuration.accountId):\(name)"
        StandardError.print("[\(scenario.rawValue)] queue \(arn)")
        do {
            let prefilled = try await prefill(queueURL: queueURL, on: group)
            let report = try await measure(scenario, on: group, prefilled: prefilled) { [configuration] index in
                Self.workload(for: scenario, index: index, configuration: configuration, queueURL: queueURL)
            }
            try await control.deleteQueue(url: queueURL)
            return report
        } catch {
            try? await control.deleteQueue(url: queueURL)
            throw error
        }
    }

    private func measure(
        _ scenario: BenchmarkScenario, on group: MultiThreadedEventLoopGroup, prefilled: Int,
        workload: @escaping @Sendable (Int) -> any ConnectionWorkload
    ) async throws -> BenchmarkReport {
        let phase = LoadPhase(
            name: scenario.rawValue, endpoint: configuration.endpoint, connections: configuration.connections,
            duration: configuration.duration, requestLimit: configuration.requestLimit, messageGoal: nil,
            makeWorkload: workload)
        let outcome = try await phase.run(on: group)
        return BenchmarkReport(
            scenario: scenario, connections: configuration.connections, prefilledMessages: prefilled,
            tally: outcome.tally, elapsed: outcome.elapsed)
    }

    /// Sends `configuration.prefill` messages in batches of 10 over all connections; returns how many were accepted.
    private func prefill(queueURL: String, on group: MultiThreadedEventLoopGroup) async throws -> Int {
        let goal = configuration.prefill
        guard goal > 0 else { return 0 }
        let connections = configuration.connections
        let phase = LoadPhase(
            name: "prefill", endpoint: configuration.endpoint, connections: connections, duration: nil,
            requestLimit: nil, messageGoal: goal
        ) { [configuration] index in
            SendWorkload(
                configuration: configuration, queueURL: queueURL, packing: .batch(10), tag: MessageBody.prefillTag,
                messageLimit: goal / connections + (index < goal % connections ? 1 : 0))
        }
        let tally = try await phase.run(on: group).tally
        StandardError.print(
            "[prefill] \(TextFormat.grouped(tally.sent)) of \(TextFormat.grouped(goal)) messages sent"
                + (tally.firstError.map { ", \(TextFormat.grouped(tally.errors)) errors, first: \($0)" } ?? ""))
        return tally.sent
    }

    /// The workload of connection `index`: in `pipeline`, the first half sends and the second half receives.
    private static func workload(
        for scenario: BenchmarkScenario, index: Int, configuration: BenchmarkConfiguration, queueURL: String
    ) -> any ConnectionWorkload {
        switch scenario {
        case .pipeline where index >= (configuration.connections + 1) / 2:
            ReceiveDeleteWorkload(configuration: configuration, queueURL: queueURL)
        case .batch:
            SendWorkload(
                configuration: configuration, queueURL: queueURL, packing: .batch(configuration.batchSize),
                tag: MessageBody.measuredTag, messageLimit: nil)
        default:
            SendWorkload(
                configuration: configuration, queueURL: queueURL, packing: .single, tag: MessageBody.measuredTag,
                messageLimit: nil)
        }
    }
}
