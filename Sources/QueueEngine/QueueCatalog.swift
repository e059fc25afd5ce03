import Synchronization

/// The live queues, in memory, indexed by name and kept in step with the store.
final class QueueCatalog: Sendable {
    private let queues = Mutex<[String: QueueRecord]>([:])

    /// The queue named `name`, if live.
    func queue(named name: String) -> QueueRecord? {
        queues.withLock { $0[name] }
    }

    /// All live queues.
    func all() -> [QueueRecord] {
        queues.withLock { Array($0.values) }
    }

    /// Records a created or updated queue unless a newer version is already known.
    func upsert(_ record: QueueRecord) {
        queues.withLock { queues in
            if let current = queues[record.name], current.id == record.id, current.version >= record.version { return }
            queues[record.name] = record
        }
    }

    /// Forgets a deleted queue.
    func remove(named name: String, id: Int64) {
        queues.withLock { queues in
            if queues[name]?.id == id { queues[name] = nil }
        }
    }
}
