import NIOCore
import NIOPosix
import SealCrypto

/// Loads a SealQ daemon with SigV4-signed SQS requests over many keep-alive HTTP/1.1 connections
/// and reports throughput and latency.
///
/// Each step that needs a queue creates its own (`sealq-bench-<scenario>-<random>`, with `.fifo` for a
/// FIFO queue), optionally prefills it, measures, and deletes it again, also when the measurement
/// fails. Progress goes to stderr once per second.
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
            for step in configuration.steps {
                if step.scenario == .kms {
                    reports += try await runKMS(on: group)
                } else {
                    reports.append(try await run(step, on: group))
                }
            }
            try await group.shutdownGracefully()
            return reports
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(_ step: BenchmarkStep, on group: MultiThreadedEventLoopGroup) async throws -> BenchmarkReport {
        guard step.scenario.needsQueue else {
            let endpoint = configuration.endpoint
            return try await measure(step, on: group, prefilled: 0) { _ in HealthWorkload(endpoint: endpoint) }
        }
        let control = SQSControlClient(configuration: configuration, group: group)
        let fifo = step.queue.isFIFO
        let name = "sealq-bench-\(step.scenario.rawValue)-\(Hex.encode(SecureRandom.bytes(4)))" + (fifo ? ".fifo" : "")
        let queueURL = try await control.createQueue(name: name, fifo: fifo, encryption: step.encryption)
        let arn = "arn:aws:sqs:\(configuration.region):\(configuration.accountId):\(name)"
        StandardError.print(
            "[\(Self.label(step))] \(fifo ? "FIFO" : "standard") queue \(arn)\(step.encryption == .off ? ", SSE off" : "")")
        do {
            let prefilled = try await prefill(queueURL: queueURL, queue: step.queue, on: group)
            let order: FIFOOrderCheck? =
                if step.scenario == .fifoReceive, case .fifo(let groups) = step.queue {
                    FIFOOrderCheck(groups: groups)
                } else { nil }
            let report = try await measure(step, on: group, prefilled: prefilled) { [configuration] index in
                Self.workload(for: step, index: index, configuration: configuration, queueURL: queueURL, order: order)
            }
            try await control.deleteQueue(url: queueURL)
            return report
        } catch {
            try? await control.deleteQueue(url: queueURL)
            throw error
        }
    }

    /// One measured phase of `step` over every connection; `operation` names the phase of a step that
    /// has several (`kms`).
    func measure(
        _ step: BenchmarkStep, operation: String? = nil, on group: MultiThreadedEventLoopGroup, prefilled: Int,
        workload: @escaping @Sendable (Int) -> any ConnectionWorkload
    ) async throws -> BenchmarkReport {
        let phase = LoadPhase(
            name: operation.map { "\(step.scenario.rawValue) \($0)" } ?? Self.label(step), endpoint: configuration.endpoint,
            connections: configuration.connections, duration: configuration.duration,
            requestLimit: configuration.requestLimit, messageGoal: nil, makeWorkload: workload)
        let outcome = try await phase.run(on: group)
        return BenchmarkReport(
            step: step, operation: operation, connections: configuration.connections, prefilledMessages: prefilled,
            outcome: outcome)
    }

    /// Sends `configuration.prefill` messages in batches of 10 over all connections; returns how many were accepted.
    ///
    /// A FIFO queue gets its messages round-robin over its groups, each group sent by one connection so
    /// that its order is known (see ``FIFOMessageSource/Share/ownedGroups(connection:connections:goal:)``).
    private func prefill(
        queueURL: String, queue: BenchmarkQueue, on group: MultiThreadedEventLoopGroup
    ) async throws -> Int {
        let goal = configuration.prefill
        guard goal > 0 else { return 0 }
        let connections = configuration.connections
        let phase = LoadPhase(
            name: "prefill", endpoint: configuration.endpoint, connections: connections, duration: nil,
            requestLimit: nil, messageGoal: goal
        ) { [configuration] index in
            switch queue {
            case .standard:
                SendWorkload(
                    configuration: configuration, queueURL: queueURL, packing: .batch(10),
                    tag: MessageBody.prefillTag,
                    messageLimit: goal / connections + (index < goal % connections ? 1 : 0))
            case .fifo(let groups):
                SendWorkload(
                    configuration: configuration, queueURL: queueURL, packing: .batch(10),
                    tag: MessageBody.prefillTag, messageLimit: nil,
                    fifo: FIFOMessageSource(
                        share: .ownedGroups(connection: index, connections: connections, goal: goal), groups: groups,
                        tag: MessageBody.prefillTag, size: configuration.messageSize, idPrefix: "p"))
            }
        }
        let tally = try await phase.run(on: group).tally
        StandardError.print(
            "[prefill] \(TextFormat.grouped(tally.sent)) of \(TextFormat.grouped(goal)) messages sent"
                + (tally.firstError.map { ", \(TextFormat.grouped(tally.errors)) errors, first: \($0)" } ?? ""))
        return tally.sent
    }

    /// The workload of connection `index`: in `pipeline`, the first half sends and the second half receives.
    private static func workload(
        for step: BenchmarkStep, index: Int, configuration: BenchmarkConfiguration, queueURL: String,
        order: FIFOOrderCheck?
    ) -> any ConnectionWorkload {
        let senders = (configuration.connections + 1) / 2
        /// The measured FIFO messages of a connection among `stride` sending ones; nil for a standard queue.
        func fifo(stride: Int) -> FIFOMessageSource? {
            guard case .fifo(let groups) = step.queue else { return nil }
            return FIFOMessageSource(
                share: .interleaved(first: index, stride: stride), groups: groups, tag: MessageBody.measuredTag,
                size: configuration.messageSize, idPrefix: "m")
        }
        switch step.scenario {
        case .pipeline where index >= senders:
            return ReceiveDeleteWorkload(configuration: configuration, queueURL: queueURL)
        case .pipeline:
            return SendWorkload(
                configuration: configuration, queueURL: queueURL, packing: .single, tag: MessageBody.measuredTag,
                messageLimit: nil, fifo: fifo(stride: senders))
        case .fifoReceive:
            return ReceiveDeleteWorkload(
                configuration: configuration, queueURL: queueURL,
                receiving: .fifoInOrder(order ?? FIFOOrderCheck(groups: 0)))
        case .batch:
            return SendWorkload(
                configuration: configuration, queueURL: queueURL, packing: .batch(configuration.batchSize),
                tag: MessageBody.measuredTag, messageLimit: nil, fifo: fifo(stride: configuration.connections))
        default:
            return SendWorkload(
                configuration: configuration, queueURL: queueURL, packing: .single, tag: MessageBody.measuredTag,
                messageLimit: nil, fifo: fifo(stride: configuration.connections))
        }
    }

    /// `send`, or `send FIFO/1,000` for a step on a FIFO queue with 1,000 groups: names progress lines.
    private static func label(_ step: BenchmarkStep) -> String {
        let name = step.scenario.rawValue + (step.encryption == .off ? " SSE off" : "")
        guard case .fifo(let groups) = step.queue, step.scenario.needsQueue else { return name }
        return "\(name) FIFO/\(TextFormat.grouped(groups))"
    }
}
