import Synchronization

/// The message move tasks in memory: their records, and each running task's unspent rate
/// allowance between steps.
final class MoveTaskBoard: Sendable {
    private struct State {
        var tasks: [String: MessageMoveTask] = [:]
        var credit: [String: Double] = [:]
    }

    private let state = Mutex(State())
    private static let unlimitedPerStep = 1_000

    /// Replaces the board with tasks loaded from the store.
    func load(_ tasks: [MessageMoveTask]) {
        state.withLock { state in
            state.tasks = Dictionary(tasks.map { ($0.taskId, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Adds a new running task; throws when its source already has one.
    func begin(_ task: MessageMoveTask) throws(SQSError) {
        try state.withLock { state throws(SQSError) in
            if state.tasks.values.contains(where: { $0.sourceArn == task.sourceArn && $0.status == .running }) {
                throw SQSError(
                    .invalidParameterValue,
                    "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
            }
            state.tasks[task.taskId] = task
            let ended = state.tasks.values.filter { $0.sourceArn == task.sourceArn }.sorted(by: Self.newestFirst)
                .dropFirst(MessageMoveTask.keptPerSource).filter { $0.status != .running }
            for old in ended { state.tasks[old.taskId] = nil }
        }
    }

    /// Removes the tasks of `sourceArn` that have ended.
    func forgetEnded(sourceArn: String) {
        state.withLock { state in state.tasks = state.tasks.filter { $0.value.sourceArn != sourceArn || $0.value.status == .running } }
    }

    /// Removes a task that could not be saved.
    func forget(_ taskId: String) {
        state.withLock { _ = $0.tasks.removeValue(forKey: taskId) }
    }

    /// The task with this id.
    func task(_ taskId: String) -> MessageMoveTask? {
        state.withLock { $0.tasks[taskId] }
    }

    /// Running tasks.
    func running() -> [MessageMoveTask] {
        state.withLock { $0.tasks.values.filter { $0.status == .running } }
    }

    /// The newest `limit` tasks of a source.
    func recent(sourceArn: String, limit: Int) -> [MessageMoveTask] {
        state.withLock { state in
            Array(
                state.tasks.values.filter { $0.sourceArn == sourceArn }.sorted(by: Self.newestFirst).prefix(limit))
        }
    }

    /// The order tasks are listed in (and kept by), newest first; the store's is the same.
    private static func newestFirst(_ first: MessageMoveTask, _ second: MessageMoveTask) -> Bool {
        (first.startedAt, first.taskId) > (second.startedAt, second.taskId)
    }

    /// How many messages a task may move now: its rate times the elapsed time plus what it
    /// did not spend before, or a fixed step for tasks without a rate.
    func allowance(taskId: String, rate: Int?, elapsedMilliseconds: Int64) -> Int {
        guard let rate else { return Self.unlimitedPerStep }
        return state.withLock { state in
            let credit = min((state.credit[taskId] ?? 0) + Double(rate) * Double(elapsedMilliseconds) / 1000, Double(rate))
            state.credit[taskId] = credit
            return Int(credit)
        }
    }

    /// Stores a task's new state and takes what it moved from its allowance.
    func record(_ task: MessageMoveTask, spent: Int) {
        state.withLock { state in
            // A task that has ended keeps the record it ended with: a cancel that landed while a
            // step ran (with the count the store settled) wins over the step's view and its end.
            if let current = state.tasks[task.taskId], current.status != .running { return }
            state.tasks[task.taskId] = task
            state.credit[task.taskId] = max((state.credit[task.taskId] ?? 0) - Double(spent), 0)
            if task.status != .running { state.credit[task.taskId] = nil }
        }
    }
}
