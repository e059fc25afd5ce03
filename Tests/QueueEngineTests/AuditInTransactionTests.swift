import AuditTrail
import Testing
import WireJSON

@testable import Storage

/// Key uses are written with the change that made them, not after the request: a crash between
/// the two must not leave a committed change without the record of its key use.
@Suite("Audit records of key uses commit with the store's next change")
struct AuditInTransactionTests {
    private func keyUse(_ requestID: String) -> AuditEvent {
        AuditEvent(
            userIdentity: .init(type: "IAMUser", principalId: "AIDAP", arn: "arn:aws:iam::000000000000:user/p", accountId: "000000000000"),
            eventTime: 1_795_000_000_000, eventSource: "kms.amazonaws.com", eventName: "Decrypt", awsRegion: "us-east-1",
            sourceIPAddress: "sqs.amazonaws.com", userAgent: "sqs.amazonaws.com", requestParameters: nil, responseElements: nil,
            errorCode: nil, errorMessage: nil, requestID: requestID, eventID: "evt-\(requestID)", readOnly: true, resources: [],
            eventType: "AwsApiCall", eventCategory: "Management", recipientAccountId: "000000000000", additionalEventData: nil)
    }

    private func requestIDs(_ h: Harness) async throws -> [String] {
        let positions = try await h.store.auditStore.lookupCandidates(before: nil, limit: 100).reversed().map(\.position)
        let records = try await h.store.auditStore.records(at: positions)
        return try positions.map { position in
            let record = try JSONParser.parse(records[position] ?? [])
            return "\(record["eventName"]?.string ?? "?") \(record["requestID"]?.string ?? "?")"
        }
    }

    @Test("Work outside any request (a move task's step) writes its key uses in the transaction of its change")
    func keyUsesOfWorkWithoutARequest() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let step = PendingAuditRecord(keyUsesOf: "step-1")
        step.addKeyUse(keyUse("step-1"))
        try await PendingAuditRecord.$current.withValue(step) { try await h.send("moved") }
        #expect(try await requestIDs(h) == ["Decrypt step-1"], "in the store once the change returned")
        #expect(step.takeForTransaction(at: 0).isEmpty, "and not pending any more")
    }

    @Test("A key use made after the request's record was written goes into the next change's transaction")
    func keyUsesAfterTheRecord() async throws {
        let h = try await Harness()
        try await h.createQueue()
        let request = PendingAuditRecord(AuditEntry(keyUse("req-1")))  // its own record: any event will do
        try await PendingAuditRecord.$current.withValue(request) {
            try await h.send("first")
            request.addKeyUse(keyUse("req-1-use"))
            try await h.send("second")
        }
        #expect(try await requestIDs(h) == ["Decrypt req-1", "Decrypt req-1-use"])
    }
}
