import Metrics
import Synchronization

/// SealQ's labelled counters and histograms (a series per queue, per KMS operation, …), kept
/// and written in Prometheus's text format here rather than in swift-prometheus's registry,
/// which copies a metric's whole table of label sets to add one: with 10,000 queues a start
/// spent 39 s registering their counters, and each new queue cost more than the last.
///
/// Making a series that exists returns it; `remove` drops one (a deleted queue's).
public final class LabelledSeries: Sendable {
    /// One metric: its help, its type and its series by label text (`queue="orders"`).
    private struct Family {
        let help: String
        let type: String
        var series: [String: any Series] = [:]
    }

    private let families = Mutex<[String: Family]>([:])

    /// An empty table.
    public init() {}

    /// The counter `name` with `labels`, made at zero the first time.
    func counter(name: String, labels: [(String, String)], help: String) -> SeriesCounter {
        series(name: name, labels: labels, help: help, type: "counter") { SeriesCounter(name: name, labelText: $0) }
    }

    /// The histogram `name` with `labels` and the upper bounds `buckets`, made empty the first time.
    func histogram(name: String, labels: [(String, String)], buckets: [Double], help: String) -> SeriesHistogram {
        series(name: name, labels: labels, help: help, type: "histogram") {
            SeriesHistogram(name: name, labelText: $0, buckets: buckets)
        }
    }

    /// Drops `series` from the table, so it leaves the exposition.
    func remove(_ series: any Series) {
        families.withLock { families in
            _ = families[series.name]?.series.removeValue(forKey: series.labelText)
            if families[series.name]?.series.isEmpty == true { families[series.name] = nil }
        }
    }

    /// Appends every series, family by family in name order, in Prometheus's text format.
    func write(into output: inout [UInt8]) {
        let snapshot = families.withLock { $0 }
        for (name, family) in snapshot.sorted(by: { $0.key < $1.key }) {
            output += Array("# HELP \(name) \(family.help)\n# TYPE \(name) \(family.type)\n".utf8)
            for (_, series) in family.series.sorted(by: { $0.key < $1.key }) { series.write(into: &output) }
        }
    }

    private func series<Made: Series>(
        name: String, labels: [(String, String)], help: String, type: String, make: (String) -> Made
    ) -> Made {
        let labelText = labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",")
        return families.withLock { families in
            if let existing = families[name]?.series[labelText] as? Made { return existing }
            let made = make(labelText)
            families[name, default: Family(help: help, type: type)].series[labelText] = made
            return made
        }
    }

    /// A label value as the text format writes it: backslash, double quote and newline escaped.
    static func escaped(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        return value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }
}

/// A series of `LabelledSeries`: its metric, its labels, and how it writes its samples.
protocol Series: AnyObject, Sendable {
    var name: String { get }
    var labelText: String { get }
    func write(into output: inout [UInt8])
}

/// A counter of `LabelledSeries`.
final class SeriesCounter: Series, CounterHandler {
    let name: String
    let labelText: String
    private let value = Atomic<Int64>(0)

    init(name: String, labelText: String) {
        self.name = name
        self.labelText = labelText
    }

    func increment(by amount: Int64) { value.add(amount, ordering: .relaxed) }
    func reset() { value.store(0, ordering: .relaxed) }

    func write(into output: inout [UInt8]) {
        output += Array("\(name){\(labelText)} \(value.load(ordering: .relaxed))\n".utf8)
    }
}

/// A histogram of `LabelledSeries`: counts by upper bound (cumulative when written), the sum and the count.
final class SeriesHistogram: Series, RecorderHandler {
    let name: String
    let labelText: String
    private let buckets: [Double]
    private let state: Mutex<(counts: [Int64], sum: Double, count: Int64)>

    init(name: String, labelText: String, buckets: [Double]) {
        self.name = name
        self.labelText = labelText
        self.buckets = buckets.sorted()
        state = Mutex((Array(repeating: 0, count: buckets.count), 0, 0))
    }

    func record(_ value: Int64) { record(Double(value)) }

    func record(_ value: Double) {
        let index = buckets.firstIndex { value <= $0 }
        state.withLock { state in
            if let index { state.counts[index] += 1 }
            state.sum += value
            state.count += 1
        }
    }

    func write(into output: inout [UInt8]) {
        let (counts, sum, count) = state.withLock { $0 }
        var cumulative: Int64 = 0
        var text = ""
        for (bound, bucketCount) in zip(buckets, counts) {
            cumulative += bucketCount
            text += "\(name)_bucket{\(labelText),le=\"\(bound)\"} \(cumulative)\n"
        }
        text += "\(name)_bucket{\(labelText),le=\"+Inf\"} \(count)\n\(name)_sum{\(labelText)} \(sum)\n\(name)_count{\(labelText)} \(count)\n"
        output += Array(text.utf8)
    }
}
