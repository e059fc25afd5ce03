/// What one scenario measured.
public struct BenchmarkReport: Sendable, CustomStringConvertible {
    /// The scenario measured.
    public let scenario: BenchmarkScenario
    /// The operation measured, for a scenario of several phases (`kms`: `Encrypt`, `Decrypt`, `GenerateDataKey`).
    public let operation: String?
    /// The kind of queue it was measured on.
    public let queue: BenchmarkQueue
    /// Whether that queue encrypted as configured or had SSE off.
    public let encryption: BenchmarkEncryption
    /// Concurrent connections used.
    public let connections: Int
    /// Messages the queue was prefilled with before the measurement.
    public let prefilledMessages: Int
    /// Requests answered within the measured phase (any status).
    public let requests: Int
    /// Messages moved: sent (`send`, `batch`), sent, received and deleted within the phase (`pipeline`),
    /// or received (`fifo-receive`).
    public let messages: Int
    /// Messages the server accepted.
    public let sentMessages: Int
    /// Messages received and deleted, whether sent during the phase or before (`pipeline`).
    public let deletedMessages: Int
    /// `ReceiveMessage` requests answered with a readable 2xx answer.
    public let receives: Int
    /// Of those, the ones that returned no message.
    public let emptyReceives: Int
    /// Messages received.
    public let receivedMessages: Int
    /// Received FIFO prefill messages that were not the next of their group (`fifo-receive`; also errors).
    public let outOfOrderMessages: Int
    /// Non-2xx answers, transport errors, failed batch entries and answers that do not add up.
    public let errors: Int
    /// The first error, to show once.
    public let firstError: String?
    /// How long the measured phase took, up to its last counted answer.
    public let elapsed: Duration
    /// Median request latency in milliseconds.
    public let latencyP50: Double
    /// 90th percentile request latency in milliseconds.
    public let latencyP90: Double
    /// 99th percentile request latency in milliseconds.
    public let latencyP99: Double
    /// Median `ReceiveMessage` latency in milliseconds.
    public let receiveLatencyP50: Double
    /// 90th percentile `ReceiveMessage` latency in milliseconds.
    public let receiveLatencyP90: Double
    /// 99th percentile `ReceiveMessage` latency in milliseconds.
    public let receiveLatencyP99: Double
    /// From the start of the phase to the last `ReceiveMessage` answer that held messages; nil if none did.
    public let lastReceiptAfter: Duration?

    init(
        step: BenchmarkStep, operation: String? = nil, connections: Int, prefilledMessages: Int,
        outcome: LoadPhase.Outcome
    ) {
        let tally = outcome.tally
        scenario = step.scenario
        self.operation = operation
        queue = step.queue
        encryption = step.encryption
        self.connections = connections
        self.prefilledMessages = prefilledMessages
        requests = tally.requests
        messages =
            switch scenario {
            case .pipeline: tally.roundTrips
            case .fifoReceive: tally.received
            default: tally.sent
            }
        sentMessages = tally.sent
        deletedMessages = tally.deleted
        receives = tally.receives
        emptyReceives = tally.emptyReceives
        receivedMessages = tally.received
        outOfOrderMessages = tally.outOfOrder
        errors = tally.errors
        firstError = tally.firstError
        elapsed = outcome.elapsed
        lastReceiptAfter = outcome.lastReceiptAfter
        latencyP50 = tally.latency.quantile(0.50) / 1000
        latencyP90 = tally.latency.quantile(0.90) / 1000
        latencyP99 = tally.latency.quantile(0.99) / 1000
        receiveLatencyP50 = tally.receiveLatency.quantile(0.50) / 1000
        receiveLatencyP90 = tally.receiveLatency.quantile(0.90) / 1000
        receiveLatencyP99 = tally.receiveLatency.quantile(0.99) / 1000
    }

    /// The scenario, followed by the operation if there is one: `send`, `kms Encrypt`.
    public var name: String {
        operation.map { "\(scenario.rawValue) \($0)" } ?? scenario.rawValue
    }

    /// Requests answered per second.
    public var requestsPerSecond: Double { rate(requests) }

    /// Messages moved per second (see ``messages``).
    public var messagesPerSecond: Double { rate(messages) }

    /// A table of every figure.
    public var description: String {
        var title = "\(name): "
        if case .fifo(let groups) = queue {
            title += "FIFO queue, \(TextFormat.grouped(groups)) message group\(groups == 1 ? "" : "s"), "
        }
        if encryption == .off { title += "SSE off, " }
        title += "\(connections) connections, \(TextFormat.fixed(seconds, decimals: 2)) s"
        if prefilledMessages > 0 { title += ", queue prefilled with \(TextFormat.grouped(prefilledMessages)) messages" }
        var lines = [title]
        func row(_ label: String, _ count: Int, perSecond: Bool = true, note: String = "") {
            let countText = TextFormat.left(label, 10) + TextFormat.right(TextFormat.grouped(count), 12)
            let blank = TextFormat.left("", note.isEmpty ? 0 : 17)
            let rateText = perSecond ? TextFormat.right(TextFormat.fixed(rate(count)), 14) + " /s" : blank
            lines.append("  " + countText + rateText + note)
        }
        row("requests", requests)
        switch scenario {
        case .send, .batch: row("messages", messages)
        case .pipeline:
            row("messages", messages, note: "   sent, received and deleted in this run")
            row("sent", sentMessages)
            row("deleted", deletedMessages, note: "   received and deleted, prefilled ones included")
        case .fifoReceive:
            row("receives", receives, note: "   ReceiveMessage answers (up to 10 messages, no wait)")
            row("empty", emptyReceives, note: "   receives that returned no message")
            row("messages", messages, note: "   received")
            row("deleted", deletedMessages)
            row("misordered", outOfOrderMessages, perSecond: false, note: "   not the next of their group (errors too)")
        case .health, .all, .fifoAll, .sseCompare, .authz, .kms: break
        }
        row("errors", errors, perSecond: false)
        lines.append("  latency   p50 \(Self.ms(latencyP50))   p90 \(Self.ms(latencyP90))   p99 \(Self.ms(latencyP99))")
        if scenario == .fifoReceive {
            lines.append(
                "  receive   p50 \(Self.ms(receiveLatencyP50))   p90 \(Self.ms(receiveLatencyP90))"
                    + "   p99 \(Self.ms(receiveLatencyP99))   (ReceiveMessage alone)")
            if let drainedAfter, drainedAfter > .zero {
                let drainSeconds = TextFormat.seconds(drainedAfter)
                lines.append(
                    "  the queue ran dry after \(TextFormat.fixed(drainSeconds, decimals: 2)) s: "
                        + "\(TextFormat.fixed(Double(receivedMessages) / drainSeconds)) messages/s until then")
            }
        }
        if let firstError { lines.append("  first error: \(firstError)") }
        return lines.joined(separator: "\n")
    }

    /// One line per report with its rates, and each request rate as a share of the `health` one (the
    /// ceiling of the HTTP stack) when a `health` report is among them.
    public static func comparisonTable(_ reports: [BenchmarkReport]) -> String {
        let ceiling = reports.first { $0.scenario == .health }?.requestsPerSecond ?? 0
        let widths = [max(10, (reports.map(\.name.count).max() ?? 0) + 2), 14, 14, 10, 10, 10, 11]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).enumerated().map { column, cell in
                column == 0 ? TextFormat.left(cell.0, cell.1) : TextFormat.right(cell.0, cell.1)
            }.joined()
        }
        var lines = [line(["scenario", "req/s", "msg/s", "p50 ms", "p99 ms", "errors", "vs health"])]
        for report in reports {
            let share = ceiling > 0 ? TextFormat.fixed(100 * report.requestsPerSecond / ceiling) + " %" : "-"
            lines.append(line([
                report.name, TextFormat.fixed(report.requestsPerSecond),
                report.scenario.needsQueue ? TextFormat.fixed(report.messagesPerSecond) : "-",
                TextFormat.fixed(report.latencyP50, decimals: 2), TextFormat.fixed(report.latencyP99, decimals: 2),
                TextFormat.grouped(report.errors), share,
            ]))
        }
        return lines.joined(separator: "\n")
    }

    /// When every prefilled message was received: the time of the last receipt; nil otherwise.
    public var drainedAfter: Duration? {
        guard scenario == .fifoReceive, prefilledMessages > 0, receivedMessages >= prefilledMessages else { return nil }
        return lastReceiptAfter
    }

    private var seconds: Double { TextFormat.seconds(elapsed) }

    private static func ms(_ milliseconds: Double) -> String {
        TextFormat.fixed(milliseconds, decimals: 2) + " ms"
    }

    private func rate(_ count: Int) -> Double {
        seconds > 0 ? Double(count) / seconds : 0
    }
}
