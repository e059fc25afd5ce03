import AuditTrail
import AuditWire
import Foundation
import SealCrypto
import Storage
import WireJSON

/// LookupEvents over the audit log: newest first, every given attribute matching (CloudTrail
/// takes one; SealQ combines several), within the time range, data events included.
public struct AuditLookup: Sendable {
    /// Up to `limit` events, newest first, before a position (all when nil).
    let fetch: @Sendable (_ before: Int64?, _ limit: Int) async throws -> [(event: StoredAuditEvent, eventTime: Int64)]

    /// A lookup over the live store.
    init(store: SQLiteAuditStore) {
        fetch = { try await store.eventsNewestFirst(before: $0, limit: $1) }
    }

    /// A lookup over the log in `dataDirectory`, read without writing (safe while the daemon runs).
    public init(dataDirectory: String) {
        let path = dataDirectory + "/sealq.sqlite"
        fetch = { try SQLiteAuditStore.eventsNewestFirst(path: path, before: $0, limit: $1) }
    }

    /// How far out of time order events may be stored: a call's eventTime is when it began,
    /// and it is appended when it ends (a long poll, 20 s later).
    private static let orderSlack: Int64 = 60_000

    /// One page of matching events and the token of the next, if any. eventTime has whole
    /// seconds, so an event matches StartTime and EndTime by its second.
    public func run(_ query: LookupQuery) async throws -> (events: [LookupEvent], nextToken: String?) {
        if query.insightsOnly { return ([], nil) }
        let tokenPosition = try query.nextToken.map { token throws(CloudTrailError) in try position(in: token, for: query) }
        var before = tokenPosition
        var found: [LookupEvent] = []
        var lastPosition: Int64?
        scan: while true {
            let page = try await fetch(before, 500)
            // Positions are dense: a token's page starts right below it, or the token was not ours.
            if before == tokenPosition, let tokenPosition, let first = page.first, first.event.position != tokenPosition - 1 {
                throw CloudTrailError.invalidNextToken
            }
            for (event, time) in page {
                before = event.position
                let second = time - time % 1000
                if let end = query.endTime, second > end { continue }
                if let start = query.startTime, second < start {
                    if time < start - Self.orderSlack { break scan }
                    continue
                }
                guard let record = try? JSONParser.parse(event.record), Self.matches(record, query.attributes) else { continue }
                found.append(Self.lookupEvent(record, eventTime: time, text: String(decoding: event.record, as: UTF8.self)))
                lastPosition = event.position
                if found.count == query.maxResults { break scan }
            }
            if page.count < 500 { return (found, nil) }
        }
        let more = found.count == query.maxResults && (lastPosition ?? 0) > 1
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
