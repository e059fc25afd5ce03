import AuditTrail
import SealCrypto
import Testing
import WireFormat
import WireJSON

@Suite("CloudTrail records and offline verification of the audit log")
struct AuditLogVerifierTests {
    static func event(_ index: Int) -> AuditEvent {
        AuditEvent(
            userIdentity: .init(
                type: "IAMUser", principalId: "AIDAPRODUCER", arn: "arn:aws:iam::000000000000:user/producer", accountId: "000000000000",
                accessKeyId: "AKIAPRODUCER", userName: "producer"),
            eventTime: 1_795_000_000_000 + Int64(index) * 1000, eventSource: "sqs.amazonaws.com", eventName: "SendMessage",
            awsRegion: "us-east-1", sourceIPAddress: "127.0.0.1", userAgent: "aws-cli/2",
            requestParameters: .structure([("queueUrl", .text("http://127.0.0.1:9324/000000000000/orders")), ("messageBody", .text(AuditEvent.hidden))]),
            responseElements: .structure([("messageId", .text("m-\(index)"))]), errorCode: nil, errorMessage: nil,
            requestID: "r-\(index)", eventID: "e-\(index)", readOnly: false,
            resources: [.init(type: "AWS::SQS::Queue", arn: "arn:aws:sqs:us-east-1:000000000000:orders", accountId: "000000000000")],
            eventType: "AwsApiCall", eventCategory: "Data", recipientAccountId: "000000000000",
            additionalEventData: .structure([("decision", .text("allowed"))]))
    }

    /// 50 events with checkpoints after every 10.
    static func log(key: Ed25519.SigningKey) -> ([StoredAuditEvent], [Checkpoint]) {
        var tree = MerkleAccumulator()
        var events: [StoredAuditEvent] = []
        var checkpoints: [Checkpoint] = []
        for index in 1...50 {
            let stored = StoredAuditEvent(event(index), position: Int64(index))
            events.append(stored)
            tree.append(leafHash: stored.leafHash)
            if index % 10 == 0 {
                checkpoints.append(.signed(treeSize: index, rootHash: tree.rootHash, timestamp: Int64(index), with: key))
            }
        }
        return (events, checkpoints)
    }

    func verify(_ events: [StoredAuditEvent], _ checkpoints: [Checkpoint], _ publicKey: [UInt8]) -> AuditLogVerifier.Finding {
        var verifier = AuditLogVerifier(checkpoints: checkpoints, publicKey: publicKey)
        for event in events where verifier.add(event) {}
        return verifier.finish()
    }

    func damage(_ finding: AuditLogVerifier.Finding) -> AuditDamage? {
        if case .damaged(let damage) = finding { return damage }
        return nil
    }

    @Test("A record is CloudTrail's JSON: fields in CloudTrail's order, eventVersion 1.11, times in UTC, hidden bodies")
    func recordShape() throws {
        let bytes = Self.event(1).recordJSON
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAPRODUCER""#))
        #expect(text.contains(#""eventTime":"2026-11-18T11:06:41Z","eventSource":"sqs.amazonaws.com","eventName":"SendMessage""#))
        #expect(text.contains(#""messageBody":"HIDDEN_DUE_TO_SECURITY_REASONS""#))
        #expect(text.contains(#""eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"000000000000","eventCategory":"Data""#))
        let parsed = try JSONParser.parse(bytes)
        #expect(parsed["errorCode"] == nil && parsed["eventID"]?.string == "e-1")
        #expect(AuditEvent.timestamp(0) == "1970-01-01T00:00:00Z")
        #expect(AuditEvent.timestamp(951_782_400_000) == "2000-02-29T00:00:00Z")
    }

    @Test("An untouched log verifies, with the root of its events")
    func sound() {
        let key = Ed25519.SigningKey()
        let (events, checkpoints) = Self.log(key: key)
        let all = events.map(\.leafHash)
        #expect(
            verify(events, checkpoints, key.publicKey)
                == .sound(.init(events: 50, checkpoints: 5, rootHash: MerkleTree.rootHash(all[...]), unsigned: 0, newestCheckpoint: checkpoints[4])))
        // The daemon's file beside the log is a copy of its newest checkpoint: counted once.
        guard case .sound(let summary) = verify(events, checkpoints + [checkpoints[4], checkpoints[2]], key.publicKey) else {
            Issue.record("a repeated checkpoint is not damage")
            return
        }
        #expect(summary.checkpoints == 5)
    }

    @Test("Events no checkpoint covers must be recent: old ones mean deleted checkpoints")
    func unsignedTail() throws {
        let key = Ed25519.SigningKey()
        let (events, checkpoints) = Self.log(key: key)
        // Event 41 is dated 1_795_000_041_000 ms; the last checkpoint covers 40 events.
        func finish(_ checkpoints: [Checkpoint], now: Int64) -> AuditLogVerifier.Finding {
            var verifier = AuditLogVerifier(checkpoints: checkpoints, publicKey: key.publicKey)
            for event in events where verifier.add(event) {}
            return verifier.finish(now: now, unsignedGrace: 120_000)
        }
        let recent = finish(Array(checkpoints.prefix(4)), now: 1_795_000_100_000)
        guard case .sound(let summary) = recent else { Issue.record("a recent unsigned tail is sound"); return }
        #expect(summary.unsigned == 10 && summary.newestCheckpoint == checkpoints[3])
        let stale = damage(finish(Array(checkpoints.prefix(4)), now: 1_795_000_200_000))
        #expect(stale?.position == 41 && stale?.reason.contains("checkpoints were deleted") == true)
        #expect(damage(finish([], now: 1_795_000_200_000))?.position == 1, "no checkpoint at all: every event unsigned")
        #expect(damage(finish(Array(checkpoints.prefix(4)), now: 1_794_999_000_000))?.position == 41, "dated in the future")
        if case .damaged = finish(checkpoints, now: 1_799_000_000_000) { Issue.record("a fully signed log has no unsigned tail") }
    }

    @Test("A checkpoint kept elsewhere catches a log rewritten behind deleted checkpoints")
    func trustedCheckpoint() {
        let key = Ed25519.SigningKey()
        let (events, checkpoints) = Self.log(key: key)
        var rewritten = events
        rewritten[16].record = Self.event(99).recordJSON
        rewritten[16].record = String(decoding: rewritten[16].record, as: UTF8.self).replacingOccurrences(of: "e-99", with: "e-17").utf8.map { $0 }
        rewritten[16].leafHash = MerkleTree.leafHash(rewritten[16].record)
        var tree = MerkleAccumulator()
        for event in rewritten { tree.append(leafHash: event.leafHash) }
        let resigned = Checkpoint.signed(treeSize: 50, rootHash: tree.rootHash, timestamp: 99, with: key)
        if case .damaged = verify(rewritten, [resigned], key.publicKey) { Issue.record("re-signed, the rewrite alone looks sound") }
        #expect(damage(verify(rewritten, [resigned, checkpoints[1]], key.publicKey))?.reason.contains("checkpoint 20") == true)
        #expect(damage(verify(Array(events.prefix(30)), [checkpoints[3]], key.publicKey))?.reason.contains("truncated") == true)
        // An edited checkpoint past the stored events is named as unsigned, not as proof of truncation.
        var edited = checkpoints[3]
        edited.treeSize = 999_999
        #expect(damage(verify(events, [edited], key.publicKey))?.reason == "checkpoint 999999 is not signed by the log's key")
    }

    @Test("Each kind of tampering is found and the first bad event named")
    func tampering() {
        let key = Ed25519.SigningKey()
        let (events, checkpoints) = Self.log(key: key)

        var modified = events
        modified[16].record[modified[16].record.count - 3] ^= 1
        #expect(damage(verify(modified, checkpoints, key.publicKey))?.position == 17)

        var rehashed = events
        rehashed[16].record = Self.event(99).recordJSON.map { $0 }
        rehashed[16].record = String(decoding: rehashed[16].record, as: UTF8.self).replacingOccurrences(of: "e-99", with: "e-17").utf8.map { $0 }
        rehashed[16].leafHash = MerkleTree.leafHash(rehashed[16].record)
        let rehashedDamage = damage(verify(rehashed, checkpoints, key.publicKey))
        #expect(rehashedDamage?.position == 11 && rehashedDamage?.reason.contains("checkpoint 20") == true, "found by the signed root")

        var deleted = events
        deleted.remove(at: 30)
        #expect(damage(verify(deleted, checkpoints, key.publicKey))?.position == 31)

        var inserted = events
        inserted.insert(StoredAuditEvent(Self.event(7), position: 8), at: 8)
        #expect(damage(verify(inserted, checkpoints, key.publicKey))?.position == 8)

        var reordered = events
        reordered.swapAt(23, 24)
        (reordered[23].position, reordered[24].position) = (24, 25)
        #expect(damage(verify(reordered, checkpoints, key.publicKey))?.position == 21)

        let truncated = Array(events.prefix(45))
        #expect(damage(verify(truncated, checkpoints, key.publicKey))?.position == 46)

        #expect(damage(verify(events, checkpoints, Ed25519.SigningKey().publicKey))?.reason.contains("not signed") == true)
    }

    @Test("After an archive cut, the rest of the log verifies from the archived state, which must match its signed checkpoint")
    func archived() {
        let key = Ed25519.SigningKey()
        let (events, checkpoints) = Self.log(key: key)
        var state = MerkleAccumulator()
        for event in events.prefix(20) { state.append(leafHash: event.leafHash) }
        let resumed = MerkleAccumulator(bytes: state.bytes)
        #expect(resumed == state && MerkleAccumulator(bytes: Array(state.bytes.dropLast())) == nil)
        var verifier = AuditLogVerifier(checkpoints: checkpoints, publicKey: key.publicKey, archived: resumed)
        for event in events.dropFirst(20) { verifier.add(event) }
        if case .sound(let summary) = verifier.finish() {
            #expect(summary.events == 50)
            #expect(summary.checkpoints == 4, "the one at the cut (checked against the archived state) and the three after it")
        } else {
            Issue.record("not sound")
        }
        var wrongState = MerkleAccumulator()
        for event in events.prefix(19) { wrongState.append(leafHash: event.leafHash) }
        wrongState.append(leafHash: MerkleTree.leafHash([1]))
        var refused = AuditLogVerifier(checkpoints: checkpoints, publicKey: key.publicKey, archived: wrongState)
        for event in events.dropFirst(20) { refused.add(event) }
        #expect(damage(refused.finish())?.reason.contains("archived state") == true)
    }
}
