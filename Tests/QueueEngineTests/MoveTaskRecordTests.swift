import QueueEngine
import Testing

@testable import Storage

@Suite("Move task records: a task that has ended keeps the record it ended with")
struct MoveTaskRecordTests {
    private func task(_ status: MessageMoveTask.Status, moved: Int) -> MessageMoveTask {
        MessageMoveTask(
            taskId: "t-1", sourceArn: "arn:aws:sqs:us-east-1:000000000000:dlq", destinationArn: nil, maxNumberOfMessagesPerSecond: nil,
            status: status, moved: moved, toMove: 3, startedAt: 0, failureReason: nil)
    }

    @Test("A cancel that lands while the last step runs wins over that step's COMPLETED, in the store and after a reload")
    func cancelWinsOverCompletion() async throws {
        let store = try SQLiteMessageStore.inMemory(logger: quietLogger)
        try await store.saveMoveTask(task(.running, moved: 0))
        #expect(try await store.cancelMoveTask(taskId: "t-1") == 0)
        try await store.saveMoveTask(task(.completed, moved: 3))
        let stored = try await store.loadMoveTasks()
        #expect(stored.map(\.status) == [.cancelled] && stored.map(\.moved) == [0])
        // A running task still takes its step's progress and its end.
        try await store.saveMoveTask(MessageMoveTask(
            taskId: "t-2", sourceArn: "arn:aws:sqs:us-east-1:000000000000:dlq", destinationArn: nil,
            maxNumberOfMessagesPerSecond: nil, status: .running, moved: 0, toMove: 3, startedAt: 1, failureReason: nil))
        var finished = try await store.loadMoveTasks().first { $0.taskId == "t-2" }!
        finished.status = .completed
        finished.moved = 3
        try await store.saveMoveTask(finished)
        #expect(try await store.loadMoveTasks().first { $0.taskId == "t-2" }?.status == .completed)
    }
}
