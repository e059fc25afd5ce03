extension BenchmarkReport {
    /// The `sse-compare` table: per scenario, one line per round with the message rates on the
    /// queue with SSE off and on the encrypted one and their ratio, then the median of those
    /// ratios and the pooled ratio (the mean encrypted rate over the mean unencrypted one).
    public static func encryptionComparisonTable(_ reports: [BenchmarkReport]) -> String {
        let widths = [10, 8, 16, 16, 10, 10]
        func line(_ cells: [String]) -> String {
            zip(cells, widths).enumerated().map { column, cell in
                column == 0 ? TextFormat.left(cell.0, cell.1) : TextFormat.right(cell.0, cell.1)
            }.joined()
        }
        let scenarios = reports.reduce(into: [BenchmarkScenario]()) { order, report in
            if !order.contains(report.scenario) { order.append(report.scenario) }
        }
        var lines = [line(["scenario", "round", "SSE off msg/s", "SSE on msg/s", "on/off", "errors"])]
        for scenario in scenarios {
            let clear = reports.filter { $0.scenario == scenario && $0.encryption == .off }
            let sealed = reports.filter { $0.scenario == scenario && $0.encryption == .asConfigured }
            var ratios: [Double] = []
            for (round, (off, on)) in zip(clear, sealed).enumerated() {
                let ratio = off.messagesPerSecond > 0 ? on.messagesPerSecond / off.messagesPerSecond : 0
                ratios.append(ratio)
                lines.append(line([
                    scenario.rawValue, String(round + 1), TextFormat.fixed(off.messagesPerSecond),
                    TextFormat.fixed(on.messagesPerSecond), TextFormat.fixed(ratio, decimals: 3),
                    TextFormat.grouped(off.errors + on.errors),
                ]))
            }
            let rounds = Double(max(ratios.count, 1))
            let offMean = clear.prefix(ratios.count).reduce(0) { $0 + $1.messagesPerSecond } / rounds
            let onMean = sealed.prefix(ratios.count).reduce(0) { $0 + $1.messagesPerSecond } / rounds
            lines.append(line([scenario.rawValue, "median", "", "", TextFormat.fixed(median(ratios), decimals: 3), ""]))
            lines.append(line([
                scenario.rawValue, "pooled", TextFormat.fixed(offMean), TextFormat.fixed(onMean),
                TextFormat.fixed(offMean > 0 ? onMean / offMean : 0, decimals: 3), "",
            ]))
        }
        return lines.joined(separator: "\n")
    }

    /// The middle value (the mean of the middle two for an even count); 0 for none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
