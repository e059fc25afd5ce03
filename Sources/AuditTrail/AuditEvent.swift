import WireFormat

/// One CloudTrail record (eventVersion 1.11): a request SealQ served, or a key use it made on
/// a caller's behalf. Never holds a message body, key material, secret or signature: request
/// parameters that would carry one hold `AuditEvent.hidden` instead, as CloudTrail writes them.
public struct AuditEvent: Sendable {
    /// The value CloudTrail writes in place of message bodies and attribute values.
    public static let hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"
    /// The record format version, CloudTrail's current one.
    public static let eventVersion = "1.11"

    /// Who made the call.
    public struct UserIdentity: Sendable {
        /// `IAMUser`, `AssumedRole`, `AWSAccount` (anonymous), or `AWSService`.
        public var type: String
        /// The principal id (`AIDA…`, `AROA…:session`), if known.
        public var principalId: String?
        /// The caller's ARN, if known.
        public var arn: String?
        /// The caller's account.
        public var accountId: String?
        /// The access key the call was signed with.
        public var accessKeyId: String?
        /// The user name (IAM users) or role name (roles).
        public var userName: String?
        /// The service that made the call on the caller's behalf (`sqs.amazonaws.com`).
        public var invokedBy: String?

        /// An identity.
        public init(
            type: String, principalId: String? = nil, arn: String? = nil, accountId: String? = nil, accessKeyId: String? = nil,
            userName: String? = nil, invokedBy: String? = nil
        ) {
            self.type = type
            self.principalId = principalId
            self.arn = arn
            self.accountId = accountId
            self.accessKeyId = accessKeyId
            self.userName = userName
            self.invokedBy = invokedBy
        }
    }

    /// A resource the call touched.
    public struct Resource: Sendable {
        /// `AWS::SQS::Queue`, `AWS::KMS::Key`, …
        public var type: String
        /// Its ARN.
        public var arn: String
        /// The account that owns it.
        public var accountId: String

        /// A resource.
        public init(type: String, arn: String, accountId: String) {
            self.type = type
            self.arn = arn
            self.accountId = accountId
        }
    }

    /// Who.
    public var userIdentity: UserIdentity
    /// When, ms since the epoch.
    public var eventTime: Int64
    /// `sqs.amazonaws.com`, `kms.amazonaws.com`, `iam.amazonaws.com`, `sts.amazonaws.com`, `cloudtrail.amazonaws.com`.
    public var eventSource: String
    /// The action (`SendMessage`, `GenerateDataKey`, …).
    public var eventName: String
    /// The region.
    public var awsRegion: String
    /// The caller's address, or the service's name for calls a service made.
    public var sourceIPAddress: String
    /// The caller's User-Agent.
    public var userAgent: String?
    /// The request's parameters, with secrets and payloads hidden.
    public var requestParameters: OutputNode?
    /// What the call answered, with payloads hidden.
    public var responseElements: OutputNode?
    /// The error code of a failed call.
    public var errorCode: String?
    /// The error message of a failed call.
    public var errorMessage: String?
    /// The request id the caller saw.
    public var requestID: String
    /// This record's unique id.
    public var eventID: String
    /// Whether the call only read.
    public var readOnly: Bool
    /// The resources it touched.
    public var resources: [Resource]
    /// `AwsApiCall`, or `AwsServiceEvent` for key uses a service made.
    public var eventType: String
    /// `Management` or `Data`.
    public var eventCategory: String
    /// The account the record belongs to.
    public var recipientAccountId: String
    /// Beyond CloudTrail: the authorization decision and the statement that decided it.
    public var additionalEventData: OutputNode?

    /// A record; see the properties.
    public init(
        userIdentity: UserIdentity, eventTime: Int64, eventSource: String, eventName: String, awsRegion: String,
        sourceIPAddress: String, userAgent: String?, requestParameters: OutputNode?, responseElements: OutputNode?,
        errorCode: String?, errorMessage: String?, requestID: String, eventID: String, readOnly: Bool, resources: [Resource],
        eventType: String, eventCategory: String, recipientAccountId: String, additionalEventData: OutputNode?
    ) {
        self.userIdentity = userIdentity
        self.eventTime = eventTime
        self.eventSource = eventSource
        self.eventName = eventName
        self.awsRegion = awsRegion
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.requestParameters = requestParameters
        self.responseElements = responseElements
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.requestID = requestID
        self.eventID = eventID
        self.readOnly = readOnly
        self.resources = resources
        self.eventType = eventType
        self.eventCategory = eventCategory
        self.recipientAccountId = recipientAccountId
        self.additionalEventData = additionalEventData
    }

    /// Whether CloudTrail counts it a management event (everything but data events).
    public var managementEvent: Bool { eventCategory == "Management" }

    /// The record as CloudTrail writes it: a JSON object with its fields in CloudTrail's order,
    /// absent optional fields left out. These bytes are the Merkle leaf of the event.
    public var recordJSON: [UInt8] {
        var members: [(String, OutputNode)] = [
            ("eventVersion", .text(Self.eventVersion)), ("userIdentity", userIdentity.node),
            ("eventTime", .text(Self.timestamp(eventTime))), ("eventSource", .text(eventSource)), ("eventName", .text(eventName)),
            ("awsRegion", .text(awsRegion)), ("sourceIPAddress", .text(sourceIPAddress)),
        ]
        if let userAgent { members.append(("userAgent", .text(userAgent))) }
        members.append(("requestParameters", requestParameters ?? .null))
        members.append(("responseElements", responseElements ?? .null))
        if let errorCode { members.append(("errorCode", .text(errorCode))) }
        if let errorMessage { members.append(("errorMessage", .text(errorMessage))) }
        members += [
            ("requestID", .text(requestID)), ("eventID", .text(eventID)), ("readOnly", .boolean(readOnly)),
        ]
        if !resources.isEmpty {
            members.append((
                "resources",
                .list(itemName: "member", resources.map { .structure([("accountId", .text($0.accountId)), ("type", .text($0.type)), ("ARN", .text($0.arn))]) })))
        }
        members += [
            ("eventType", .text(eventType)), ("managementEvent", .boolean(managementEvent)),
            ("recipientAccountId", .text(recipientAccountId)), ("eventCategory", .text(eventCategory)),
        ]
        if let additionalEventData { members.append(("additionalEventData", additionalEventData)) }
        var output: [UInt8] = []
        JSONWriter.write(.structure(members), into: &output)
        return output
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (UTC), as CloudTrail writes eventTime.
    public static func timestamp(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        let days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }
}

extension AuditEvent.UserIdentity {
    var node: OutputNode {
        var members: [(String, OutputNode)] = [("type", .text(type))]
        if let principalId { members.append(("principalId", .text(principalId))) }
        if let arn { members.append(("arn", .text(arn))) }
        if let accountId { members.append(("accountId", .text(accountId))) }
        if let accessKeyId { members.append(("accessKeyId", .text(accessKeyId))) }
        if let userName { members.append(("userName", .text(userName))) }
        if let invokedBy { members.append(("invokedBy", .text(invokedBy))) }
        return .structure(members)
    }
}
