import Prometheus
import QueueEngine
import Storage
import Synchronization

/// `GET /metrics`: the Prometheus registry and SealQ's labelled series, with per-queue gauges
/// read at each scrape (like CloudWatch's SQS metrics: visible, in flight, delayed, age of the
/// oldest message, and for FIFO queues the groups with messages in flight). The gauges are
/// written straight from the readings: nothing is registered per queue.
final class MetricsEndpoint: Sendable {
    /// A per-queue gauge: its name, help, and its value in a queue's reading (nil: not shown for that queue).
    private struct QueueGauge: Sendable {
        var name: String
        var help: String
        var value: @Sendable (_ reading: SpaceReading, _ fifo: Bool, _ now: Int64) -> Double?
    }

    private static let queueGauges = [
        QueueGauge(name: "sealq_messages_visible", help: "Messages available for retrieval (ApproximateNumberOfMessages).") { reading, _, _ in
            Double(reading.counts.visible)
        },
        QueueGauge(
            name: "sealq_messages_in_flight", help: "Messages received but not yet deleted (ApproximateNumberOfMessagesNotVisible)."
        ) { reading, _, _ in Double(reading.counts.inFlight) },
        QueueGauge(
            name: "sealq_messages_delayed", help: "Messages not yet available because of a delay (ApproximateNumberOfMessagesDelayed)."
        ) { reading, _, _ in Double(reading.counts.delayed) },
        QueueGauge(
            name: "sealq_oldest_message_age_seconds", help: "Age of the oldest message in the queue (ApproximateAgeOfOldestMessage)."
        ) { reading, _, now in reading.oldestArrival.map { Double(max(now - $0, 0)) / 1000 } ?? 0 },
        // FIFO queues only, as in CloudWatch.
        QueueGauge(
            name: "sealq_groups_with_inflight_messages",
            help: "FIFO message groups with one or more messages in flight (ApproximateNumberOfGroupsWithInflightMessages)."
        ) { reading, fifo, _ in fifo ? Double(reading.groupsInFlight) : nil },
    ]

    private let registry: PrometheusCollectorRegistry
    private let series: LabelledSeries
    private let engine: QueueEngine
    private let store: SQLiteMessageStore
    /// The last readings, kept when a read fails: a scrape then shows them as they were.
    private let lastReadings = Mutex<[(name: String, fifo: Bool, reading: SpaceReading)]>([])
    private let storageRoom: Gauge

    init(metrics: DescribedMetricsFactory, engine: QueueEngine, store: SQLiteMessageStore) {
        self.registry = metrics.registry
        self.series = metrics.series
        self.engine = engine
        self.store = store
        storageRoom = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "sealq_storage_room_bytes", unitName: "",
                helpText: "Room left for new data on the disk holding the data directory: its free space, plus the database's free pages near the --min-free-disk-mb floor."),
            labels: [])
    }

    /// The exposition text.
    func render() async -> [UInt8] {
        let queues = engine.liveQueues()
        let live = Set(queues.map(\.name))
        let readings: [(name: String, fifo: Bool, reading: SpaceReading)]
        if let read = try? await engine.readings(of: queues) {
            readings = zip(queues, read).map { (name: $0.name, fifo: $0.settings.fifoQueue, reading: $1) }
            lastReadings.withLock { $0 = readings }
        } else {
            // A failed read leaves the gauges as they were until the next scrape.
            readings = lastReadings.withLock { $0 }.filter { live.contains($0.name) }
        }
        if let room = store.roomBytes { storageRoom.set(Double(room)) }
        var output = registry.emitToBuffer()
        series.write(into: &output)
        let now = SystemTimeSource().nowMilliseconds()
        for gauge in Self.queueGauges {
            let samples = readings.compactMap { queue in gauge.value(queue.reading, queue.fifo, now).map { (queue.name, $0) } }
            guard !samples.isEmpty else { continue }
            var text = "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            for (name, value) in samples { text += "\(gauge.name){queue=\"\(LabelledSeries.escaped(name))\"} \(value)\n" }
            output += Array(text.utf8)
        }
        return output
    }
}
