import Testing
import WireJSON

@testable import AuditTrail

@Suite("A pending audit record hands its events to transactions")
struct PendingAuditRecordTests {
    private func event(_ requestID: String, _ eventName: String = "Decrypt") -> AuditEvent {
        AuditEvent(
            userIdentity: .init(type: "IAMUser", principalId: "AIDAP", arn: "arn:aws:iam::000000000000:user/p", accountId: "000000000000"),
            eventTime: 1_795_000_000_000, eventSource: "kms.amazonaws.com", eventName: eventName, awsRegion: "us-east-1",
            sourceIPAddress: "sqs.amazonaws.com", userAgent: "sqs.amazonaws.com", requestParameters: nil, responseElements: nil,
            errorCode: nil, errorMessage: nil, requestID: requestID, eventID: "evt-\(requestID)", readOnly: true, resources: [],
            eventType: "AwsApiCall", eventCategory: "Management", recipientAccountId: "000000000000", additionalEventData: nil)
    }

    private func ids(_ entries: [AuditEntry]) -> [String] { entries.map(\.requestID) }

    @Test("Key uses come first, the record once; later key uses go to later transactions")
    func keyUsesAndRecord() {
        let pending = PendingAuditRecord(AuditEntry(event("req", "ReceiveMessage")))
        pending.addKeyUse(event("use-1"))
        #expect(ids(pending.takeForTransaction(at: 1_795_000_000_000)) == ["use-1", "req"])
        pending.transactionCommitted()
        pending.addKeyUse(event("use-2"))
        #expect(ids(pending.takeForTransaction(at: 1_795_000_000_000)) == ["use-2"])
        pending.transactionCommitted()
        #expect(pending.takeForTransaction(at: 1_795_000_000_000).isEmpty)
    }

    @Test("A rolled-back transaction gives back the record and the key uses it held")
    func rollback() {
        let pending = PendingAuditRecord(AuditEntry(event("req", "ReceiveMessage")))
        pending.addKeyUse(event("use-1"))
        _ = pending.takeForTransaction(at: 1_795_000_000_000)
        pending.addKeyUse(event("use-2"))  // made while that transaction was under way
        pending.transactionRolledBack()
        #expect(ids(pending.takeForTransaction(at: 1_795_000_000_000)) == ["use-1", "use-2", "req"])
    }

    @Test("A record taken a second or more after it was made reads the time it was taken (a long poll completes late)")
    func completionTime() throws {
        let made: Int64 = 1_795_000_000_000
        let soon = PendingAuditRecord(AuditEntry(event("req", "ReceiveMessage"))).takeForTransaction(at: made + 999)
        #expect(soon.map(\.eventTime) == [made])
        let late = PendingAuditRecord(AuditEntry(event("req", "ReceiveMessage"))).takeForTransaction(at: made + 12_345)
        #expect(late.map(\.eventTime) == [made + 12_345])
        let record = try JSONParser.parse(late[0].record)
        #expect(record["eventTime"]?.string == "2026-11-18T11:06:52Z" && record["eventID"]?.string == "evt-req")
        #expect(late[0].leafHash == MerkleTree.leafHash(late[0].record), "hashed as it now reads")
    }

    @Test("A record of key uses alone has no record of its own")
    func keyUsesAlone() {
        let pending = PendingAuditRecord(keyUsesOf: "step")
        #expect(pending.takeForTransaction(at: 1_795_000_000_000).isEmpty)
        pending.addKeyUse(event("step"))
        #expect(ids(pending.takeForTransaction(at: 1_795_000_000_000)) == ["step"])
        #expect(pending.requestID == "step")
    }

    @Test("The same kind of refused key use is recorded once per request")
    func refusalsOnce() {
        let pending = PendingAuditRecord(keyUsesOf: "req")
        pending.addRefusedKeyUse(event("refused-1"), kind: "Decrypt key-a AccessDeniedException")
        pending.addRefusedKeyUse(event("refused-2"), kind: "Decrypt key-a AccessDeniedException")
        pending.addRefusedKeyUse(event("refused-3"), kind: "Decrypt key-b AccessDeniedException")
        #expect(ids(pending.remainingKeyUses()) == ["refused-1", "refused-3"])
    }
}
