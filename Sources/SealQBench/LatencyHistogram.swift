/// Counts latencies in logarithmic buckets (64 per power of two, so quantiles are within 1.6 %),
/// in bounded memory whatever the number of requests.
struct LatencyHistogram: Sendable {
    private static let linearLimit: UInt64 = 128
    private static let subBuckets: UInt64 = 64
    private var counts: [Int] = []
    private(set) var total = 0

    /// Adds one latency, in microseconds.
    mutating func record(microseconds: UInt64) {
        let index = Self.bucket(of: microseconds)
        if index >= counts.count { counts += repeatElement(0, count: index - counts.count + 1) }
        counts[index] += 1
        total += 1
    }

    /// Adds every latency of `other`.
    mutating func merge(_ other: LatencyHistogram) {
        if other.counts.count > counts.count { counts += repeatElement(0, count: other.counts.count - counts.count) }
        for (index, count) in other.counts.enumerated() { counts[index] += count }
        total += other.total
    }

    /// The latency (microseconds) at or below which `fraction` (0...1) of the recorded ones lie; 0 when empty.
    func quantile(_ fraction: Double) -> Double {
        guard total > 0 else { return 0 }
        let rank = max(1, Int((fraction * Double(total)).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() {
            seen += count
            if seen >= rank { return Self.midpoint(of: index) }
        }
        return Self.midpoint(of: counts.count - 1)
    }

    /// Values below 128 get a bucket each; above, each power of two is split into 64 buckets.
    private static func bucket(of value: UInt64) -> Int {
        if value < linearLimit { return Int(value) }
        let shift = UInt64(64 - value.leadingZeroBitCount) - 7
        return Int(linearLimit + (shift - 1) * subBuckets + (value >> shift) - subBuckets)
    }

    private static func midpoint(of index: Int) -> Double {
        let index = UInt64(index)
        if index < linearLimit { return Double(index) }
        let shift = (index - linearLimit) / subBuckets + 1
        let lower = ((index - linearLimit) % subBuckets + subBuckets) << shift
        return Double(lower) + Double((UInt64(1) << shift) - 1) / 2
    }
}
