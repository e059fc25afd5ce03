import AuditTrail
import Testing
import WireFormat
import WireJSON

@Suite("Audit record templates")
struct AuditRecordTemplateTests {
    private func event(requestID: String, eventID: String, eventTime: Int64, userAgent: String = "aws-cli/2") -> AuditEvent {
        var event = AuditLogVerifierTests.event(1)
        event.requestID = requestID
        event.eventID = eventID
        event.eventTime = eventTime
        event.userAgent = userAgent
        return event
    }

    @Test("Events alike share one template; each record is the template with its own time, request id and event id")
    func sharedTemplate() throws {
        let first = event(requestID: "r-1", eventID: "e-1", eventTime: 1_795_000_000_999)
        let second = event(requestID: "r-2", eventID: "e-2", eventTime: 1_795_000_061_000)
        #expect(first.template == second.template)
        #expect(first.template.hash.count == 32)
        let markers = first.template.bytes.filter { $0 < 0x20 }
        #expect(markers == [AuditRecordTemplate.eventTimeMarker, AuditRecordTemplate.requestIDMarker, AuditRecordTemplate.eventIDMarker])
        for (event, time) in [(first, "2026-11-18T11:06:40Z"), (second, "2026-11-18T11:07:41Z")] {
            let parsed = try JSONParser.parse(event.recordJSON)
            #expect(parsed["eventTime"]?.string == time)
            #expect(parsed["requestID"]?.string == event.requestID)
            #expect(parsed["eventID"]?.string == event.eventID)
            let entry = AuditEntry(event)
            #expect(entry.record == event.recordJSON)
            #expect(entry.leafHash == MerkleTree.leafHash(event.recordJSON))
        }
    }

    @Test("A control character in a caller's value is escaped, so it can never pass for a marker")
    func controlCharactersAreEscaped() throws {
        let sneaky = event(requestID: "r", eventID: "e", eventTime: 0, userAgent: "agent\u{01}\u{02}\u{03}")
        #expect(sneaky.template.bytes.filter { $0 < 0x20 }.count == 3)
        #expect(try JSONParser.parse(sneaky.recordJSON)["userAgent"]?.string == "agent\u{01}\u{02}\u{03}")
        #expect(sneaky.template != event(requestID: "r", eventID: "e", eventTime: 0).template)
    }

    @Test("Response elements of each event's own: the template holds a marker, each record its own value, hashed whole")
    func perEventResponseElements() throws {
        var first = event(requestID: "r-1", eventID: "e-1", eventTime: 0)
        first.responseElementsPerEvent = true
        first.responseElements = .structure([("messageId", .text("m-1"))])
        var second = first
        second.responseElements = .structure([("messageId", .text("m-2"))])
        #expect(first.template == second.template)
        #expect(first.template.bytes.filter { $0 < 0x20 } == [
            AuditRecordTemplate.eventTimeMarker, AuditRecordTemplate.responseElementsMarker, AuditRecordTemplate.requestIDMarker,
            AuditRecordTemplate.eventIDMarker,
        ])
        #expect(try JSONParser.parse(second.recordJSON)["responseElements"]?["messageId"]?.string == "m-2")
        let entry = AuditEntry(first)
        #expect(entry.record == first.recordJSON && entry.leafHash == MerkleTree.leafHash(first.recordJSON))
        // Given later (by the store's transaction), the value changes the record and its hash.
        var unanswered = first
        unanswered.responseElements = nil
        let pending = AuditEntry(unanswered)
        #expect(try JSONParser.parse(pending.record)["responseElements"].map { if case .null = $0 { true } else { false } } == true)
        let answered = pending.answering(Array(#"{"messageId":"m-1"}"#.utf8))
        #expect(answered.record == first.recordJSON && answered.leafHash == entry.leafHash)
    }

    @Test("A pending record awaiting its answer is encoded once answered, or with null responseElements when taken unanswered")
    func pendingRecordAwaitingAnswer() throws {
        var event = event(requestID: "r-1", eventID: "e-1", eventTime: 1_795_000_000_999)
        event.responseElementsPerEvent = true
        event.responseElements = .structure([("messageId", .text("m-1"))])
        let draft = AuditEntry.Draft(template: event.template, eventTime: event.eventTime, requestID: event.requestID, eventID: event.eventID)
        let answered = PendingAuditRecord(awaitingAnswer: draft)
        #expect(answered.requestID == "r-1")
        answered.answer(with: Array(#"{"messageId":"m-1"}"#.utf8))
        let taken = answered.takeForTransaction(at: 1_795_000_000_999)
        #expect(taken.count == 1 && taken[0].record == event.recordJSON && taken[0].leafHash == MerkleTree.leafHash(event.recordJSON))
        #expect(answered.takeForTransaction(at: 1_795_000_000_999).isEmpty)

        let unanswered = PendingAuditRecord(awaitingAnswer: draft).takeForTransaction(at: 1_795_000_000_999)
        var null = event
        null.responseElements = nil
        #expect(unanswered.count == 1 && unanswered[0].record == null.recordJSON)
        #expect(try JSONParser.parse(unanswered[0].record)["responseElements"].map { if case .null = $0 { true } else { false } } == true)
    }
}
