import Foundation
import Synchronization
import Testing

@testable import QueueEngine
@testable import Storage

/// A disk whose free space the test sets, counting how often it was asked.
private final class FakeDisk: Sendable {
    let free = Mutex<Int64?>(0)
    let reusable = Mutex<Int64>(0)
    let asked = Mutex(0)
    let nearFloorHeard = Mutex<[Bool]>([])
    /// What the database's log holds that is not in its file yet.
    let pending = Mutex<Int64>(0)

    func headroom(minimum: Int64, clock: ManualClock) -> StorageHeadroom {
        StorageHeadroom(
            minimumFreeBytes: minimum,
            fileSystemFree: {
                self.asked.withLock { $0 += 1 }
                return self.free.withLock { $0 }
            },
            reusableBytes: { self.reusable.withLock { $0 } },
            pendingCopies: { self.pending.withLock { $0 } },
            nearFloor: { near in self.nearFloorHeard.withLock { $0.append(near) } },
            time: clock, logger: quietLogger)
    }
}

@Suite("Storage headroom: sends refused before the disk fills")
struct StorageHeadroomTests {
    @Test("Sends are admitted while their file and log copies leave the floor, taken off the room until it is measured again")
    func admitsDownToTheFloor() {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 10_000 }
        let clock = ManualClock()
        let headroom = disk.headroom(minimum: 2_000, clock: clock)
        #expect(headroom.admits(bytes: 2_000))
        #expect(headroom.roomBytes == 8_000, "the file copy is taken off the room")
        #expect(headroom.admits(bytes: 2_000))
        #expect(!headroom.admits(bytes: 2_000), "4,000 would be left with 6,000 in the log: below half the floor")
        #expect(disk.asked.withLock { $0 } == 1, "until time passes, the room is not measured again")
        // The log was emptied meanwhile: the next measurement says so.
        clock.advance(seconds: 1)
        #expect(headroom.admits(bytes: 2_000), "a second later the disk is measured again")
        #expect(disk.asked.withLock { $0 } == 2)
    }

    @Test("A refusal on a measurement a tenth of a second old measures again first")
    func refusalMeasuresAgain() {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 1_000 }
        let clock = ManualClock()
        let headroom = disk.headroom(minimum: 1_000, clock: clock)
        #expect(!headroom.admits(bytes: 1))
        disk.free.withLock { $0 = 100_000 }
        clock.advance(milliseconds: 200)
        #expect(headroom.admits(bytes: 1), "the disk had room again")
        #expect(disk.asked.withLock { $0 } == 2)
    }

    @Test("Once refusing, sends wait for a tenth more than the floor, so they do not flap")
    func hysteresis() {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 1_000 }
        let clock = ManualClock()
        let headroom = disk.headroom(minimum: 1_000, clock: clock)
        #expect(!headroom.admits(bytes: 1))
        disk.free.withLock { $0 = 1_050 }
        clock.advance(seconds: 1)
        #expect(!headroom.admits(bytes: 10), "1,040 would be left: above the floor, below 1,100")
        disk.free.withLock { $0 = 1_300 }
        clock.advance(seconds: 1)
        #expect(headroom.admits(bytes: 100))
        #expect(headroom.admits(bytes: 50), "admitting again, the plain floor applies")
    }

    @Test("Near the floor the database's free pages take file copies; log copies still need the file system's space")
    func reusablePagesNearTheFloor() {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 5_000 }
        disk.reusable.withLock { $0 = 10_000 }
        let clock = ManualClock()
        let headroom = disk.headroom(minimum: 1_000, clock: clock)
        headroom.measure()
        #expect(headroom.roomBytes == 5_000, "far from the floor the free pages are not read")
        disk.free.withLock { $0 = 1_500 }
        headroom.measure()
        #expect(headroom.roomBytes == 11_500, "within twice the floor they are")
        #expect(headroom.admits(bytes: 1_000), "a drained queue's pages take new messages")
        #expect(headroom.roomBytes == 10_500, "the file copy went into freed pages")
        #expect(!headroom.admits(bytes: 1_000), "but the log copies would leave less than half the floor free")
        #expect(disk.nearFloorHeard.withLock { $0 } == [false, true])
    }

    @Test("What the log holds that its checkpoint has not copied yet is taken off the room it may still fill")
    func pendingCheckpointCopies() {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 10_000 }
        disk.pending.withLock { $0 = 4_000 }
        let headroom = disk.headroom(minimum: 1_000, clock: ManualClock())
        headroom.measure()
        #expect(headroom.roomBytes == 6_000)
        disk.pending.withLock { $0 = 0 }
        headroom.measure()
        #expect(headroom.roomBytes == 10_000)
    }

    @Test("A measurement stands a tenth of a second, and 20 ms near the floor, so the log's whole-page writes are seen")
    func measurementsStandBriefly() {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 100_000 }
        let clock = ManualClock()
        let headroom = disk.headroom(minimum: 10_000, clock: clock)
        #expect(headroom.admits(bytes: 100))
        clock.advance(milliseconds: 50)
        #expect(headroom.admits(bytes: 100))
        #expect(disk.asked.withLock { $0 } == 1, "far from the floor a measurement stands 100 ms")
        disk.free.withLock { $0 = 15_000 }
        clock.advance(milliseconds: 60)
        #expect(headroom.admits(bytes: 100))
        #expect(disk.asked.withLock { $0 } == 2)
        disk.free.withLock { $0 = 9_000 }  // the log grew by more than the sends reckoned
        clock.advance(milliseconds: 25)
        #expect(!headroom.admits(bytes: 100), "seen within 20 ms")
        #expect(disk.asked.withLock { $0 } == 3)
    }

    @Test("No floor admits everything without asking the disk; an unmeasurable disk admits too")
    func noFloorAndUnknownDisk() {
        let disk = FakeDisk()
        let clock = ManualClock()
        #expect(disk.headroom(minimum: 0, clock: clock).admits(bytes: Int.max / 4))
        #expect(disk.asked.withLock { $0 } == 0)
        disk.free.withLock { $0 = nil }
        let unknown = disk.headroom(minimum: 1_000, clock: clock)
        #expect(unknown.admits(bytes: 1_000_000))
        #expect(unknown.roomBytes == nil)
    }

    @Test("A store on a real file measures its disk, and counts freed pages as room near the floor")
    func realFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sealq-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sealq.sqlite").path
        let store = try SQLiteMessageStore(path: path, logger: quietLogger)
        store.measureRoom()
        let free = try #require(StorageHeadroom.freeBytes(of: directory.path))
        let room = try #require(store.roomBytes)
        #expect(abs(room - free) < 64 << 20, "the room is the file system's free space (\(room) against \(free))")
        #expect(store.admitsNewMessages(count: 1_000, bytes: Int.max / 8), "without a floor nothing is refused")
        let h = try await Harness(store: store)
        try await h.createQueue()
        for _ in 0..<40 { try await h.send(String(repeating: "x", count: 60_000)) }
        for message in try await h.receive(max: 10) + h.receive(max: 10) + h.receive(max: 10) + h.receive(max: 10) {
            try await h.engine.deleteMessage(queue: "q", receiptHandle: message.receiptHandle)
        }
        let freed = try await store.database.read(SQLiteMessageStore.reusableBytes)
        #expect(freed >= 40 * 60_000, "deleted messages' pages are free for reuse (\(freed) bytes)")
    }

    @Test("A send refused for room is held, then ServiceUnavailable, and stores nothing; receives and deletes go on")
    func engineRefusesSendsOnly() async throws {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 50_000 }
        let clock = ManualClock()
        let h = try await Harness(
            clock: clock, store: try SQLiteMessageStore.inMemory(logger: quietLogger, headroom: disk.headroom(minimum: 40_000, clock: clock)))
        try await h.createQueue()
        let kept = try await h.send("fits")
        let started = ContinuousClock.now
        let error = await expectSQSError(.serviceUnavailable) { try await h.send(String(repeating: "y", count: 8_000)) }
        #expect(error?.isServerFault == true)
        #expect(ContinuousClock.now - started >= .milliseconds(900), "a refusal is held about a second, against retry storms")
        await expectSQSError(.serviceUnavailable, "a batch is refused whole") {
            let body = String(repeating: "b", count: 3_000)
            _ = try await h.engine.sendMessageBatch(
                queue: "q", [BatchEntry(id: "a", payload: OutgoingMessage(body: body)), BatchEntry(id: "b", payload: OutgoingMessage(body: body))],
                caller: testCaller)
        }
        await expectSQSError(.invalidParameterValue, "a message that could never be sent is told so first") {
            _ = try await h.engine.sendMessage(queue: "q", OutgoingMessage(body: "z", delaySeconds: 901), caller: testCaller)
        }
        #expect(try await h.counts() == [1, 0, 0])
        let received = try await h.receive()
        #expect(received.map(\.messageId) == [kept.messageId])
        try await h.engine.deleteMessage(queue: "q", receiptHandle: received[0].receiptHandle)
        #expect(try await h.counts() == [0, 0, 0])
        disk.free.withLock { $0 = 100_000 }
        clock.advance(seconds: 1)
        try await h.send(String(repeating: "y", count: 8_000))
        #expect(try await h.counts() == [1, 0, 0])
    }

    @Test("A send held for room is taken when room comes back during the hold")
    func roomBackDuringTheHold() async throws {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 10_000 }
        let clock = ManualClock()
        let h = try await Harness(
            clock: clock, store: try SQLiteMessageStore.inMemory(logger: quietLogger, headroom: disk.headroom(minimum: 40_000, clock: clock)))
        try await h.createQueue()
        async let sent = h.send("waits")
        try await Task.sleep(for: .milliseconds(300))
        disk.free.withLock { $0 = 1_000_000 }
        clock.advance(seconds: 1)
        #expect(try await sent.messageId.isEmpty == false)
        #expect(try await h.counts() == [1, 0, 0])
    }

    @Test("A sweep removes about a quarter of the floor's bytes at a time, so a purge near the floor fits its log")
    func sweepBoundedByBytes() async throws {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 1 << 40 }
        let clock = ManualClock()
        let store = try SQLiteMessageStore.inMemory(logger: quietLogger, headroom: disk.headroom(minimum: 1 << 20, clock: clock))
        #expect(store.sweepByteBudget == 256 << 10)
        let h = try await Harness(clock: clock, store: store)
        try await h.createQueue()
        for _ in 0..<10 { try await h.send(String(repeating: "m", count: 100_000)) }
        try await h.engine.purgeQueue(name: "q")
        #expect(try await h.engine.sweepExpiredMessages(limit: 100) == (3, true), "300 KB: the third message passes 256 KiB")
        #expect(try await h.engine.sweepExpiredMessages(limit: 100) == (3, true))
        #expect(try await h.engine.sweepExpiredMessages(limit: 100) == (3, true))
        #expect(try await h.engine.sweepExpiredMessages(limit: 100) == (1, false))
        #expect(try SQLiteMessageStore.inMemory(logger: quietLogger).sweepByteBudget == 8 << 20, "without a floor, 8 MiB")
    }

    @Test("Near a full disk a FIFO retry within the deduplication window is answered with the original; a new message is refused")
    func fifoRetryTakesNoRoom() async throws {
        let disk = FakeDisk()
        disk.free.withLock { $0 = 100_000 }
        let clock = ManualClock()
        let h = try await Harness(
            clock: clock, store: try SQLiteMessageStore.inMemory(logger: quietLogger, headroom: disk.headroom(minimum: 40_000, clock: clock)))
        try await h.createQueue("f.fifo", ["FifoQueue": "true"])
        func send(_ id: String) async throws -> SentMessage {
            try await h.engine.sendMessage(
                queue: "f.fifo", OutgoingMessage(body: "retried", groupId: "g", deduplicationId: id), caller: testCaller)
        }
        let original = try await send("once")
        disk.free.withLock { $0 = 1_000 }
        clock.advance(seconds: 1)
        let retried = try await send("once")
        #expect(retried.messageId == original.messageId)
        #expect(retried.sequenceNumber == original.sequenceNumber)
        await expectSQSError(.serviceUnavailable) { _ = try await send("new") }
        #expect(try await h.counts("f.fifo") == [1, 0, 0])
    }
}
