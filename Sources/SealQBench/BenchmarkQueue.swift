/// The kind of queue a scenario step runs against.
public enum BenchmarkQueue: Sendable, Equatable, CustomStringConvertible {
    /// A standard queue.
    case standard
    /// A FIFO queue (no content-based deduplication) whose messages are spread round-robin over
    /// this many message groups, `g0` … `g{groups-1}`.
    case fifo(groups: Int)

    /// Whether this is a FIFO queue.
    public var isFIFO: Bool {
        if case .fifo = self { true } else { false }
    }

    /// `standard`, `FIFO, 1 group`, `FIFO, 1,000 groups`.
    public var description: String {
        switch self {
        case .standard: "standard"
        case .fifo(let groups): "FIFO, \(TextFormat.grouped(groups)) group\(groups == 1 ? "" : "s")"
        }
    }
}
