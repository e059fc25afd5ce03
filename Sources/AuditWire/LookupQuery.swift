import WireJSON

/// A decoded LookupEvents call.
public struct LookupQuery: Sendable, Equatable {
    /// The lookup attributes CloudTrail knows.
    public enum Attribute: String, Sendable, CaseIterable {
        case eventId = "EventId", eventName = "EventName", readOnly = "ReadOnly", username = "Username"
        case resourceType = "ResourceType", resourceName = "ResourceName", eventSource = "EventSource", accessKeyId = "AccessKeyId"
    }

    /// Every attribute must match (beyond CloudTrail, which takes one).
    public var attributes: [(Attribute, String)]
    /// Events at or after, ms since the epoch.
    public var startTime: Int64?
    /// Events at or before, ms since the epoch.
    public var endTime: Int64?
    /// Page size, 1–50.
    public var maxResults: Int
    /// Where the previous page ended.
    public var nextToken: String?
    /// True when `EventCategory=insight` was asked for (SealQ has no Insights events).
    public var insightsOnly: Bool

    public static func == (lhs: LookupQuery, rhs: LookupQuery) -> Bool {
        lhs.attributes.map { "\($0.0.rawValue)=\($0.1)" } == rhs.attributes.map { "\($0.0.rawValue)=\($0.1)" }
            && lhs.startTime == rhs.startTime && lhs.endTime == rhs.endTime && lhs.maxResults == rhs.maxResults
            && lhs.nextToken == rhs.nextToken && lhs.insightsOnly == rhs.insightsOnly
    }

    /// A canonical text of the query's filters (not its page), which a NextToken is bound to.
    public var filterText: String {
        let attributes = attributes.map { "\($0.0.rawValue)=\($0.1)" }.sorted().joined(separator: "\n")
        return "\(attributes)\n\(startTime.map(String.init) ?? "-")\n\(endTime.map(String.init) ?? "-")"
    }

    /// The target of LookupEvents.
    public static let target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"

    /// Decodes a LookupEvents call, checking every member as CloudTrail does.
    public static func decode(target: String?, body: [UInt8]) throws(CloudTrailError) -> LookupQuery {
        guard target == Self.target else { throw .unknownOperation(target) }
        let json: JSONValue
        do { json = body.isEmpty ? .object([:]) : try JSONParser.parse(body) } catch {
            throw .serialization("The request body is not valid JSON.")
        }
        guard case .object(let given) = json else { throw .serialization("The request body must be a JSON object.") }
        // A member set to null is not given, as in every AWS JSON protocol.
        let members = given.filter { member in
            if case .null = member.value { return false }
            return true
        }
        var query = LookupQuery(attributes: [], startTime: nil, endTime: nil, maxResults: 50, nextToken: nil, insightsOnly: false)
        if let list = members["LookupAttributes"] {
            guard case .array(let items) = list else { throw .serialization("LookupAttributes must be a list.") }
            for item in items {
                guard let keyText = item["AttributeKey"]?.string, let value = item["AttributeValue"]?.string else {
                    throw .invalidLookupAttributes("Each lookup attribute needs an AttributeKey and an AttributeValue.")
                }
                guard let key = Attribute(rawValue: keyText) else {
                    throw .invalidLookupAttributes(
                        "AttributeKey \(keyText) is not valid; it must be one of \(Attribute.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                // CloudTrail counts `_`, space, `,` and newline twice toward the 2,000.
                let weightedLength = value.reduce(0) { $0 + ("_ ,\n".contains($1) ? 2 : 1) }
                guard !value.isEmpty, weightedLength <= 2000 else {
                    throw .invalidLookupAttributes("AttributeValue must be 1 to 2000 characters (_, space, comma and newline count twice).")
                }
                if key == .readOnly {
                    guard ["true", "false"].contains(value.lowercased()) else {
                        throw .invalidLookupAttributes("The ReadOnly AttributeValue must be true or false, not \(value).")
                    }
                }
                guard !query.attributes.contains(where: { $0.0 == key }) else {
                    throw .invalidLookupAttributes("AttributeKey \(keyText) is given more than once.")
                }
                query.attributes.append((key, value))
            }
        }
        query.startTime = try time(members["StartTime"], "StartTime")
        query.endTime = try time(members["EndTime"], "EndTime")
        if let start = query.startTime, let end = query.endTime, start > end { throw .invalidTimeRange }
        if let value = members["MaxResults"] {
            guard let number = value.number.flatMap({ Int(exactly: $0) }), (1...50).contains(number) else { throw .invalidMaxResults }
            query.maxResults = number
        }
        if let token = members["NextToken"] {
            guard let text = token.string, !text.isEmpty else { throw .invalidNextToken }
            query.nextToken = text
        }
        if let category = members["EventCategory"] {
            guard category.string == "insight" else { throw .invalidEventCategory }
            query.insightsOnly = true
        }
        return query
    }

    /// A timestamp member: epoch seconds (what the SDKs send), to ms. A number outside the
    /// possible times (before 1970, or from the year 3000) is an invalid time range, as AWS words it.
    private static func time(_ value: JSONValue?, _ name: String) throws(CloudTrailError) -> Int64? {
        guard let value else { return nil }
        guard let seconds = value.number, seconds.isFinite else {
            throw .serialization("\(name) must be a timestamp in seconds since the epoch.")
        }
        guard seconds >= 0, seconds < 32_503_680_000 else { throw .invalidTimeRange }
        return Int64((seconds * 1000).rounded(.down))
    }
}
