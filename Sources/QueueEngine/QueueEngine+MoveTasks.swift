import Foundation

extension QueueEngine {
    /// StartMessageMoveTask: starts draining a dead-letter queue back to its sources or to a
    /// destination, re-encrypting on `caller`'s behalf; returns the task handle.
    public func startMessageMoveTask(sourceArn: String, destinationArn: String?, maxPerSecond: Int?, caller: Caller) async throws -> String {
        guard let source = deadLetterQueue(arn: sourceArn) else {
            throw SQSError(.resourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        guard !sourceQueueNames(of: source.name).isEmpty else {
            throw SQSError(.invalidParameterValue, "Source queue must be configured as a Dead Letter Queue.")
        }
        if let destinationArn {
            guard let destination = deadLetterQueue(arn: destinationArn) else {
                throw SQSError(.resourceNotFound, "The resource that you specified for the DestinationArn parameter doesn't exist.")
            }
            guard destination.settings.fifoQueue == source.settings.fifoQueue, destination.id != source.id else {
                throw SQSError.invalidParameter(
                    "DestinationArn", value: destinationArn,
                    reason: "The destination must be another queue of the same type as the source.")
            }
        }
        if let maxPerSecond, !(1...500).contains(maxPerSecond) {
            throw SQSError.invalidParameter(
                "MaxNumberOfMessagesPerSecond", value: String(maxPerSecond), reason: "Must be between 1 and 500, if provided.")
        }
        let now = time.nowMilliseconds()
        // The task moves the messages there now, whose sources its start was authorized for;
        // later arrivals (a new source's) wait for another task.
        let (throughSequence, toMove) = try await store.moveTaskScope(space: source.messageSpace)
        let task = MessageMoveTask(
            taskId: RandomIdentifier.uuid(), sourceArn: sourceArn, destinationArn: destinationArn,
            maxNumberOfMessagesPerSecond: maxPerSecond, status: .running, moved: 0, toMove: toMove, startedAt: now,
            failureReason: nil, startedBy: caller.principalArn, throughSequence: throughSequence)
        try moveTasks.begin(task)
        do {
            try await store.saveMoveTask(task)
        } catch {
            moveTasks.forget(task.taskId)
            throw error
        }
        return MoveTaskHandle.encode(taskId: task.taskId, sourceArn: sourceArn)
    }

    /// ListMessageMoveTasks: the most recent tasks of a source queue, newest first (1–10, default 1).
    public func listMessageMoveTasks(sourceArn: String, maxResults: Int?) throws(SQSError) -> [(task: MessageMoveTask, handle: String?)] {
        guard deadLetterQueue(arn: sourceArn) != nil else {
            throw SQSError(.resourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        let limit = maxResults ?? 1
        guard (1...10).contains(limit) else {
            throw SQSError.invalidParameter("MaxResults", value: String(limit), reason: "Must be between 1 and 10, if provided.")
        }
        return moveTasks.recent(sourceArn: sourceArn, limit: limit).map { task in
            (task, task.status == .running ? MoveTaskHandle.encode(taskId: task.taskId, sourceArn: task.sourceArn) : nil)
        }
    }

    /// The source queue ARN of the task `handle` names, as recorded (not as the handle claims),
    /// for authorizing a cancel; nil when there is no such task.
    public func moveTaskSourceArn(handle: String) -> String? {
        MoveTaskHandle.decode(handle).flatMap { moveTasks.task($0.taskId)?.sourceArn }
    }

    /// CancelMessageMoveTask: stops a running task; returns how many messages it had moved.
    public func cancelMessageMoveTask(handle: String) async throws -> Int {
        guard let (taskId, sourceArn) = MoveTaskHandle.decode(handle) else {
            throw SQSError(.invalidParameterValue, "Value for parameter TaskHandle is invalid.")
        }
        guard deadLetterQueue(arn: sourceArn) != nil else {
            throw SQSError(.resourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        guard var task = moveTasks.task(taskId), task.sourceArn == sourceArn else {
            throw SQSError(.resourceNotFound, "Task does not exist.")
        }
        guard task.status == .running, let moved = try await store.cancelMoveTask(taskId: taskId) else {
            throw SQSError(.unsupportedOperation, "Only a task whose status is RUNNING can be cancelled.")
        }
        task.status = .cancelled
        task.moved = moved
        moveTasks.record(task, spent: 0)
        return moved
    }

    /// Moves the next messages of every running task: at its rate for `elapsedMilliseconds`
    /// (fractions carry over), or up to 1,000 per call for tasks without a rate.
    public func advanceMoveTasks(elapsedMilliseconds: Int64) async throws {
        for var task in moveTasks.running() {
            guard let source = deadLetterQueue(arn: task.sourceArn) else {
                task.status = .failed
                task.failureReason = "AWS.SimpleQueueService.NonExistentQueue"
                try await finish(task)
                continue
            }
            // A deleted destination fails the task: its messages must not go back to their sources instead.
            if let destination = task.destinationArn, deadLetterQueue(arn: destination) == nil {
                task.status = .failed
                task.failureReason = "AWS.SimpleQueueService.NonExistentQueue"
                try await finish(task)
                continue
            }
            let allowance = moveTasks.allowance(taskId: task.taskId, rate: task.maxNumberOfMessagesPerSecond, elapsedMilliseconds: elapsedMilliseconds)
            // A task bounded by its start's last sequence number moves everything up to it (also
            // what was in flight at the start); an older, unbounded one stops at its count.
            let remaining = task.throughSequence == nil ? max(task.toMove - task.moved, 0) : Int.max
            let limit = min(allowance, remaining)
            guard limit > 0 || remaining == 0 else { continue }
            let step = limit == 0
                ? MoveStep(movedTo: [:], sourceDrained: true, missingOrigin: nil)
                : try await store.moveMessages(
                    from: source.messageSpace, routes: routes(for: task, source: source), limit: limit, through: task.throughSequence,
                    leftBehind: task.leftBehind, heldGroups: task.heldGroups, now: time.nowMilliseconds(), taskId: task.taskId)
            let moved = step.movedTo.values.reduce(0, +)
            task.moved += moved
            task.leftBehind.formUnion(step.leftBehind)
            task.heldGroups.formUnion(step.heldGroups)
            if let failure = step.rewriteFailure, task.leftBehindReason == nil {
                task.leftBehindReason = (failure as? SQSError).map { "AWS.SimpleQueueService.\($0.code.rawValue): \($0.message)" }
                    ?? "AWS.SimpleQueueService.InternalError"
            }
            moveTasks.record(task, spent: moved)
            wakeReceivers(ofSpaces: Set(step.movedTo.keys))
            guard moveTasks.task(task.taskId)?.status == .running else { continue }  // cancelled meanwhile
            if let origin = step.missingOrigin {
                task.status = .failed
                // AWS's reason for a message sent to the dead-letter queue directly.
                task.failureReason = origin == MoveStep.unknownOrigin
                    ? "CouldNotDetermineMessageSource" : "AWS.SimpleQueueService.NonExistentQueue"
                try await finish(task)
            } else if step.sourceDrained || remaining == 0 {
                // Messages that could not be re-encrypted stay behind, and say so.
                task.status = task.leftBehindReason == nil ? .completed : .failed
                task.failureReason = task.leftBehindReason
                try await finish(task)
            }
        }
    }

    private func finish(_ task: MessageMoveTask) async throws {
        var task = task
        (task.leftBehind, task.heldGroups) = ([], [])  // an ended task keeps only its record
        try await store.saveMoveTask(task)
        moveTasks.record(task, spent: 0)
    }

    /// Where the task's messages go, re-encrypted on behalf of whoever started it (as a call
    /// the queue service makes for them: from no address of theirs).
    private func routes(for task: MessageMoveTask, source: QueueRecord) -> MoveRoutes {
        let queues = catalog.all()
        var origins: [String: (space: Int64, fifo: Bool)] = [:]
        for queue in queues { origins[queueArn(queue.name)] = (queue.messageSpace, queue.settings.fifoQueue) }
        let caller = Caller(senderId: "", principalArn: task.startedBy, sourceIP: "sqs.amazonaws.com")
        return MoveRoutes(
            destination: task.destinationArn.flatMap { origins[$0] }, origins: origins,
            rewrite: payloadRewrite(between: queues, caller: caller, move: .redrive), sourceFifo: source.settings.fifoQueue)
    }

    private func wakeReceivers(ofSpaces spaces: Set<Int64>) {
        for queue in catalog.all() where spaces.contains(queue.messageSpace) { waiters.notifyAll(queueId: queue.id) }
    }
}

/// Task handles: base64 of a small JSON object naming the task and its source, like AWS's.
enum MoveTaskHandle {
    static func encode(taskId: String, sourceArn: String) -> String {
        let object = ["taskId": taskId, "sourceArn": sourceArn]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return data.base64EncodedString()
    }

    /// The task id and source ARN `handle` names; nil when it is not a handle.
    static func decode(_ handle: String) -> (taskId: String, sourceArn: String)? {
        guard let data = Data(base64Encoded: handle),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let taskId = object["taskId"] as? String, let sourceArn = object["sourceArn"] as? String
        else { return nil }
        return (taskId, sourceArn)
    }
}
