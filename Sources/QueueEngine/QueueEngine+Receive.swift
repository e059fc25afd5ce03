extension QueueEngine {
    /// ReceiveMessage, long-polling up to the wait time when nothing is visible.
    ///
    /// Sealed messages are opened on `caller`'s behalf. A message whose key was deleted stays in
    /// flight, its receive counted, and the receive answers with what it could open (the key's
    /// error when that is nothing); a message whose key fails only for now (disabled, pending
    /// deletion, a use refused) is looked past and left visible, uncounted (`claimAndOpen`).
    public func receiveMessages(queue name: String, _ request: ReceiveRequest, caller: Caller) async throws -> [ReceivedMessage] {
        let queue = try requireQueue(name)
        try Self.checkSigned(caller, for: queue)
        let limit = request.maxNumberOfMessages ?? 1
        guard (1...10).contains(limit) else {
            throw SQSError.invalidParameter(
                "MaxNumberOfMessages", value: String(limit), reason: "Must be between 1 and 10, if provided.")
        }
        let visibility = request.visibilityTimeout ?? queue.settings.visibilityTimeout
        guard (0...43_200).contains(visibility) else {
            throw SQSError.invalidParameter(
                "VisibilityTimeout", value: String(visibility), reason: "Must be between 0 and 43200, if provided.")
        }
        let wait = request.waitTimeSeconds ?? queue.settings.receiveMessageWaitTimeSeconds
        guard (0...Self.longestWaitSeconds).contains(wait) else {
            throw SQSError.invalidParameter(
                "WaitTimeSeconds", value: String(wait), reason: "Must be >= 0 and <= 20, if provided.")
        }
        let selection = try AttributeSelection(system: request.systemAttributeNames, message: request.messageAttributeNames)
        let attempt = try receiveAttemptId(request.receiveRequestAttemptId, queue: queue)
        let deadline = time.nowMilliseconds() + Int64(wait) * 1000
        // CloudWatch's NumberOfEmptyReceives: calls that returned no message.
        func nothing() -> [ReceivedMessage] {
            count("sealq_empty_receives_total", queue: name, by: 1)
            return []
        }
        // Wake-ups this receive was handed while it waited, and messages it delivers: those it
        // leaves without using wake other waiting receives (see LongPollWaiters), and so does a
        // delivery that may leave more to take or that will be visible again within a wait.
        var wakeUps = 0
        var delivered = 0
        var wakeOthers = 0
        defer { waiters.notify(queueId: queue.id, count: max(wakeUps - delivered, 0) + wakeOthers) }
        while true {
            let now = time.nowMilliseconds()
            // The queue may have been deleted (or recreated) while this receive waited.
            guard let current = catalog.queue(named: name), current.id == queue.id else { return [] }
            let notifications = waiters.notifications(queueId: queue.id)
            let sentAfter = now - Int64(current.settings.messageRetentionPeriod) * 1000
            let visibleUntil = now + Int64(visibility) * 1000
            // A receive claims no more than fit under the in-flight quota; at the quota, a long poll
            // waits and serves once messages leave flight.
            let room = try await inFlightRoom(current, shortPoll: wait == 0)
            if room <= 0 {
                let remaining = deadline - now
                guard remaining > 0, !waiters.isClosed else { return nothing() }
                if await waitForWork(queueId: queue.id, milliseconds: min(remaining, 1000), since: notifications) { wakeUps += 1 }
                if ClientConnection.currentIsClosed { return nothing() }
                continue
            }
            let deadLetter = deadLetterRoute(of: current, caller: caller)
            let claim = ClaimRequest(
                space: current.messageSpace, now: now, sentAfter: sentAfter, limit: min(limit, room), visibleUntil: visibleUntil,
                deadLetter: deadLetter?.target)
            let opened = try await claimAndOpen(claim, in: current, caller: caller, attempt: attempt)
            if opened.movedToDeadLetter > 0, let deadLetter {
                count("sealq_messages_dead_lettered_total", queue: name, by: opened.movedToDeadLetter)
                waiters.notify(queueId: deadLetter.queue.id, count: opened.movedToDeadLetter)
            }
            inFlight.add(opened.delivered.count + opened.unreadable, space: current.messageSpace)
            if !opened.delivered.isEmpty {
                delivered = opened.delivered.count
                // A full claim may have left messages visible; what this one took becomes visible
                // again when its timeout ends, which a receive that waits must learn.
                wakeOthers = (delivered == claim.limit ? 1 : 0) + (visibility <= Self.longestWaitSeconds ? 1 : 0)
                count("sealq_messages_received_total", queue: name, by: delivered)
                return opened.delivered.map { received($0, queue: current, selection: selection) }
            }
            if let failure = opened.temporaryFailure ?? opened.unreadableError ?? opened.deadLetterFailure { throw failure }
            let remaining = deadline - now
            guard remaining > 0, !waiters.isClosed else { return nothing() }
            var nap = remaining
            let next = try await store.nextVisibleAt(space: current.messageSpace, after: now)
            if let next { nap = min(nap, max(next - now, 1)) }
            // The messages the wake-ups were for are taken: one is kept to watch a message that
            // becomes visible within a wait, to be passed on if this receive leaves before that.
            let watching = next.map { $0 - now <= Int64(Self.longestWaitSeconds) * 1000 } ?? false
            wakeUps = min(wakeUps, watching ? 1 : 0)
            if await waitForWork(queueId: queue.id, milliseconds: nap, since: notifications) { wakeUps += 1 }
            if ClientConnection.currentIsClosed { return nothing() }
        }
    }

    /// Waits as `LongPollWaiters.wait` does, true when a notification handed it a wake-up. For a
    /// request with a client connection the wait goes in slices of at most a second, and ends
    /// (false) once the client has hung up: an abandoned long poll lets go of its connection
    /// within a second, not at its deadline up to 20 seconds later.
    private func waitForWork(queueId: Int64, milliseconds: Int64, since seen: UInt64) async -> Bool {
        guard ClientConnection.current != nil else { return await waiters.wait(queueId: queueId, milliseconds: milliseconds, since: seen) }
        let end = ContinuousClock.now + .milliseconds(milliseconds)
        while true {
            let (seconds, attoseconds) = (end - ContinuousClock.now).components
            let left = seconds * 1000 + attoseconds / 1_000_000_000_000_000
            guard left > 0 else { return false }
            if await waiters.wait(queueId: queueId, milliseconds: min(left, 1000), since: seen) { return true }
            // Hung up, shut down, or notified without a wake-up (look again): the wait is over.
            if ClientConnection.currentIsClosed || waiters.isClosed || waiters.notifications(queueId: queueId) != seen { return false }
        }
    }

    /// How many more messages of `queue` may go in flight. At the quota a standard queue's short
    /// poll gets OverLimit; FIFO queues and long polls get no error (and no messages), as AWS
    /// documents.
    private func inFlightRoom(_ queue: QueueRecord, shortPoll: Bool) async throws -> Int {
        let inFlight = try await inFlightCount(queue)
        if inFlight >= configuration.maxInFlight, shortPoll, !queue.settings.fifoQueue {
            throw SQSError(.overLimit, "Too many messages in flight: the queue already has \(inFlight) (limit \(configuration.maxInFlight)).")
        }
        return configuration.maxInFlight - inFlight
    }

    /// Messages of `queue` in flight now.
    private func inFlightCount(_ queue: QueueRecord) async throws -> Int {
        try await inFlight.count(space: queue.messageSpace, now: time.nowMilliseconds()) {
            try await messageCounts(of: queue).inFlight
        }
    }

    /// Claims messages and opens them. One its key cannot open now (disabled, pending deletion,
    /// a use refused) holds back only itself: it stays claimed while further claims look past it
    /// (at most `lookPastPasses` claims per receive, with a visibility timeout and no FIFO receive
    /// attempt id), then is given back (visible again, its receive uncounted), so messages under
    /// other keys, and other FIFO groups, keep flowing while its error is answered only when
    /// nothing could be delivered. Messages held back behind an unreadable one of their FIFO
    /// group are given back the same way.
    private func claimAndOpen(_ claim: ClaimRequest, in queue: QueueRecord, caller: Caller, attempt: String?) async throws -> OpenedClaim {
        var result = OpenedClaim()
        var unopened: [StoredMessage] = []
        var passes = 0
        while true {
            let claimed = queue.settings.fifoQueue
                ? try await store.claimInOrder(
                    claim, attempt: attempt.map { ReceiveAttempt(id: $0, notBefore: claim.now - Self.fifoWindowMilliseconds) })
                : try await store.claim(claim)
            result.movedToDeadLetter += claimed.movedToDeadLetter
            result.deadLetterFailure = result.deadLetterFailure ?? claimed.deadLetterFailure
            var blockedGroups = Set<String>()
            for message in claimed.messages {
                if let group = message.content.groupId, blockedGroups.contains(group) {
                    result.heldBack.append(message)
                    continue
                }
                do throws(SQSError) {
                    var delivered = message
                    delivered.content = try opened(message.content, in: queue, caller: caller)
                    result.delivered.append(delivered)
                } catch where error.meansUnreadableForGood {
                    // Its key is gone for good: it stays claimed, holding back only itself.
                    result.unreadable += 1
                    result.unreadableError = result.unreadableError ?? error
                    if queue.settings.fifoQueue, let group = message.content.groupId { blockedGroups.insert(group) }
                } catch {
                    unopened.append(message)
                    result.temporaryFailure = result.temporaryFailure ?? error
                    if queue.settings.fifoQueue, let group = message.content.groupId { blockedGroups.insert(group) }
                }
            }
            passes += 1
            // Looking again needs the unopened messages kept out of the next claim: not with a
            // zero visibility timeout (they stay visible), nor when a FIFO receive attempt is
            // replayed (it returns the same messages).
            let lookAgain = result.delivered.isEmpty && claimed.messages.count == claim.limit && !unopened.isEmpty
                && claim.visibleUntil > claim.now && attempt == nil && passes < Self.lookPastPasses
            if !lookAgain { break }
        }
        try await release(result.heldBack + unopened, in: queue, now: claim.now, attempt: attempt)
        return result
    }

    /// The most claims one receive makes to look past messages its keys cannot open now.
    static let lookPastPasses = 10

    /// Gives claimed messages back: visible again at `now`, their receive uncounted and taken
    /// out of the FIFO receive `attempt` that claimed them.
    private func release(_ messages: [StoredMessage], in queue: QueueRecord, now: Int64, attempt: String?) async throws {
        guard !messages.isEmpty else { return }
        let receipts = messages.map { MessageReceipt(sequence: $0.sequence, receiveCount: $0.receiveCount) }
        try await store.releaseClaims(space: queue.messageSpace, receipts: receipts, now: now, attempt: attempt)
        waiters.notify(queueId: queue.id, count: messages.count)
    }

    /// DeleteMessage.
    public func deleteMessage(queue name: String, receiptHandle: String) async throws {
        let queue = try requireQueue(name)
        let handle = try decodeHandle(receiptHandle, queue: queue)
        // Every successful delete counts, repeated ones included, as CloudWatch's NumberOfMessagesDeleted does.
        guard handle.space == queue.messageSpace else { return count("sealq_messages_deleted_total", queue: name, by: 1) }
        let outcome = try await store.delete(
            space: queue.messageSpace, receipts: [handle.receipt], now: time.nowMilliseconds(),
            requireInFlight: queue.settings.fifoQueue
        ).first
        if outcome == .applied { releaseGroupWaiters(queue, freed: 1) }
        if let outcome, Self.refusesExpired(outcome, queue: queue) {
            throw SQSError.invalidParameter("ReceiptHandle", value: receiptHandle, reason: "The receipt handle has expired.")
        }
        count("sealq_messages_deleted_total", queue: name, by: 1)
    }

    /// DeleteMessageBatch.
    public func deleteMessageBatch(queue name: String, _ entries: [BatchEntry<String>]) async throws -> BatchOutcome<Void> {
        let queue = try requireQueue(name)
        try MessageValidation.checkBatch(ids: entries.map(\.id), action: "DeleteMessageBatch")
        var outcome = BatchOutcome<Void>()
        var pending: [(id: String, receipt: MessageReceipt)] = []
        for entry in entries {
            switch Result(catching: { () throws(SQSError) in try decodeHandle(entry.payload, queue: queue) }) {
            case .success(let handle) where handle.space == queue.messageSpace: pending.append((entry.id, handle.receipt))
            case .success: outcome.successes.append((entry.id, ()))
            case .failure(let error): outcome.failures.append((entry.id, error))
            }
        }
        let results = pending.isEmpty
            ? []
            : try await store.delete(
                space: queue.messageSpace, receipts: pending.map(\.receipt), now: time.nowMilliseconds(),
                requireInFlight: queue.settings.fifoQueue)
        for (item, result) in zip(pending, results) {
            if Self.refusesExpired(result, queue: queue) {
                outcome.failures.append((item.id, SQSError(.receiptHandleIsInvalid, "The receipt handle has expired.")))
            } else {
                outcome.successes.append((item.id, ()))
            }
        }
        count("sealq_messages_deleted_total", queue: name, by: outcome.successes.count)
        releaseGroupWaiters(queue, freed: results.count { $0 == .applied })
        return outcome
    }

    /// Deletes on a FIFO queue can free message groups (a group's next message is held back
    /// while one is in flight): as many receives waiting on the queue look again.
    private func releaseGroupWaiters(_ queue: QueueRecord, freed: Int) {
        if queue.settings.fifoQueue { waiters.notify(queueId: queue.id, count: freed) }
    }

    /// ChangeMessageVisibility.
    public func changeVisibility(queue name: String, receiptHandle: String, visibilityTimeout: Int) async throws {
        let outcome = try await changeVisibilityBatch(
            queue: name, [BatchEntry(id: "single", payload: (receiptHandle, visibilityTimeout))], single: true)
        if let failure = outcome.failures.first { throw failure.error }
    }

    /// ChangeMessageVisibilityBatch. An entry without a VisibilityTimeout (the model makes it
    /// optional) fails alone with MissingParameter.
    public func changeVisibilityBatch(
        queue name: String, _ entries: [BatchEntry<(receiptHandle: String, visibilityTimeout: Int?)>]
    ) async throws -> BatchOutcome<Void> {
        try await changeVisibilityBatch(queue: name, entries, single: false)
    }

    private func changeVisibilityBatch(
        queue name: String, _ entries: [BatchEntry<(receiptHandle: String, visibilityTimeout: Int?)>], single: Bool
    ) async throws -> BatchOutcome<Void> {
        let queue = try requireQueue(name)
        if !single { try MessageValidation.checkBatch(ids: entries.map(\.id), action: "ChangeMessageVisibilityBatch") }
        let now = time.nowMilliseconds()
        var outcome = BatchOutcome<Void>()
        var pending: [(id: String, handle: String, timeout: Int, change: VisibilityChange)] = []
        for entry in entries {
            guard case (let text, let timeout?) = entry.payload else {
                outcome.failures.append((entry.id, SQSError.missingParameter("VisibilityTimeout")))
                continue
            }
            switch Result(catching: { () throws(SQSError) in try visibilityChange(text, timeout: timeout, queue: queue, now: now) }) {
            case .success(let change): pending.append((entry.id, text, timeout, change))
            case .failure(let error) where single: throw error
            case .failure(let error): outcome.failures.append((entry.id, error))
            }
        }
        let results = pending.isEmpty ? [] : try await store.changeVisibility(space: queue.messageSpace, changes: pending.map(\.change), now: now)
        var soonVisible = 0
        for (item, result) in zip(pending, results) {
            switch result {
            case .applied:
                outcome.successes.append((item.id, ()))
                if item.timeout <= Self.longestWaitSeconds { soonVisible += 1 }
            case .messageGone, .superseded:
                outcome.failures.append((item.id, Self.notAvailable(item.handle)))
            case .notInFlight:
                outcome.failures.append((item.id, SQSError(.messageNotInflight, "Message is not in flight: visibility timeout has expired.")))
            case .beyondLimit:
                outcome.failures.append((item.id, SQSError.invalidParameter(
                    "VisibilityTimeout", value: String(item.timeout),
                    reason: "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")))
            }
        }
        // A waiting receive sleeps until the earliest deadline it saw; one this change moved
        // closer must wake it to look again (unless it lies beyond any wait).
        waiters.notify(queueId: queue.id, count: soonVisible)
        return outcome
    }

    private func visibilityChange(_ text: String, timeout: Int, queue: QueueRecord, now: Int64) throws(SQSError) -> VisibilityChange {
        guard (0...43_200).contains(timeout) else {
            throw SQSError.invalidParameter(
                "VisibilityTimeout", value: String(timeout), reason: "Must be between 0 and 43200, if provided.")
        }
        let handle = try decodeHandle(text, queue: queue)
        guard handle.space == queue.messageSpace else { throw Self.notAvailable(text) }
        return VisibilityChange(receipt: handle.receipt, visibleAt: now + Int64(timeout) * 1000, maximumSpanMilliseconds: 43_200_000)
    }

    /// Standard queues accept a stale receipt handle (the delete may do nothing, as AWS
    /// documents); FIFO queues refuse a handle whose receive has expired. AWS answers that with
    /// `InvalidParameterValue` naming the handle for DeleteMessage and with
    /// `ReceiptHandleIsInvalid` for a DeleteMessageBatch entry.
    private static func refusesExpired(_ outcome: ReceiptOutcome, queue: QueueRecord) -> Bool {
        queue.settings.fifoQueue && (outcome == .superseded || outcome == .notInFlight)
    }

    private func receiveAttemptId(_ id: String?, queue: QueueRecord) throws(SQSError) -> String? {
        guard let id else { return nil }
        try MessageValidation.checkFifoToken(id, parameter: "ReceiveRequestAttemptId")
        return queue.settings.fifoQueue ? id : nil
    }

    private static func notAvailable(_ handle: String) -> SQSError {
        SQSError.invalidParameter(
            "ReceiptHandle", value: handle,
            reason: "Message does not exist or is not available for visibility timeout change.")
    }

    private func decodeHandle(_ text: String, queue: QueueRecord) throws(SQSError) -> ReceiptHandle {
        guard !text.isEmpty else { throw SQSError.missingParameter("ReceiptHandle") }
        guard let handle = receipts.decode(text), handle.queueId == queue.id else {
            throw SQSError(.receiptHandleIsInvalid, "The input receipt handle \"\(text.prefix(200))\" is not a valid receipt handle.")
        }
        return handle
    }

    private func received(_ message: StoredMessage, queue: QueueRecord, selection: AttributeSelection) -> ReceivedMessage {
        let handle = ReceiptHandle(
            queueId: queue.id, space: queue.messageSpace,
            receipt: MessageReceipt(sequence: message.sequence, receiveCount: message.receiveCount))
        return ReceivedMessage(
            messageId: message.content.messageId,
            // The salt is the receive time, so a replayed FIFO receive attempt gets the same handle.
            receiptHandle: receipts.encode(handle, salt: UInt32(truncatingIfNeeded: message.receivedAt)),
            body: message.content.body,
            attributes: selection.systemAttributes(of: message, fifo: queue.settings.fifoQueue),
            messageAttributes: selection.messageAttributes(of: message.content.attributes))
    }
}

/// What opening the messages one receive claimed came to.
private struct OpenedClaim {
    /// Opened, to be returned.
    var delivered: [StoredMessage] = []
    /// How many messages the claims moved to the dead-letter queue instead.
    var movedToDeadLetter = 0
    /// Why a message due for the dead-letter queue could not move there, the first such.
    var deadLetterFailure: (any Error)?
    /// How many cannot be opened ever again (their key was deleted); they stay in flight.
    var unreadable = 0
    /// The error of the first unreadable message.
    var unreadableError: SQSError?
    /// FIFO: claimed behind an unreadable message of their group; to be given back.
    var heldBack: [StoredMessage] = []
    /// The first failure that may pass (a key disabled or pending deletion, a use refused).
    var temporaryFailure: SQSError?
}
