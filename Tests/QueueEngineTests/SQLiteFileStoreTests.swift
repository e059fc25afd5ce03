import Foundation
import GRDB
import Testing

@testable import Storage

@testable import QueueEngine

@Suite("SQLite store on a real file")
struct SQLiteFileStoreTests {
    private static func temporaryPath() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sealq-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("sealq.sqlite").path)
    }

    @Test("Queues, settings, tags, messages and in-flight state survive reopening the file")
    func survivesReopen() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock()
        var sentIds: [String] = []
        do {
            let h = try await Harness(clock: clock, store: try SQLiteMessageStore(path: path, logger: quietLogger))
            try await h.createQueue("durable", ["VisibilityTimeout": "40"], tags: ["team": "core"])
            try await h.createQueue("deleted")
            for body in ["one", "two", "three\r\nwith ünïcode"] {
                sentIds.append(try await h.send(body, to: "durable", attributes: [
                    "bin": MessageAttributeValue(dataType: "Binary", binaryValue: [0, 1, 2]),
                ]).messageId)
            }
            #expect(try await h.receive(from: "durable", max: 1).map(\.body) == ["one"])
            try await h.engine.deleteQueue(name: "deleted")
        }

        let reopened = try await Harness(clock: clock, store: try SQLiteMessageStore(path: path, logger: quietLogger))
        let queue = try reopened.engine.getQueue(name: "durable")
        #expect(queue.settings.visibilityTimeout == 40)
        #expect(queue.tags == ["team": "core"])
        #expect(reopened.engine.liveQueues().map(\.name) == ["durable"])
        #expect(try await reopened.counts("durable") == [2, 1, 0])
        let rest = try await reopened.receive(from: "durable", attributes: ["All"])
        #expect(rest.map(\.body) == ["two", "three\r\nwith ünïcode"])
        #expect(rest.map(\.messageId) == Array(sentIds[1...]))
        #expect(rest.first?.messageAttributes["bin"] == MessageAttributeValue(dataType: "Binary", binaryValue: [0, 1, 2]))
        clock.advance(seconds: 41)
        let redelivered = try await reopened.receive(from: "durable", system: ["ApproximateReceiveCount"])
        #expect(redelivered.map(\.messageId).sorted() == sentIds.sorted())
        #expect(redelivered.first { $0.messageId == sentIds[0] }?.attributes["ApproximateReceiveCount"] == "2")
        await expectSQSError(.queueDeletedRecently, "the deletion tombstone is durable too") {
            try await reopened.createQueue("deleted")
        }
    }

    @Test("The connection that commits waits for fsync on every commit (synchronous=FULL, not GRDB's NORMAL)")
    func commitsAreSynchronousFull() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteMessageStore(path: path, logger: quietLogger)
        let mode = try await store.writer.perform { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(mode == 2, "2 is FULL; GRDB sets a pool's connections to 1 (NORMAL)")
        let journal = try await store.writer.perform { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test("A new file gets 8 KiB pages; a file made with 4 KiB pages keeps them and its messages; both checkpoint every 32 MiB")
    func pageSizes() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fresh = try SQLiteMessageStore(path: path, logger: quietLogger)
        #expect(try await fresh.writer.perform { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 8192)
        // The writer's own checkpoint comes every 32 MiB of log, whatever the page size.
        #expect(try await fresh.writer.perform { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 4096)

        let oldPath = directory.appendingPathComponent("old.sqlite").path
        do {
            let old = try DatabaseQueue(path: oldPath)
            try await old.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA page_size = 4096")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "CREATE TABLE placeholder (id INTEGER)")
            }
        }
        let clock = ManualClock()
        do {
            let h = try await Harness(clock: clock, store: try SQLiteMessageStore(path: oldPath, logger: quietLogger))
            #expect(try await h.store.writer.perform { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
            #expect(try await h.store.writer.perform { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 8192)
            try await h.createQueue("kept")
            _ = try await h.send("written on 4 KiB pages", to: "kept")
        }
        let reopened = try await Harness(clock: clock, store: try SQLiteMessageStore(path: oldPath, logger: quietLogger))
        #expect(try await reopened.receive(from: "kept", max: 1).map(\.body) == ["written on 4 KiB pages"])
    }

    @Test("Counting messages in flight and delayed, and skipping busy FIFO groups, read an index alone, not a row each")
    func countsAndGroupWalkUseCoveringIndexes() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let h = try await Harness(clock: ManualClock(), store: try SQLiteMessageStore(path: path, logger: quietLogger))
        let plan = try await h.store.writer.perform { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteMessageStore.invisibleCountsQuery, arguments: [1, 0])
                .map { $0["detail"] as String }
        }
        #expect(plan.count == 1)
        #expect(plan.first?.contains("USING COVERING INDEX messages_by_visibility") == true, "plan: \(plan)")
        let groupPlan = try await h.store.writer.perform { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteMessageStore.availableGroupsQuery, arguments: [1, 0, -1])
                .map { $0["detail"] as String }
        }
        #expect(groupPlan.count == 1)
        #expect(groupPlan.first?.contains("USING COVERING INDEX fifo_groups_by_head") == true, "plan: \(groupPlan)")

        _ = try await h.createQueue("q", ["VisibilityTimeout": "60"])
        for body in ["a", "b", "c"] { _ = try await h.send(body, to: "q") }
        _ = try await h.send("later", to: "q", delay: 30)
        #expect(try await h.receive(from: "q", max: 2).count == 2)
        #expect(try await h.counts("q") == [1, 2, 1])
    }

    @Test("A receive attempt recorded without deadlines (by a SealQ before they were kept) is not replayed after a visibility change")
    func attemptsWithoutDeadlinesAreNotReplayed() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let h = try await Harness(clock: ManualClock(), store: try SQLiteMessageStore(path: path, logger: quietLogger))
        _ = try await h.createQueue("q.fifo", ["FifoQueue": "true", "VisibilityTimeout": "30"])
        _ = try await h.engine.sendMessage(
            queue: "q.fifo", OutgoingMessage(body: "held", groupId: "g", deduplicationId: "d1"), caller: testCaller)
        let request = ReceiveRequest(maxNumberOfMessages: 10, waitTimeSeconds: 0, receiveRequestAttemptId: "attempt-1")
        let first = try await h.engine.receiveMessages(queue: "q.fifo", request, caller: testCaller)
        #expect(first.map(\.body) == ["held"])
        // The record as an older SealQ wrote it: sequence and receive count, no deadline.
        try await h.store.writer.perform { db in
            let receipts = try String.fetchOne(db, sql: "SELECT receipts FROM receive_attempts") ?? ""
            let old = receipts.split(separator: ",").map { $0.split(separator: ":").prefix(2).joined(separator: ":") }
            try db.execute(sql: "UPDATE receive_attempts SET receipts = ?", arguments: [old.joined(separator: ",")])
        }
        try await h.engine.changeVisibility(queue: "q.fifo", receiptHandle: first[0].receiptHandle, visibilityTimeout: 1200)
        let retry = try await h.engine.receiveMessages(queue: "q.fifo", request, caller: testCaller)
        #expect(retry.isEmpty, "a replay would hand the message out again and undo the extension")
        #expect(try await h.counts("q.fifo") == [0, 1, 0])
    }

    /// Open file descriptors of this process that point into `directory` (Linux /proc).
    private static func openFiles(under directory: URL) -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
            .filter { $0.hasPrefix(directory.path) }
    }

    @Test(
        "Dropping the last reference to a store closes its database files",
        .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd")))
    func storeClosesFiles() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        weak var released: SQLiteMessageStore?
        do {
            let store = try SQLiteMessageStore(path: path, logger: quietLogger)
            _ = try await store.createQueue(name: "q", settings: QueueSettings(), tags: [:], now: 0, deletedAfter: -60_000, spaceKey: [1])
            #expect(!Self.openFiles(under: directory).isEmpty, "the open store holds its files")
            released = store
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(released == nil)
        #expect(Self.openFiles(under: directory) == [], "the database is still open after its store is gone")
    }

    @Test("Concurrent sends from many tasks all commit with distinct sequence numbers")
    func concurrentSendsGroupCommit() async throws {
        let (directory, path) = try Self.temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteMessageStore(path: path, logger: quietLogger)
        let h = try await Harness(store: store)
        let queue = try await h.createQueue("busy")
        let now = h.clock.nowMilliseconds()

        let sequences = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for task in 0..<64 {
                group.addTask {
                    try await store.insert(
                        [NewMessage(
                            messageId: "m\(task)", body: "body \(task)", attributes: [:], systemAttributes: [:], senderId: "s",
                            sentAt: now, visibleAt: now, groupId: nil, deduplicationId: nil)],
                        space: queue.messageSpace)
                }
            }
            var all: [Int64] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(sequences.count == 64)
        #expect(Set(sequences).count == 64, "every send got its own sequence number")

        let engineSends = try await withThrowingTaskGroup(of: String.self) { group in
            for task in 0..<40 {
                group.addTask { try await h.send("engine \(task)", to: "busy").messageId }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(Set(engineSends).count == 40)
        #expect(try await h.counts("busy") == [104, 0, 0])

        var bodies = Set<String>()
        while true {
            let page = try await h.receive(from: "busy", max: 10)
            if page.isEmpty { break }
            bodies.formUnion(page.map(\.body))
        }
        #expect(bodies.count == 104, "every committed message is receivable exactly once")

        let reopened = try SQLiteMessageStore(path: path, logger: quietLogger)
        let counts = try await reopened.counts(space: queue.messageSpace, now: now)
        #expect(counts.visible + counts.inFlight == 104, "all of them are on disk")
    }
}
