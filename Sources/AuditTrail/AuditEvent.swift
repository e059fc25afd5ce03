import SigV4
import Synchronization
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
        /// `IAMUser`, `AssumedRole`, `AWSAccount` (anonymous), or empty for a change the
        /// service made on its own (an `AwsServiceEvent`, whose identity has no type).
        public var type: String
        /// The principal id (`AIDA…`, `AROA…:session`), if known.
        public var principalId: String?
        /// The caller's ARN, if known.
        public var arn: String?
        /// The caller's account.
        public var accountId: String?
        /// The access key the call was signed with.
        public var accessKeyId: String?
        /// The user name (IAM users only; a role's name is its session issuer's).
        public var userName: String?
        /// For a role's session: the role that issued it (CloudTrail's
        /// `sessionContext.sessionIssuer`).
        public var sessionIssuer: SessionIssuer?
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

    /// The role behind an assumed-role session.
    public struct SessionIssuer: Sendable {
        /// The role's unique id (`AROA…`).
        public var principalId: String
        /// The role's IAM ARN (`arn:aws:iam::ACCOUNT:role/PATH/NAME`).
        public var arn: String
        /// The role's account.
        public var accountId: String
        /// The role's name.
        public var userName: String

        /// The issuer of a session of the role `userName`.
        public init(principalId: String, arn: String, accountId: String, userName: String) {
            self.principalId = principalId
            self.arn = arn
            self.accountId = accountId
            self.userName = userName
        }
    }

    /// A resource the call touched.
    public struct Resource: Sendable, Hashable {
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
    /// Whether the responseElements name what this one call made (a send's message ids), so
    /// the template leaves them to each event instead of holding them.
    public var responseElementsPerEvent = false
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
        template.record(
            eventTime: eventTime, requestID: requestID, eventID: eventID,
            responseElements: responseElementsPerEvent ? responseElementsJSON : nil)
    }

    /// The responseElements value as JSON (`null` when there are none).
    public var responseElementsJSON: [UInt8] {
        var output: [UInt8] = []
        JSONWriter.write(responseElements ?? .null, into: &output)
        return output
    }

    /// The record without its eventTime, requestID and eventID values.
    public var template: AuditRecordTemplate {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        output.append(contentsOf: #"{"eventVersion":"1.11","userIdentity":{"#.utf8)
        let identityStart = output.count
        Self.field("type", userIdentity.type.isEmpty ? nil : userIdentity.type, into: &output)
        Self.field("principalId", userIdentity.principalId, into: &output)
        Self.field("arn", userIdentity.arn, into: &output)
        Self.field("accountId", userIdentity.accountId, into: &output)
        Self.field("accessKeyId", userIdentity.accessKeyId, into: &output)
        Self.field("userName", userIdentity.userName, into: &output)
        if let issuer = userIdentity.sessionIssuer {
            output.append(contentsOf: #","sessionContext":{"sessionIssuer":{"type":"Role""#.utf8)
            Self.field("principalId", issuer.principalId, into: &output)
            Self.field("arn", issuer.arn, into: &output)
            Self.field("accountId", issuer.accountId, into: &output)
            Self.field("userName", issuer.userName, into: &output)
            output.append(contentsOf: #"},"attributes":{"mfaAuthenticated":"false"}}"#.utf8)
        }
        Self.field("invokedBy", userIdentity.invokedBy, into: &output)
        output.remove(at: identityStart)  // the comma before its first field
        output.append(UInt8(ascii: "}"))
        Self.marker("eventTime", AuditRecordTemplate.eventTimeMarker, into: &output)
        Self.field("eventSource", eventSource, into: &output)
        Self.field("eventName", eventName, into: &output)
        Self.field("awsRegion", awsRegion, into: &output)
        Self.field("sourceIPAddress", sourceIPAddress, into: &output)
        Self.field("userAgent", userAgent, into: &output)
        Self.field("requestParameters", requestParameters ?? .null, into: &output)
        if responseElementsPerEvent {
            Self.appendKey("responseElements", into: &output)
            output.append(AuditRecordTemplate.responseElementsMarker)
        } else {
            Self.field("responseElements", responseElements ?? .null, into: &output)
        }
        Self.field("errorCode", errorCode, into: &output)
        Self.field("errorMessage", errorMessage, into: &output)
        Self.marker("requestID", AuditRecordTemplate.requestIDMarker, into: &output)
        Self.marker("eventID", AuditRecordTemplate.eventIDMarker, into: &output)
        Self.field("readOnly", .boolean(readOnly), into: &output)
        if !resources.isEmpty {
            output.append(contentsOf: #","resources":["#.utf8)
            for (index, resource) in resources.enumerated() {
                output.append(contentsOf: (index == 0 ? #"{"accountId":"# : #",{"accountId":"#).utf8)
                JSONWriter.writeString(resource.accountId, into: &output)
                Self.field("type", resource.type, into: &output)
                Self.field("ARN", resource.arn, into: &output)
                output.append(UInt8(ascii: "}"))
            }
            output.append(UInt8(ascii: "]"))
        }
        Self.field("eventType", eventType, into: &output)
        Self.field("managementEvent", .boolean(managementEvent), into: &output)
        Self.field("recipientAccountId", recipientAccountId, into: &output)
        Self.field("eventCategory", eventCategory, into: &output)
        if let additionalEventData { Self.field("additionalEventData", additionalEventData, into: &output) }
        output.append(UInt8(ascii: "}"))
        return AuditRecordTemplate(bytes: output)
    }

    /// Appends `,"name":"` and `marker` and `"`: a value the template leaves out.
    private static func marker(_ name: StaticString, _ marker: UInt8, into output: inout [UInt8]) {
        appendKey(name, into: &output)
        output.append(UInt8(ascii: "\""))
        output.append(marker)
        output.append(UInt8(ascii: "\""))
    }

    /// Appends `,"name":"value"` unless `value` is nil.
    private static func field(_ name: StaticString, _ value: String?, into output: inout [UInt8]) {
        guard let value else { return }
        appendKey(name, into: &output)
        JSONWriter.writeString(value, into: &output)
    }

    /// Appends `,"name":` and the JSON of `node`.
    private static func field(_ name: StaticString, _ node: OutputNode, into output: inout [UInt8]) {
        appendKey(name, into: &output)
        JSONWriter.write(node, into: &output)
    }

    private static func appendKey(_ name: StaticString, into output: inout [UInt8]) {
        output.append(UInt8(ascii: ","))
        output.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { output.append(contentsOf: $0) }
        output.append(UInt8(ascii: "\""))
        output.append(UInt8(ascii: ":"))
    }

    /// The last second formatted, since records come many to a second.
    private static let lastTimestamp = Mutex<(seconds: Int64, text: String)>((-1, ""))

    /// `YYYY-MM-DDTHH:MM:SSZ` (UTC), as CloudTrail writes eventTime.
    public static func timestamp(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if let text = lastTimestamp.withLock({ $0.seconds == seconds ? $0.text : nil }) { return text }
        let text = AmzDate.iso8601(seconds: seconds)
        lastTimestamp.withLock { $0 = (seconds, text) }
        return text
    }
}

