import NIOCore
import Synchronization
import WireJSON

/// One KMS operation over and over, its bodies taken round-robin from a prepared list; an Encrypt
/// workload can also hand the ciphertext blobs of its first answers to a ``CiphertextCollector``
/// so that the Decrypt phase has real blobs to open.
///
/// Answers are checked only for their status (the connection handler counts anything else as an
/// error) and, while collecting, for a `CiphertextBlob`.
final class KMSWorkload: ConnectionWorkload {
    private let factory: KMSRequestFactory
    private let action: KMSRequestFactory.Action
    private let payloads: [JSONPayload]
    private var next: Int
    private var collector: CiphertextCollector?

    /// - Parameters:
    ///   - payloads: the request bodies, used in turn; must not be empty.
    ///   - first: the index of the first body, so that connections start at different ones.
    ///   - collector: where an Encrypt workload puts the blobs it receives, until it is full.
    init(
        configuration: BenchmarkConfiguration, action: KMSRequestFactory.Action, payloads: [JSONPayload], first: Int,
        collector: CiphertextCollector? = nil
    ) {
        factory = KMSRequestFactory(configuration: configuration)
        self.action = action
        self.payloads = payloads
        next = first % payloads.count
        self.collector = collector
    }

    func nextRequest() -> BenchRequest? {
        let payload = payloads[next]
        next = next + 1 == payloads.count ? 0 : next + 1
        return factory.request(action, payload: payload)
    }

    func accept(_ body: ByteBuffer, into tally: inout Tally) {
        guard let collector else { return }
        guard let blob = (try? JSONValue(parsing: body))?["CiphertextBlob"]?.string else {
            tally.recordError("\(action.rawValue) answer without a CiphertextBlob: \(String(buffer: body))")
            return
        }
        if !collector.add(blob) { self.collector = nil }
    }

    func requestFailed() {}
}

/// Ciphertext blobs (base64, as KMS answers them) gathered by the connections of an Encrypt phase,
/// up to a limit.
final class CiphertextCollector: Sendable {
    private let limit: Int
    private let collected = Mutex<[String]>([])

    /// A collector keeping at most `limit` blobs.
    init(limit: Int) {
        self.limit = limit
    }

    /// Keeps `blob` if there is room; returns whether there is room for more.
    func add(_ blob: String) -> Bool {
        collected.withLock { blobs in
            if blobs.count < limit { blobs.append(blob) }
            return blobs.count < limit
        }
    }

    /// The blobs gathered so far.
    var blobs: [String] { collected.withLock { $0 } }
}
