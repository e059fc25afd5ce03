extension BenchmarkReport {
    /// The `fifo-all` table: one line per report, `send` ones first, with its message rate and that rate
    /// as a ratio to the same scenario's rate on a standard queue.
    public static func fifoComparisonTable(_ reports: [BenchmarkReport]) -> String {
        let widths = [10, 22, 14, 14, 10, 10, 10, 13]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).enumerated().map { column, cell in
                column < 2 ? TextFormat.left(cell.0, cell.1) : TextFormat.right(cell.0, cell.1)
            }.joined()
        }
        let scenarios = reports.reduce(into: [BenchmarkScenario]()) { order, report in
            if !order.contains(report.scenario) { order.append(report.scenario) }
        }
        var lines = [line(["scenario", "queue", "msg/s", "req/s", "p50 ms", "p99 ms", "errors", "vs standard"])]
        for scenario in scenarios {
            let rows = reports.filter { $0.scenario == scenario }
            let standard = rows.first { $0.queue == .standard }?.messagesPerSecond ?? 0
            for report in rows {
                let ratio =
                    standard > 0 ? TextFormat.fixed(report.messagesPerSecond / standard, decimals: 2) + " x" : "-"
                lines.append(line([
                    report.scenario.rawValue, report.queue.description, TextFormat.fixed(report.messagesPerSecond),
                    TextFormat.fixed(report.requestsPerSecond), TextFormat.fixed(report.latencyP50, decimals: 2),
                    TextFormat.fixed(report.latencyP99, decimals: 2), TextFormat.grouped(report.errors), ratio,
                ]))
            }
        }
        return lines.joined(separator: "\n")
    }
}
