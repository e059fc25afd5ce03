import WireFormat

/// One event as LookupEvents answers it.
public struct LookupEvent: Sendable {
    /// eventID.
    public var eventId: String
    /// eventName.
    public var eventName: String
    /// `true` or `false`.
    public var readOnly: String
    /// The access key of the call, if any.
    public var accessKeyId: String?
    /// eventTime, ms since the epoch.
    public var eventTime: Int64
    /// eventSource.
    public var eventSource: String
    /// The caller's user or role name, if any.
    public var username: String?
    /// The resources: type and name (ARN).
    public var resources: [(type: String, name: String)]
    /// The whole CloudTrail record (JSON text).
    public var cloudTrailEvent: String

    /// An event.
    public init(
        eventId: String, eventName: String, readOnly: String, accessKeyId: String?, eventTime: Int64, eventSource: String,
        username: String?, resources: [(type: String, name: String)], cloudTrailEvent: String
    ) {
        self.eventId = eventId
        self.eventName = eventName
        self.readOnly = readOnly
        self.accessKeyId = accessKeyId
        self.eventTime = eventTime
        self.eventSource = eventSource
        self.username = username
        self.resources = resources
        self.cloudTrailEvent = cloudTrailEvent
    }
}

/// Encodes LookupEvents answers and CloudTrail errors as AWS JSON 1.1.
public enum LookupResponseEncoder {
    /// The content type of every CloudTrail answer.
    public static let contentType = "application/x-amz-json-1.1"

    /// `{"Events": […], "NextToken": …}`, newest first.
    public static func encode(_ events: [LookupEvent], nextToken: String?, requestId: String) -> EncodedResponse {
        var output: [UInt8] = []
        output += Array(#"{"Events":["#.utf8)
        for (index, event) in events.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            var members: [(String, OutputNode)] = [
                ("EventId", .text(event.eventId)), ("EventName", .text(event.eventName)), ("ReadOnly", .text(event.readOnly)),
            ]
            if let key = event.accessKeyId { members.append(("AccessKeyId", .text(key))) }
            members += [("EventTime", .number(event.eventTime / 1000)), ("EventSource", .text(event.eventSource))]
            if let username = event.username { members.append(("Username", .text(username))) }
            members.append((
                "Resources",
                .list(itemName: "member", event.resources.map { .structure([("ResourceType", .text($0.type)), ("ResourceName", .text($0.name))]) })))
            members.append(("CloudTrailEvent", .text(event.cloudTrailEvent)))
            JSONWriter.write(.structure(members), into: &output)
        }
        output.append(UInt8(ascii: "]"))
        if let nextToken {
            output += Array(#","NextToken":"#.utf8)
            JSONWriter.writeString(nextToken, into: &output)
        }
        output.append(UInt8(ascii: "}"))
        return EncodedResponse(status: 200, headers: headers(requestId), body: output)
    }

    /// The error's status with `{"__type":…,"message":…}`.
    public static func encode(_ error: CloudTrailError, requestId: String) -> EncodedResponse {
        var body: [UInt8] = []
        JSONWriter.write(.structure([("__type", .text(error.type)), ("message", .text(error.message))]), into: &body)
        return EncodedResponse(status: error.status, headers: headers(requestId), body: body)
    }

    private static func headers(_ requestId: String) -> [(String, String)] {
        [("Content-Type", contentType), ("x-amzn-RequestId", requestId)]
    }
}
