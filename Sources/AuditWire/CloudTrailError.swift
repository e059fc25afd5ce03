/// A CloudTrail error as it goes on the wire (AWS JSON 1.1): `{"__type": type, "message": …}`.
public struct CloudTrailError: Error, Sendable, Equatable {
    /// The exception name.
    public var type: String
    /// The HTTP status.
    public var status: Int
    /// The message.
    public var message: String

    /// An error.
    public init(type: String, status: Int = 400, message: String) {
        self.type = type
        self.status = status
        self.message = message
    }

    /// An attribute key outside CloudTrail's list, an empty or too long value, or a key given twice.
    public static func invalidLookupAttributes(_ message: String) -> CloudTrailError {
        CloudTrailError(type: "InvalidLookupAttributesException", message: message)
    }

    /// A start time after the end time.
    public static let invalidTimeRange = CloudTrailError(
        type: "InvalidTimeRangeException", message: "Occurs if the timestamp values are not valid. Either the start time occurs after the end time, or the time range is outside the range of possible values.")

    /// MaxResults outside 1–50.
    public static let invalidMaxResults = CloudTrailError(type: "InvalidMaxResultsException", message: "Maximum results must be between 1 and 50.")

    /// A NextToken not issued for this query.
    public static let invalidNextToken = CloudTrailError(type: "InvalidNextTokenException", message: "Invalid token or token that was previously used in a request with different parameters.")

    /// An EventCategory other than `insight`.
    public static let invalidEventCategory = CloudTrailError(type: "InvalidEventCategoryException", message: "EventCategory must be insight.")

    /// A body that is not a JSON object of the operation's members.
    public static func serialization(_ message: String) -> CloudTrailError {
        CloudTrailError(type: "SerializationException", message: message)
    }

    /// An `X-Amz-Target` naming no supported operation.
    public static func unknownOperation(_ target: String?) -> CloudTrailError {
        CloudTrailError(type: "UnknownOperationException", message: target.map { "Unknown operation \($0)" } ?? "Missing X-Amz-Target")
    }

    /// Not allowed.
    public static func accessDenied(principalArn: String) -> CloudTrailError {
        CloudTrailError(
            type: "AccessDeniedException", message: "User: \(principalArn) is not authorized to perform: cloudtrail:LookupEvents")
    }
    /// Something failed on our side.
    public static let internalFailure = CloudTrailError(type: "InternalFailure", status: 500, message: "An internal error occurred.")
}
