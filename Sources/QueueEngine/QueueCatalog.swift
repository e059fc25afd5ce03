import Synchronization

/// The live queues, in memory, indexed by name and kept in step with the store.
final class QueueCatalog: Sendable {
    private let queues = Mutex<(live: [String: QueueRecord], deletedIds: Set<Int64>)>(([:], []))

    /// The queue named `name`, if live.
    func queue(named name: String) -> QueueRecord? {
        queues.withLock { $0.live[name] }
    }

    /// All live queues.
    func all() -> [QueueRecord] {
        queues.withLock { Array($0.live.values) }
    }

    /// Records a created or updated queue unless a newer version is already known, or the
    /// queue has been deleted (a change that finished after the deletion brings nothing back;
    /// queue ids are never reused).
    func upsert(_ record: QueueRecord) {
        queues.withLock { queues in
            guard !queues.deletedIds.contains(record.id) else { return }
            if let current = queues.live[record.name], current.id == record.id, current.version >= record.version { return }
            queues.live[record.name] = record
        }
    }

    /// Forgets a deleted queue, for good.
    func remove(named name: String, id: Int64) {
        queues.withLock { queues in
            queues.deletedIds.insert(id)
            if queues.live[name]?.id == id { queues.live[name] = nil }
        }
    }
}
