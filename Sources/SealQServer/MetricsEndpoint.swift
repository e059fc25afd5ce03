import Prometheus
import QueueEngine
import Storage
import Synchronization

/// `GET /metrics`: the Prometheus registry, with per-queue gauges refreshed at each scrape
/// (like CloudWatch's SQS metrics: visible, in flight, delayed, age of the oldest message, and
/// for FIFO queues the groups with messages in flight).
final class MetricsEndpoint: Sendable {
    private struct QueueGauges {
        var visible: Gauge
        var inFlight: Gauge
        var delayed: Gauge
        var oldestAge: Gauge
        /// FIFO queues only, as in CloudWatch.
        var groupsInFlight: Gauge?
        var all: [Gauge] { [visible, inFlight, delayed, oldestAge] + (groupsInFlight.map { [$0] } ?? []) }
    }

    private let registry: PrometheusCollectorRegistry
    private let engine: QueueEngine
    private let store: SQLiteMessageStore
    private let gauges = Mutex<[String: QueueGauges]>([:])
    private let storageRoom: Gauge

    init(registry: PrometheusCollectorRegistry, engine: QueueEngine, store: SQLiteMessageStore) {
        self.registry = registry
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
        // A failed read leaves the gauges as they were until the next scrape.
        let readings = (try? await engine.readings(of: queues)).map { Array(zip(queues.map(\.name), $0)) } ?? []
        let wallClock = SystemTimeSource().nowMilliseconds()
        if let room = store.roomBytes { storageRoom.set(Double(room)) }
        gauges.withLock { gauges in
            let live = Set(queues.map(\.name))
            for (name, stale) in gauges where !live.contains(name) {
                stale.all.forEach(registry.unregisterGauge)
                gauges[name] = nil
            }
            let fifo = Set(queues.filter(\.settings.fifoQueue).map(\.name))
            for (name, reading) in readings {
                let set = gauges[name] ?? makeGauges(queue: name, fifo: fifo.contains(name))
                gauges[name] = set
                set.visible.set(Double(reading.counts.visible))
                set.inFlight.set(Double(reading.counts.inFlight))
                set.delayed.set(Double(reading.counts.delayed))
                set.oldestAge.set(reading.oldestArrival.map { Double(max(wallClock - $0, 0)) / 1000 } ?? 0)
                set.groupsInFlight?.set(Double(reading.groupsInFlight))
            }
        }
        return registry.emitToBuffer()
    }

    private func makeGauges(queue: String, fifo: Bool) -> QueueGauges {
        let labels = [("queue", queue)]
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
        }
        return QueueGauges(
            visible: gauge("sealq_messages_visible", "Messages available for retrieval (ApproximateNumberOfMessages)."),
            inFlight: gauge("sealq_messages_in_flight", "Messages received but not yet deleted (ApproximateNumberOfMessagesNotVisible)."),
            delayed: gauge("sealq_messages_delayed", "Messages not yet available because of a delay (ApproximateNumberOfMessagesDelayed)."),
            oldestAge: gauge("sealq_oldest_message_age_seconds", "Age of the oldest message in the queue (ApproximateAgeOfOldestMessage)."),
            groupsInFlight: fifo
                ? gauge(
                    "sealq_groups_with_inflight_messages",
                    "FIFO message groups with one or more messages in flight (ApproximateNumberOfGroupsWithInflightMessages).")
                : nil)
    }
}
