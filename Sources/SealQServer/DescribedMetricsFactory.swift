import Metrics
import Prometheus
import QueueEngine

/// The metrics backend `sealq serve` bootstraps: Prometheus on a registry, where SealQ's own
/// counters and histograms carry a `# HELP` line naming what they count (and the CloudWatch SQS
/// metric they mirror), as the gauges `/metrics` makes itself do. Prometheus's factory gives
/// every metric made through swift-metrics an empty help text; this one makes the metrics it
/// knows itself (in the registry, or in `series` when they have labels: one per queue is too
/// many for the registry), and leaves the rest to that factory.
public struct DescribedMetricsFactory: MetricsFactory {
    /// The help text of each counter and histogram SealQ makes through swift-metrics.
    static let descriptions: [String: String] = [
        "sealq_messages_sent_total": "Messages added to the queue by SendMessage and SendMessageBatch (NumberOfMessagesSent; dead-letter and move-task arrivals not counted).",
        "sealq_messages_received_total": "Messages returned by ReceiveMessage, redeliveries included (NumberOfMessagesReceived).",
        "sealq_messages_deleted_total": "Successful deletes, repeated ones included (NumberOfMessagesDeleted).",
        "sealq_empty_receives_total": "ReceiveMessage calls that returned no message, long polls included (NumberOfEmptyReceives).",
        "sealq_messages_dead_lettered_total": "Messages moved from this queue to its dead-letter queue.",
        "sealq_messages_deduplicated_total": "FIFO sends taken as duplicates within the deduplication window (NumberOfDeduplicatedSentMessages).",
        "sealq_sends_refused_low_disk_total": "Messages refused because the disk was below the --min-free-disk-mb floor.",
        QueueEngine.sentMessageSizeMetric: "Size of each message sent: body plus attribute names, types and values (SentMessageSize).",
        "sealq_queue_key_uses_total": "Successful KMS key uses the queue service made for SSE-KMS queues, by operation.",
    ]

    /// The registry of unlabelled metrics.
    public let registry: PrometheusCollectorRegistry
    /// SealQ's labelled counters and histograms.
    public let series = LabelledSeries()
    private let prometheus: PrometheusMetricsFactory

    /// A factory on `registry`, with the histogram buckets SealQ's own histograms need.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var prometheus = PrometheusMetricsFactory(registry: registry)
        prometheus.valueHistogramBuckets[QueueEngine.sentMessageSizeMetric] = QueueEngine.sentMessageSizeBuckets
        self.prometheus = prometheus
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let help = Self.descriptions[label] else { return prometheus.makeCounter(label: label, dimensions: dimensions) }
        if dimensions.isEmpty { return registry.makeCounter(name: label, labels: dimensions, help: help) }
        return series.counter(name: label, labels: dimensions, help: help)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate, let help = Self.descriptions[label], let buckets = prometheus.valueHistogramBuckets[label] else {
            return prometheus.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        if dimensions.isEmpty { return registry.makeValueHistogram(name: label, labels: dimensions, buckets: buckets, help: help) }
        return series.histogram(name: label, labels: dimensions, buckets: buckets, help: help)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        prometheus.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        prometheus.makeMeter(label: label, dimensions: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        prometheus.makeTimer(label: label, dimensions: dimensions)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? SeriesCounter { series.remove(counter) } else { prometheus.destroyCounter(handler) }
    }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { prometheus.destroyFloatingPointCounter(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { prometheus.destroyMeter(handler) }
    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let histogram = handler as? SeriesHistogram { series.remove(histogram) } else { prometheus.destroyRecorder(handler) }
    }
    public func destroyTimer(_ handler: any TimerHandler) { prometheus.destroyTimer(handler) }
}
