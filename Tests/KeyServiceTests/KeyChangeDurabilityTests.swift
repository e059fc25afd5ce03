import Foundation
import KeyService
import Synchronization
import Testing

@testable import Storage

@Suite("Key changes the store refuses are not applied")
struct KeyChangeDurabilityTests {
    @Test("Disable, deletion and policy changes that fail to be stored leave the key as it was, then and after a restart")
    func refusedChangesAreNotApplied() async throws {
        let harness = try KeyServiceHarness()
        let key = try await harness.service.createKey(description: "orig", spec: .symmetricDefault, policy: nil, tags: [:])
        // A real storage failure: SQLite refuses every change to a key's record, as a full disk would.
        try await harness.store.writer.perform { db in
            try db.execute(sql: "CREATE TRIGGER refuse_key_changes BEFORE UPDATE ON kms_keys BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        }
        await #expect(throws: (any Error).self) { try await harness.service.disableKey(key.keyId) }
        await #expect(throws: (any Error).self) { _ = try await harness.service.scheduleKeyDeletion(key.keyId, days: 7) }
        await #expect(throws: (any Error).self) {
            try await harness.service.putKeyPolicy(key.keyId, policy: #"{"Version":"2012-10-17","Statement":[]}"#)
        }
        let shown = try harness.service.resolve(key.keyId)
        #expect(shown.state == .enabled && shown.deletionDate == nil && shown.policy == key.policy && shown.revision == key.revision)

        try await harness.store.writer.perform { db in try db.execute(sql: "DROP TRIGGER refuse_key_changes") }
        try await harness.service.disableKey(key.keyId)
        #expect(try harness.service.resolve(key.keyId).state == .disabled, "the next change that is stored applies")
        let restarted = try harness.restarted()
        try await restarted.service.start()
        #expect(try restarted.service.resolve(key.keyId).state == .disabled)
    }

    @Test("A new key never takes an id already in use")
    func keyIdsAreNeverReused() async throws {
        let harness = try KeyServiceHarness()
        let first = try await harness.service.createKey(description: "first", spec: .symmetricDefault, policy: nil, tags: [:])
        await #expect(throws: (any Error).self) {
            _ = try await harness.service.createKey(description: "second", spec: .symmetricDefault, policy: nil, tags: [:], keyId: first.keyId)
        }
        #expect(try harness.service.resolve(first.keyId).description == "first")
    }
}

@Suite("Due key deletions against changes made meanwhile")
struct DueDeletionTests {
    @Test("A deletion cancelled after the due work listed the key is not carried out")
    func cancelledMeanwhileIsKept() async throws {
        let harness = try KeyServiceHarness()
        let first = try await harness.service.createKey(description: "a", spec: .symmetricDefault, policy: nil, tags: [:])
        let second = try await harness.service.createKey(description: "b", spec: .symmetricDefault, policy: nil, tags: [:])
        for key in [first, second] { _ = try await harness.service.scheduleKeyDeletion(key.keyId, days: 7) }
        harness.advance(days: 8)
        let service = harness.service
        let cancelled = Mutex<String?>(nil)
        // While the first key's deletion runs, the other one's is cancelled: the due work listed
        // both before either happened.
        let deleted = try await service.runDueWork { change, run in
            if cancelled.withLock({ $0 }) == nil {
                let other = change.key.keyId == first.keyId ? second.keyId : first.keyId
                _ = try await service.cancelKeyDeletion(other)
                cancelled.withLock { $0 = other }
            }
            try await run()
        }
        #expect(deleted == 1)
        let kept = try #require(cancelled.withLock { $0 })
        #expect(try service.resolve(kept).state == .disabled)
        let restarted = try harness.restarted()
        try await restarted.service.start()
        #expect(try restarted.service.resolve(kept).state == .disabled, "the cancelled key's record and material are still stored")
    }
}
