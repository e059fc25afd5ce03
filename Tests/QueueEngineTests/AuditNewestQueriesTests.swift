import AuditTrail
import Foundation
import Testing
import WireJSON

@testable import Storage

/// The two questions an access key's last use and a journaled change ask of the audit log:
/// the newest event of each kind of record, and the records of one request.
@Suite("Audit log: the newest of each template, and a request's records")
struct AuditNewestQueriesTests {
    private func entry(_ eventName: String, key: String, request: String, second: Int64) -> AuditEntry {
        AuditEntry(
            AuditEvent(
                userIdentity: .init(
                    type: "IAMUser", principalId: "AIDAP", arn: "arn:aws:iam::000000000000:user/p", accountId: "000000000000",
                    accessKeyId: key),
                eventTime: 1_795_000_000_000 + second * 1_000, eventSource: "sqs.amazonaws.com", eventName: eventName,
                awsRegion: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "test", requestParameters: nil, responseElements: nil,
                errorCode: nil, errorMessage: nil, requestID: request, eventID: "evt-\(second)", readOnly: false, resources: [],
                eventType: "AwsApiCall", eventCategory: "Data", recipientAccountId: "000000000000", additionalEventData: nil))
    }

    @Test("One candidate per template, its newest event, newest first")
    func newestOfEachTemplate() async throws {
        let store = try SQLiteMessageStore.inMemory(logger: quietLogger).auditStore
        try await store.append([
            entry("SendMessage", key: "AKIAONE", request: "r1", second: 1), entry("SendMessage", key: "AKIATWO", request: "r2", second: 2),
            entry("SendMessage", key: "AKIAONE", request: "r3", second: 3), entry("DeleteMessage", key: "AKIAONE", request: "r4", second: 4),
            entry("SendMessage", key: "AKIATWO", request: "r5", second: 5),
        ])
        let candidates = try await store.newestOfEachTemplate()
        #expect(candidates.map(\.position) == [5, 4, 3])
        #expect(candidates.map(\.eventTime) == [1_795_000_005_000, 1_795_000_004_000, 1_795_000_003_000])
        let records = try await store.records(at: candidates.map(\.position))
        let keys = try candidates.map { try JSONParser.parse(records[$0.position]!)["userIdentity"]?["accessKeyId"]?.string }
        #expect(keys == ["AKIATWO", "AKIAONE", "AKIAONE"])
    }

    @Test("A request's records are found by its id, whatever template they share")
    func recordsOfARequest() async throws {
        let store = try SQLiteMessageStore.inMemory(logger: quietLogger).auditStore
        try await store.append([
            entry("SendMessage", key: "AKIAONE", request: "r1", second: 1), entry("SendMessage", key: "AKIAONE", request: "r2", second: 2),
            entry("SendMessage", key: "AKIAONE", request: "r3", second: 3),
        ])
        let found = try await store.records(ofRequest: "r2").map { try JSONParser.parse($0)["requestID"]?.string }
        #expect(found == ["r2"])
        #expect(try await store.records(ofRequest: "r9").isEmpty)
    }
}
