import AuditTrail
import Foundation
import GRDB
import Testing

@testable import Storage

@Suite("Audit schema v11: templates, the audit_records view, events kept across the rebuild")
struct AuditSchemaMigrationTests {
    private func event(_ index: Int) -> AuditEvent {
        AuditEvent(
            userIdentity: .init(type: "IAMUser", principalId: "AIDAP", arn: "arn:aws:iam::000000000000:user/p", accountId: "000000000000"),
            eventTime: 1_795_000_000_000 + Int64(index) * 1_500, eventSource: "sqs.amazonaws.com", eventName: "SendMessage",
            awsRegion: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "test", requestParameters: nil, responseElements: nil,
            errorCode: nil, errorMessage: nil, requestID: "req-\(index)", eventID: "evt-\(index)", readOnly: false, resources: [],
            eventType: "AwsApiCall", eventCategory: "Data", recipientAccountId: "000000000000", additionalEventData: nil)
    }

    @Test("Whole records written before v11 survive it; new events are stored by template and read back byte for byte")
    func migrationKeepsOldEventsAndStoresNewOnesByTemplate() async throws {
        let database = try DatabaseQueue()
        try Schema.migrator.migrate(database, upTo: "v10-audit-checkpoint-state")
        let old = (1...2).map { AuditEntry(event($0)) }
        try await database.write { db in
            for (offset, entry) in old.enumerated() {
                try db.execute(
                    sql: "INSERT INTO audit_events (position, event_id, event_time, record, leaf_hash) VALUES (?, ?, ?, ?, ?)",
                    arguments: [offset + 1, entry.eventID, entry.eventTime, Data(entry.record), Data(entry.leafHash)])
            }
        }
        try Schema.migrator.migrate(database)
        let appender = AuditAppender()
        let new = (3...5).map { AuditEntry(event($0)) }
        try await database.write { db in try appender.insert(db, new) }
        appender.committed()

        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT r.position, r.event_id, r.record, e.template_id FROM audit_records r JOIN audit_events e USING (position) ORDER BY position")
        }
        #expect(rows.map { $0["position"] as Int64 } == [1, 2, 3, 4, 5])
        #expect(rows.map { [UInt8]($0["record"] as Data) } == (old + new).map(\.record))
        #expect(rows.map { $0["template_id"] as Int64? } == [nil, nil, 1, 1, 1], "three events alike share one template")
        let templates = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_templates") }
        #expect(templates == 1)
        let indexes = try database.read { db in try Row.fetchAll(db, sql: "PRAGMA index_list(audit_events)") }
        #expect(indexes.isEmpty, "no index on event_id any more")
        for statement in ["UPDATE audit_events SET event_id = 'x' WHERE position = 1", "DELETE FROM audit_events WHERE position = 4",
                          "UPDATE audit_templates SET template = 'x'", "DELETE FROM audit_templates"] {
            await #expect(throws: DatabaseError.self, "\(statement)") { try await database.write { db in try db.execute(sql: statement) } }
        }
    }

    @Test("A rolled-back transaction's template is stored again by the next one")
    func rolledBackTemplateIsStoredAgain() async throws {
        let database = try DatabaseQueue()
        try Schema.migrator.migrate(database)
        let appender = AuditAppender()
        await #expect(throws: DatabaseError.self) {
            try await database.write { db in
                try appender.insert(db, [AuditEntry(event(1))])
                throw DatabaseError(message: "the request failed")
            }
        }
        appender.rolledBack()
        try await database.write { db in try appender.insert(db, [AuditEntry(event(2))]) }
        appender.committed()
        let record = try await database.read { db in try Data.fetchOne(db, sql: "SELECT record FROM audit_records WHERE position = 1") }
        #expect(record.map { [UInt8]($0) } == AuditEntry(event(2)).record)
    }

    @Test("v12: events stored before it read back unchanged; a send's own responseElements are stored with its event")
    func responseElementsMigration() async throws {
        let database = try DatabaseQueue()
        try Schema.migrator.migrate(database, upTo: "v11-audit-templates")
        let old = [AuditEntry(event(1))]
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO audit_templates (id, hash, template) VALUES (1, ?, ?);
                    INSERT INTO audit_events (position, event_id, event_time, record, leaf_hash, template_id, request_id)
                    VALUES (1, ?, ?, X'', ?, 1, ?)
                    """,
                arguments: [Data(old[0].template.hash), String(decoding: old[0].template.bytes, as: UTF8.self), old[0].eventID,
                            old[0].eventTime, Data(old[0].leafHash), old[0].requestID])
        }
        try Schema.migrator.migrate(database)
        var sent = event(2)
        sent.responseElementsPerEvent = true
        sent.responseElements = .structure([("messageId", .text("m-2"))])
        let new = [AuditEntry(sent)]
        let appender = AuditAppender()
        try await database.write { db in try appender.insert(db, new) }
        let records = try await database.read { db in
            try Data.fetchAll(db, sql: "SELECT record FROM audit_records ORDER BY position").map { [UInt8]($0) }
        }
        #expect(records == (old + new).map(\.record))
        #expect(String(decoding: records[1], as: UTF8.self).contains(#""responseElements":{"messageId":"m-2"}"#))
    }
}
