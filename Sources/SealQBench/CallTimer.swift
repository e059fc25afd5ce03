import Foundation

/// One operation timed call by call in this process: its quantiles and its rate on one core.
public struct CallMeasurement: Sendable, CustomStringConvertible {
    /// What was measured.
    public var name: String
    /// Calls timed.
    public var calls: Int
    /// Median, 99th and 99.9th percentile, in microseconds.
    public var p50: Double, p99: Double, p999: Double
    /// Calls per second on one core.
    public var perSecond: Double

    /// One line: the quantiles in microseconds and the rate.
    public var description: String {
        "\(name): \(TextFormat.grouped(calls)) calls, p50 \(TextFormat.fixed(p50, decimals: 2)) µs, "
            + "p99 \(TextFormat.fixed(p99, decimals: 2)) µs, p99.9 \(TextFormat.fixed(p999, decimals: 2)) µs, "
            + "\(TextFormat.grouped(Int(perSecond))) calls/s on one core"
    }
}

/// Times an operation call by call on the current thread, after a tenth as many warm-up calls, so
/// that in-process benchmarks report quantiles and not just means.
enum CallTimer {
    /// Calls `operation` `calls / 10` times to warm up, then `calls` times, each timed on its own;
    /// rethrows the first error.
    static func time<Result>(
        _ name: String, calls: Int, _ operation: () throws -> Result
    ) rethrows -> CallMeasurement {
        let calls = max(1, calls)
        for _ in 0..<max(1, calls / 10) { _ = try operation() }
        var samples = [UInt64](repeating: 0, count: calls)
        let started = DispatchTime.now().uptimeNanoseconds
        for index in 0..<calls {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try operation()
            samples[index] = DispatchTime.now().uptimeNanoseconds - start
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        samples.sort()
        func quantile(_ fraction: Double) -> Double {
            Double(samples[min(samples.count - 1, Int(fraction * Double(samples.count)))]) / 1000
        }
        return CallMeasurement(
            name: name, calls: calls, p50: quantile(0.5), p99: quantile(0.99), p999: quantile(0.999),
            perSecond: Double(calls) / elapsed)
    }
}
