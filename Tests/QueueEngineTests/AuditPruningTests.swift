import AuditTrail
import Foundation
import GRDB
import Testing
import WireJSON

@testable import Storage

/// Retention removes archived events; what only they needed (their templates, the checkpoints
/// and archive cuts behind the newest cut) goes too, and nothing a stored event still needs.
@Suite("Audit pruning behind the archive cut")
struct AuditPruningTests {
    private func entry(_ eventName: String, _ index: Int) -> AuditEntry {
        AuditEntry(
            AuditEvent(
                userIdentity: .init(type: "IAMUser", principalId: "AIDAP", arn: "arn:aws:iam::000000000000:user/p", accountId: "000000000000"),
                eventTime: 1_795_000_000_000 + Int64(index) * 1_000, eventSource: "kms.amazonaws.com", eventName: eventName,
                awsRegion: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "test", requestParameters: nil, responseElements: nil,
                errorCode: nil, errorMessage: nil, requestID: "req-\(index)", eventID: "evt-\(index)", readOnly: true, resources: [],
                eventType: "AwsApiCall", eventCategory: "Management", recipientAccountId: "000000000000", additionalEventData: nil))
    }

    /// Appends events named `names`, one each, after `first - 1`.
    private func append(_ store: SQLiteAuditStore, _ names: [String], from first: Int) async throws -> [AuditEntry] {
        let entries = names.enumerated().map { entry($1, first + $0) }
        try await store.append(entries)
        return entries
    }

    /// Archives the first `size` events of `entries` (the whole log so far).
    private func archive(_ store: SQLiteAuditStore, _ entries: [AuditEntry], through size: Int) async throws {
        var state = MerkleAccumulator()
        for entry in entries.prefix(size) { state.append(leafHash: entry.leafHash) }
        try await store.archive(through: state, now: 0)
    }

    private func eventName(_ store: SQLiteAuditStore, at position: Int64) async throws -> String? {
        let records = try await store.records(at: [position])
        return try records[position].flatMap { try JSONParser.parse($0)["eventName"]?.string }
    }

    private func templateCount(_ store: SQLiteMessageStore) async throws -> Int {
        try await store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_templates") ?? -1 }
    }

    @Test("Templates only archived events used go; one still in use and the newest stay; a later event of a removed one stores it again")
    func unusedTemplatesGo() async throws {
        let messages = try SQLiteMessageStore.inMemory(logger: quietLogger)
        let store = messages.auditStore
        var log = try await append(store, ["Decrypt", "Encrypt", "Encrypt", "Sign", "GenerateDataKey"], from: 1)
        try await archive(store, log, through: 2)
        #expect(try await templateCount(messages) == 4)

        let pruned = try await store.pruneBehindArchive(templateLimit: 100)
        #expect(pruned.templates == 1, "Decrypt's template: its one event is archived")
        #expect(try await templateCount(messages) == 3)
        for (position, name) in [(3, "Encrypt"), (4, "Sign"), (5, "GenerateDataKey")] {
            #expect(try await eventName(store, at: Int64(position)) == name)
        }
        // The appender knew Decrypt's template id; the next Decrypt must not point at it.
        log += try await append(store, ["Decrypt"], from: 6)
        #expect(try await eventName(store, at: 6) == "Decrypt")
        #expect(try await templateCount(messages) == 4)
        #expect(try await store.pruneBehindArchive(templateLimit: 100) == AuditPruneOutcome(checkpoints: 0, archiveCuts: 0, templates: 0))
    }

    @Test("A template that an event appended after the plan was read uses is kept")
    func templateUsedAfterThePlanStays() async throws {
        let messages = try SQLiteMessageStore.inMemory(logger: quietLogger)
        let store = messages.auditStore
        let log = try await append(store, ["Decrypt", "Encrypt"], from: 1)
        try await archive(store, log, through: 1)
        let plan = try await store.plannedPrune(templateLimit: 100)
        #expect(plan.unusedTemplates.count == 1)
        _ = try await append(store, ["Decrypt"], from: 3)
        #expect(try await store.prune(plan).templates == 0)
        #expect(try await eventName(store, at: 3) == "Decrypt")
    }

    @Test("At most the limit goes at a time")
    func templateLimit() async throws {
        let messages = try SQLiteMessageStore.inMemory(logger: quietLogger)
        let store = messages.auditStore
        let log = try await append(store, ["A1", "A2", "A3", "A4", "B"], from: 1)
        try await archive(store, log, through: 4)
        #expect(try await store.pruneBehindArchive(templateLimit: 3).templates == 3)
        #expect(try await store.pruneBehindArchive(templateLimit: 3).templates == 1)
        #expect(try await templateCount(messages) == 1)
    }

    @Test("Checkpoints and cuts behind the newest cut go, the one at the cut stays, and the schema refuses the rest")
    func checkpointsAndCuts() async throws {
        let messages = try SQLiteMessageStore.inMemory(logger: quietLogger)
        let store = messages.auditStore
        let log = try await append(store, ["Decrypt", "Encrypt", "Sign", "Verify"], from: 1)
        var state = MerkleAccumulator()
        for (offset, entry) in log.enumerated() {
            state.append(leafHash: entry.leafHash)
            let checkpoint = Checkpoint(treeSize: offset + 1, rootHash: state.rootHash, timestamp: 0, signature: [UInt8](repeating: 0, count: 64))
            try await store.appendCheckpoint(checkpoint, treeState: state)
        }
        try await archive(store, log, through: 1)
        try await archive(store, log, through: 2)
        let pruned = try await store.pruneBehindArchive(templateLimit: 100)
        #expect(pruned == AuditPruneOutcome(checkpoints: 1, archiveCuts: 1, templates: 2))
        #expect(try await store.checkpoints(after: 0).map(\.treeSize) == [2, 3, 4])
        #expect(try await store.archivedState()?.size == 2)
        for statement in ["DELETE FROM audit_checkpoints WHERE tree_size = 2", "DELETE FROM audit_archive",
                          "DELETE FROM audit_templates", "DELETE FROM audit_events WHERE position = 3"] {
            await #expect(throws: DatabaseError.self, "\(statement)") {
                try await messages.database.write { db in try db.execute(sql: statement) }
            }
        }
    }
}

@Suite("Audit schema v17: the pruning guards")
struct AuditPrunableSchemaTests {
    @Test("A database from before v17 takes the new guards by migration, so a start has nothing to restore")
    func migrationSetsTheGuards() async throws {
        let database = try DatabaseQueue()
        try Schema.migrator.migrate(database, upTo: "v16-group-head-index-covers-busy-until")
        try Schema.migrator.migrate(database)
        let restored = try await database.write { db in try AuditGuards.restore(db) }
        #expect(restored.isEmpty)
    }

    @Test("A database whose guards were dropped still migrates; the start then restores them")
    func migrationWithoutTheOldGuards() async throws {
        let database = try DatabaseQueue()
        try Schema.migrator.migrate(database, upTo: "v16-group-head-index-covers-busy-until")
        try await database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_checkpoints_no_delete; DROP TRIGGER audit_archive_no_delete")
        }
        try Schema.migrator.migrate(database)
        #expect(try await database.write { db in try AuditGuards.restore(db) }.isEmpty)
    }
}
