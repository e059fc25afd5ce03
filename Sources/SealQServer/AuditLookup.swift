import AuditTrail
import AuditWire
import Foundation
import SealCrypto
import Storage
import WireJSON

/// LookupEvents over the audit log: newest first, every given attribute matching (CloudTrail
/// takes one; SealQ combines several), within the time range, data events included.
///
/// Events made from one template (one caller, action and resource) agree on every attribute
/// but EventId, so each template is judged once, from one of its records, and only the records
/// of events that match are read: a lookup for rare events over a large log reads the events
/// table, not every record.
public struct AuditLookup: Sendable {
    /// Up to `limit` events, newest first, before a position (all when nil), without records.
    let candidates: @Sendable (_ before: Int64?, _ limit: Int) async throws -> [AuditLookupCandidate]
    /// The records of the events at these positions.
    let records: @Sendable (_ positions: [Int64]) async throws -> [Int64: [UInt8]]
    /// The newest event of each record template (and every event stored whole), newest first.
    let newestOfEachTemplate: @Sendable () async throws -> [AuditLookupCandidate]

    /// A lookup over the live store.
    init(store: SQLiteAuditStore) {
        candidates = { try await store.lookupCandidates(before: $0, limit: $1) }
        records = { try await store.records(at: $0) }
        newestOfEachTemplate = { try await store.newestOfEachTemplate() }
    }

    /// A lookup over the log in `dataDirectory`, read without writing (safe while the daemon runs).
    public init(dataDirectory: String) {
        let path = dataDirectory + "/sealq.sqlite"
        candidates = { try SQLiteAuditStore.lookupCandidates(path: path, before: $0, limit: $1) }
        records = { try SQLiteAuditStore.records(path: path, at: $0) }
        newestOfEachTemplate = { try SQLiteAuditStore.newestOfEachTemplate(path: path) }
    }

    /// How far out of time order events may be stored: a call's eventTime is when it completed,
    /// and its record may be appended a little later (or earlier, with the change it made).
    private static let orderSlack: Int64 = 60_000
    private static let pageSize = 500

    /// One page of matching events and the token of the next, if any. eventTime has whole
    /// seconds, so an event matches StartTime and EndTime by its second.
    public func run(_ query: LookupQuery) async throws -> (events: [LookupEvent], nextToken: String?) {
        if query.insightsOnly { return ([], nil) }
        let tokenPosition = try query.nextToken.map { token throws(CloudTrailError) in try position(in: token, for: query) }
        let eventIds = query.attributes.compactMap { $0.0 == .eventId ? $0.1 : nil }
        let shared = query.attributes.filter { $0.0 != .eventId }
        var verdicts: [Int64: Bool] = [:]  // by template: whether its events match `shared`
        var before = tokenPosition
        var found: [LookupEvent] = []
        var lastPosition: Int64?
        scan: while true {
            let page = try await candidates(before, Self.pageSize)
            // Positions are dense: a token's page starts right below it, or the token was not ours.
            if before == tokenPosition, let tokenPosition, let first = page.first, first.position != tokenPosition - 1 {
                throw CloudTrailError.invalidNextToken
            }
            var inRange: [AuditLookupCandidate] = []
            var reachedStart = false
            for candidate in page {
                before = candidate.position
                let second = candidate.eventTime - candidate.eventTime % 1000
                if let end = query.endTime, second > end { continue }
                if let start = query.startTime, second < start {
                    if candidate.eventTime < start - Self.orderSlack {
                        reachedStart = true
                        break
                    }
                    continue
                }
                if eventIds.allSatisfy({ $0 == candidate.eventID }) { inRange.append(candidate) }
            }
            // One record of each template not judged yet, and every record stored whole.
            var samples: [Int64: Int64] = [:]  // template → position
            for candidate in inRange {
                if let template = candidate.templateId, verdicts[template] == nil, samples[template] == nil {
                    samples[template] = candidate.position
                }
            }
            var read = try await records(Array(samples.values) + inRange.filter { $0.templateId == nil }.map(\.position))
            for (template, position) in samples {
                verdicts[template] = read[position].flatMap { try? JSONParser.parse($0) }.map { Self.matches($0, shared) } ?? false
            }
            var kept: [AuditLookupCandidate] = []
            for candidate in inRange where found.count + kept.count < query.maxResults {
                let matches = candidate.templateId.map { verdicts[$0] ?? false }
                    ?? read[candidate.position].flatMap { try? JSONParser.parse($0) }.map { Self.matches($0, shared) } ?? false
                if matches { kept.append(candidate) }
            }
            let unread = kept.map(\.position).filter { read[$0] == nil }
            if !unread.isEmpty { read.merge(try await records(unread)) { stored, _ in stored } }
            for candidate in kept {
                guard let bytes = read[candidate.position], let record = try? JSONParser.parse(bytes) else { continue }
                found.append(Self.lookupEvent(record, eventTime: candidate.eventTime, text: String(decoding: bytes, as: UTF8.self)))
                lastPosition = candidate.position
            }
            if found.count == query.maxResults { break scan }
            if reachedStart || page.count < Self.pageSize { return (found, nil) }
        }
        let more = (lastPosition ?? 0) > 1
        return (found, more ? lastPosition.map { token(position: $0, for: query) } : nil)
    }

    private static func matches(_ record: JSONValue, _ attributes: [(LookupQuery.Attribute, String)]) -> Bool {
        attributes.allSatisfy { key, value in
            switch key {
            case .eventId: return record["eventID"]?.string == value
            case .eventName: return record["eventName"]?.string == value
            case .eventSource: return record["eventSource"]?.string == value
            case .readOnly:
                return (record["readOnly"].map { if case .bool(let flag) = $0 { flag } else { false } } ?? false) == (value.lowercased() == "true")
            case .username: return Self.userName(in: record) == value
            case .accessKeyId: return record["userIdentity"]?["accessKeyId"]?.string == value
            case .resourceType: return (record["resources"]?.array ?? []).contains { $0["type"]?.string == value }
            case .resourceName:
                return (record["resources"]?.array ?? []).contains { resource in
                    guard let arn = resource["ARN"]?.string else { return false }
                    return arn == value || arn.hasSuffix(":" + value) || arn.hasSuffix("/" + value)
                }
            }
        }
    }

    /// The event's user name as LookupEvents reports it: the IAM user's, or for a role's session
    /// the role's (its session issuer's; every SealQ session has the same session name).
    private static func userName(in record: JSONValue) -> String? {
        let identity = record["userIdentity"]
        return identity?["userName"]?.string ?? identity?["sessionContext"]?["sessionIssuer"]?["userName"]?.string
    }

    private static func lookupEvent(_ record: JSONValue, eventTime: Int64, text: String) -> LookupEvent {
        let readOnly = record["readOnly"].map { if case .bool(true) = $0 { "true" } else { "false" } } ?? "false"
        return LookupEvent(
            eventId: record["eventID"]?.string ?? "", eventName: record["eventName"]?.string ?? "", readOnly: readOnly,
            accessKeyId: record["userIdentity"]?["accessKeyId"]?.string, eventTime: eventTime,
            eventSource: record["eventSource"]?.string ?? "", username: Self.userName(in: record),
            resources: (record["resources"]?.array ?? []).compactMap { resource in
                guard let type = resource["type"]?.string, let arn = resource["ARN"]?.string else { return nil }
                return (type, arn)
            },
            cloudTrailEvent: text)
    }

    /// `base64("v1:POSITION:FILTER-DIGEST")`: where the next page starts, bound to the query's filters.
    private func token(position: Int64, for query: LookupQuery) -> String {
        Data("v1:\(position):\(Self.digest(query))".utf8).base64EncodedString()
    }

    private func position(in token: String, for query: LookupQuery) throws(CloudTrailError) -> Int64 {
        guard let data = Data(base64Encoded: token) else { throw .invalidNextToken }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ":")
        guard parts.count == 3, parts[0] == "v1", let position = Int64(parts[1]), position > 0, parts[2] == Self.digest(query) else {
            throw .invalidNextToken
        }
        return position
    }

    private static func digest(_ query: LookupQuery) -> String {
        String(Hex.encode(Digest.sha256(Array(query.filterText.utf8))).prefix(16))
    }
}
