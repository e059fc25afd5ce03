import Synchronization

/// The live queues, in memory, indexed by name and kept in step with the store; also in name
/// order (a ListQueues page costs its own length, not the account's queue count) and by the
/// dead-letter queue their RedrivePolicy names (for ListDeadLetterSourceQueues).
final class QueueCatalog: Sendable {
    private struct State {
        var live: [String: QueueRecord] = [:]
        var deletedIds: Set<Int64> = []
        /// The names of `live`, in ascending order.
        var sortedNames: [String] = []
        /// Names of live queues by the dead-letter queue ARN their RedrivePolicy names.
        var sourcesByDeadLetterArn: [String: Set<String>] = [:]
    }

    private let state = Mutex(State())

    /// The queue named `name`, if live.
    func queue(named name: String) -> QueueRecord? {
        state.withLock { $0.live[name] }
    }

    /// All live queues.
    func all() -> [QueueRecord] {
        state.withLock { Array($0.live.values) }
    }

    /// Up to `limit` live queue names in ascending order, starting with `prefix` (when given)
    /// and after `after` (when given), and whether more such names follow.
    func names(prefix: String?, after: String?, limit: Int) -> (names: [String], more: Bool) {
        state.withLock { state in
            let names = state.sortedNames
            var index = Self.boundary(in: names) { $0 >= (prefix ?? "") }
            if let after { index = max(index, Self.boundary(in: names) { $0 > after }) }
            var page: [String] = []
            while index < names.count, page.count <= limit {
                if let prefix, !names[index].hasPrefix(prefix) { break }
                page.append(names[index])
                index += 1
            }
            return (Array(page.prefix(limit)), page.count > limit)
        }
    }

    /// The names of the live queues whose RedrivePolicy names `deadLetterArn`, in ascending order.
    func sourceNames(deadLetterArn: String) -> [String] {
        state.withLock { $0.sourcesByDeadLetterArn[deadLetterArn].map { $0.sorted() } ?? [] }
    }

    /// Records a created or updated queue unless a newer version is already known, or the
    /// queue has been deleted (a change that finished after the deletion brings nothing back;
    /// queue ids are never reused).
    func upsert(_ record: QueueRecord) {
        state.withLock { state in
            guard !state.deletedIds.contains(record.id) else { return }
            let current = state.live[record.name]
            if let current, current.id == record.id, current.version >= record.version { return }
            if let current {
                Self.forgetSource(current, in: &state)
            } else {
                state.sortedNames.insert(record.name, at: Self.boundary(in: state.sortedNames) { $0 > record.name })
            }
            state.live[record.name] = record
            if let target = Self.deadLetterArn(of: record) { state.sourcesByDeadLetterArn[target, default: []].insert(record.name) }
        }
    }

    /// Forgets a deleted queue, for good.
    func remove(named name: String, id: Int64) {
        state.withLock { state in
            state.deletedIds.insert(id)
            guard let current = state.live[name], current.id == id else { return }
            Self.forgetSource(current, in: &state)
            state.live[name] = nil
            let index = Self.boundary(in: state.sortedNames) { $0 >= name }
            if index < state.sortedNames.count, state.sortedNames[index] == name { state.sortedNames.remove(at: index) }
        }
    }

    /// The dead-letter queue ARN `record`'s RedrivePolicy names, if it has a valid one.
    private static func deadLetterArn(of record: QueueRecord) -> String? {
        record.settings.redrivePolicy.flatMap { try? RedrivePolicy(json: $0) }?.deadLetterTargetArn
    }

    private static func forgetSource(_ record: QueueRecord, in state: inout State) {
        guard let target = deadLetterArn(of: record) else { return }
        state.sourcesByDeadLetterArn[target]?.remove(record.name)
        if state.sourcesByDeadLetterArn[target]?.isEmpty == true { state.sourcesByDeadLetterArn[target] = nil }
    }

    /// The first index of the ascending `names` whose name satisfies `isAtOrPast`, which holds
    /// for every name from some point on (binary search).
    private static func boundary(in names: [String], _ isAtOrPast: (String) -> Bool) -> Int {
        var low = 0
        var high = names.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrPast(names[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
