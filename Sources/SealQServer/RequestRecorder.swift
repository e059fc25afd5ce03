import AuditTrail
import KeyService
import Logging
import Metrics
import PolicyEngine
import Principals
import QueueEngine
import Synchronization
import WireFormat

/// What the record stage knows of one finished request. Never payloads or secrets. Records
/// equal but for their request id have the same audit record template.
struct RequestRecord: Sendable, Hashable {
    var requestId: String
    var action: String
    var accessKeyId: String?
    var sourceIP: String
    var queue: String?
    var decision: Decision?
    var errorCode: String?
    /// `sqs.amazonaws.com`, `kms.amazonaws.com`, `iam.amazonaws.com` or `sts.amazonaws.com`.
    var eventSource = "sqs.amazonaws.com"
    /// The authenticated caller, nil when anonymous or not authenticated.
    var principal: Principal?
    /// The caller's ARN, nil when anonymous or not authenticated.
    var principalArn: String? { principal?.arn }
    var userAgent: String?
    var errorMessage: String?
    /// The resources the call named.
    var resources: [AuditEvent.Resource] = []
    /// The call's parameters, payloads hidden.
    var requestParameters: OutputNode?
    /// What the answer said that an auditor needs (a new key's id), as CloudTrail records it.
    var responseElements: OutputNode?
    /// Whether each event gets its own responseElements, given to its pending record while the
    /// call runs (the messages a send stored) rather than known beforehand.
    var responseElementsPerEvent = false
    /// The statements that decided (the denying ones for a deny, else the allowing ones).
    var decidingStatements: [MatchedStatement] = []
    /// SQS message operations are data events; everything else is a management event.
    var dataEvent = false
    /// The key material a KMS crypto call used, recorded in `additionalEventData` under these
    /// names (`keyMaterialId`; ReEncrypt's `sourceKeyMaterialId` and `destinationKeyMaterialId`).
    var keyMaterialIds: [String: String] = [:]

    /// Records who `identity` is: the caller and the access key it signed with.
    mutating func identify(_ identity: Authenticator.Identity) {
        principal = identity.principal
        accessKeyId = identity.accessKeyId
    }
}

/// Stage 5 of the request path: one CloudTrail record per request, allowed, denied or failed,
/// and one per key use made on its behalf, durable in the audit log before the caller is
/// answered. A request that changes state has its record (built before it runs, as
/// `pending(for:)`) appended by the store in the same transaction as its first change; any
/// other is appended here. When the record cannot be written the caller gets an error
/// (fail-closed).
struct RequestRecorder: Sendable {
    let logger: Logger
    let audit: AuditLog
    let accountId: String
    let region: String
    /// Looks a principal up by ARN (for key uses, which name their caller by ARN).
    let principals: @Sendable (String) -> Principal?
    let templates = RecordTemplateCache()

    /// The pending record of a request about to run, as it will read if the request succeeds
    /// (encoded once the request gives its responseElements, when it has its own).
    func pending(for record: RequestRecord) -> PendingAuditRecord {
        record.responseElementsPerEvent ? PendingAuditRecord(awaitingAnswer: draft(of: record)) : PendingAuditRecord(entry(of: record))
    }

    /// The audit entry of `record`, from the template of records like it.
    func entry(of record: RequestRecord) -> AuditEntry {
        draft(of: record).entry()
    }

    /// The audit entry of `record`, not encoded yet.
    private func draft(of record: RequestRecord) -> AuditEntry.Draft {
        let record = record.bounded()
        let now = SystemTimeSource().nowMilliseconds()
        let eventID = RandomIdentifier.timeOrderedUUID(milliseconds: now)
        let template = templates.template(for: record) { event(of: record, at: now, eventID: eventID).template }
        return AuditEntry.Draft(template: template, eventTime: now, requestID: record.requestId, eventID: eventID)
    }

    /// Records the finished request `record`, durably: its pending record if that was written
    /// with a change (plus a second record with the outcome, should the request have failed
    /// after that change), else the record itself; and the key uses not written yet.
    func record(_ record: RequestRecord, pending: PendingAuditRecord? = nil) async throws {
        logger.debug(
            "request",
            metadata: [
                "request.id": "\(record.requestId)", "request.action": "\(record.action)",
                "principal.arn": "\(record.principalArn ?? "-")", "source.ip": "\(record.sourceIP)",
                "queue.name": "\(record.queue ?? "-")", "decision": "\(record.decision?.rawValue ?? "-")", "error.code": "\(record.errorCode ?? "-")",
            ])
        let entries: [AuditEntry]
        if let pending, pending.hasOwnRecord, record.errorCode == nil {
            // Succeeded: its record as encoded before it ran, unless a change already carried it,
            // and the key uses made since.
            entries = pending.takeForTransaction(at: SystemTimeSource().nowMilliseconds())
        } else {
            entries = (pending?.remainingKeyUses() ?? []) + [entry(of: record)]
        }
        try await audit.append(entries)
    }

    /// Records the failed request `record`, then gives `answer`, or `internalFailure` when the
    /// record cannot be stored: fail closed, no answer goes out before its record is on disk.
    /// Every service's pipeline ends its failures here.
    func answer(
        failed record: RequestRecord, pending: PendingAuditRecord? = nil, with answer: EncodedResponse,
        else internalFailure: () -> EncodedResponse
    ) async -> EncodedResponse {
        do {
            try await self.record(record, pending: pending)
            return answer
        } catch {
            logger.error("audit record failed", metadata: ["request.id": "\(record.requestId)", "error": "\(error)"])
            return internalFailure()
        }
    }

    /// The operations `sealq_queue_key_uses_total` counts by.
    static let keyUseOperations = ["GenerateDataKey", "Decrypt"]

    /// Makes the key-use counters at zero, so the first use after a start is not lost to
    /// Prometheus's `increase()`.
    static func startKeyUseCounters() {
        for operation in keyUseOperations { _ = Counter(label: "sealq_queue_key_uses_total", dimensions: [("operation", operation)]) }
    }

    /// Records a use of a KMS key the queue service made on a caller's behalf (SSE-KMS): with
    /// the request that caused it when there is one, else on its own.
    func recordKeyUse(_ use: EnvelopeSealer.KeyUse) {
        if use.errorCode == nil { Counter(label: "sealq_queue_key_uses_total", dimensions: [("operation", use.operation)]).increment() }
        if let pending = PendingAuditRecord.current {
            let event = event(of: use, requestId: pending.requestID)
            if let errorCode = use.errorCode {
                pending.addRefusedKeyUse(event, kind: "\(use.operation) \(use.key.arn) \(errorCode)")
            } else {
                pending.addKeyUse(event)
            }
            return
        }
        // A use outside any request, and outside work that binds a record of its key uses.
        let event = AuditEntry(event(of: use, requestId: RandomIdentifier.uuid()))
        let audit = audit
        let logger = logger
        Task {
            do { try await audit.append([event]) } catch {
                logger.error("audit record of a key use failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Records `change`, which the key service makes on its own, as CloudTrail records those
    /// (an `AwsServiceEvent` by "AWS Internal", the key as resource and `responseElements.keyId`),
    /// in the transaction of the write `run` makes.
    func recordDueChange(_ change: KeyService.DueChange, run: () async throws -> Void) async throws {
        let now = SystemTimeSource().nowMilliseconds()
        var identity = AuditEvent.UserIdentity(type: "", accountId: change.key.accountId)
        identity.invokedBy = "AWS Internal"
        let event = AuditEvent(
            userIdentity: identity, eventTime: now, eventSource: "kms.amazonaws.com", eventName: change.kind.rawValue,
            awsRegion: region, sourceIPAddress: "AWS Internal", userAgent: "AWS Internal", requestParameters: nil,
            responseElements: .structure([("keyId", .text(change.key.arn))]), errorCode: nil, errorMessage: nil,
            requestID: RandomIdentifier.uuid(), eventID: RandomIdentifier.timeOrderedUUID(milliseconds: now), readOnly: false,
            resources: [.init(type: "AWS::KMS::Key", arn: change.key.arn, accountId: change.key.accountId)], eventType: "AwsServiceEvent",
            eventCategory: "Management", recipientAccountId: accountId, additionalEventData: nil)
        let pending = PendingAuditRecord(AuditEntry(event))
        try await PendingAuditRecord.$current.withValue(pending) { try await run() }
        try await audit.append(pending.takeForTransaction(at: SystemTimeSource().nowMilliseconds()))
    }

    /// The CloudTrail record of a request made at `now` (ms), with the event id `eventID`.
    func event(of record: RequestRecord, at now: Int64, eventID: String) -> AuditEvent {
        var decision: [(String, OutputNode)] = [("decision", .text(record.decision?.rawValue ?? "notEvaluated"))]
        if !record.decidingStatements.isEmpty {
            decision.append((
                "decidingStatements",
                .list(itemName: "member", record.decidingStatements.map { statement in
                    .structure([
                        ("policy", .text(statement.policyId)), ("sid", statement.sid.map(OutputNode.text) ?? .null),
                        ("effect", .text(statement.effect.rawValue)),
                        ("line", .number(Int64(statement.start.line))), ("column", .number(Int64(statement.start.column))),
                    ])
                })))
        }
        var event = AuditEvent(
            userIdentity: identity(record.principal, accessKeyId: record.accessKeyId),
            eventTime: now, eventSource: record.eventSource, eventName: record.action,
            awsRegion: record.eventSource == Self.iamEventSource ? "us-east-1" : region, sourceIPAddress: record.sourceIP,
            userAgent: record.userAgent, requestParameters: record.requestParameters, responseElements: record.responseElements,
            errorCode: record.errorCode,
            errorMessage: record.errorMessage, requestID: record.requestId, eventID: eventID,
            readOnly: Self.isReadOnly(record.action), resources: record.resources, eventType: "AwsApiCall",
            eventCategory: record.dataEvent ? "Data" : "Management", recipientAccountId: accountId,
            additionalEventData: .structure(
                record.keyMaterialIds.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value)) } + [("authorization", .structure(decision))]))
        // A failed call made nothing to name: its record says null, as CloudTrail's do.
        event.responseElementsPerEvent = record.responseElementsPerEvent && record.errorCode == nil
        return event
    }

    /// The CloudTrail record of a key use made by the queue service for a caller, as KMS logs
    /// those: the caller's identity with `invokedBy` the queue service.
    func event(of use: EnvelopeSealer.KeyUse, requestId: String) -> AuditEvent {
        var identity = identity(use.caller.principalArn.flatMap(principals), accessKeyId: use.caller.accessKeyId)
        identity.invokedBy = "sqs.amazonaws.com"
        let now = SystemTimeSource().nowMilliseconds()
        let context = use.encryptionContext.sorted { $0.key < $1.key }.map { ($0.key, OutputNode.text($0.value)) }
        var parameters: [(String, OutputNode)] = [("keyId", .text(use.key.arn)), ("encryptionContext", .structure(context))]
        // As KMS logs them: GenerateDataKey names its key spec, Decrypt its algorithm.
        parameters.append(use.operation == "GenerateDataKey" ? ("keySpec", .text("AES_256")) : ("encryptionAlgorithm", .text("SYMMETRIC_DEFAULT")))
        return AuditEvent(
            userIdentity: identity, eventTime: now, eventSource: "kms.amazonaws.com",
            eventName: use.operation, awsRegion: region, sourceIPAddress: "sqs.amazonaws.com", userAgent: "sqs.amazonaws.com",
            requestParameters: .structure(parameters), responseElements: nil, errorCode: use.errorCode, errorMessage: use.errorMessage,
            requestID: requestId, eventID: RandomIdentifier.timeOrderedUUID(milliseconds: now), readOnly: true,
            resources: [.init(type: "AWS::KMS::Key", arn: use.key.arn, accountId: use.key.accountId)], eventType: "AwsApiCall",
            eventCategory: "Management", recipientAccountId: accountId,
            additionalEventData: use.keyMaterialId.map { .structure([("keyMaterialId", .text($0))]) })
    }

    /// CloudTrail's userIdentity of `principal` (anonymous when nil).
    private func identity(_ principal: Principal?, accessKeyId: String?) -> AuditEvent.UserIdentity {
        guard let principal else {
            // Anonymous, or a signature that failed: then the key it claimed.
            var anonymous = AuditEvent.UserIdentity(type: "AWSAccount", principalId: "", accountId: "ANONYMOUS_PRINCIPAL")
            anonymous.accessKeyId = accessKeyId
            return anonymous
        }
        guard principal.kind == .role else {
            return .init(
                type: "IAMUser", principalId: principal.userId, arn: principal.arn, accountId: principal.accountId,
                accessKeyId: accessKeyId, userName: principal.name)
        }
        var session = AuditEvent.UserIdentity(
            type: "AssumedRole", principalId: principal.userId, arn: principal.arn, accountId: principal.accountId, accessKeyId: accessKeyId)
        session.sessionIssuer = .init(
            principalId: String(principal.userId.prefix { $0 != ":" }), arn: principal.principalArn, accountId: principal.accountId,
            userName: principal.name)
        return session
    }

    /// IAM is a global service: CloudTrail records its events in us-east-1, whatever the region
    /// of the rest of the account's calls.
    static let iamEventSource = "iam.amazonaws.com"

    /// Whether CloudTrail marks the action read-only.
    static func isReadOnly(_ action: String) -> Bool {
        ["Get", "List", "Describe", "Receive", "Simulate", "Lookup"].contains { action.hasPrefix($0) }
            || kmsReadOnlyActions.contains(action)
    }

    /// KMS's cryptographic operations, which CloudTrail records as read-only (they change no key).
    private static let kmsReadOnlyActions: Set<String> = [
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateRandom", "GenerateMac",
        "VerifyMac",
    ]
}

extension RequestRecord {
    /// Longest text kept from a call that failed or was refused: its values were never checked
    /// against their limits, and an unauthenticated caller must not fill the log with them.
    static let refusedTextLimit = 1024
    /// Longest text kept from a call that succeeded (a key policy is up to 32 KiB).
    static let acceptedTextLimit = 65_536
    /// Longest access key id kept (IAM's are at most 128 characters; a claimed one may be anything).
    static let accessKeyIdLimit = 128
    /// Most members kept of one structure, list or map of a failed or refused call.
    static let refusedMemberLimit = 100

    /// The record with its caller-supplied texts cut to size, marked where cut (itself, as it
    /// almost always is, when nothing is too long).
    func bounded() -> RequestRecord {
        let accepted = decision == .allowed && errorCode == nil
        let limit = accepted ? Self.acceptedTextLimit : Self.refusedTextLimit
        let memberLimit = accepted ? Int.max : Self.refusedMemberLimit
        let small = (userAgent?.utf8.count ?? 0) <= Self.refusedTextLimit && (errorMessage?.utf8.count ?? 0) <= Self.refusedTextLimit
            && (accessKeyId?.utf8.count ?? 0) <= Self.accessKeyIdLimit
            && (queue?.utf8.count ?? 0) <= Self.refusedTextLimit && resources.allSatisfy { $0.arn.utf8.count <= limit }
            && requestParameters.map { Self.fits($0, textLimit: limit, memberLimit: memberLimit) } ?? true
        if small { return self }
        var copy = self
        copy.userAgent = userAgent.map { Self.cut($0, to: Self.refusedTextLimit) }
        copy.errorMessage = errorMessage.map { Self.cut($0, to: Self.refusedTextLimit) }
        copy.resources = resources.map { AuditEvent.Resource(type: $0.type, arn: Self.cut($0.arn, to: limit), accountId: $0.accountId) }
        copy.requestParameters = requestParameters.map { Self.cut($0, textLimit: limit, memberLimit: accepted ? nil : Self.refusedMemberLimit) }
        copy.queue = queue.map { Self.cut($0, to: Self.refusedTextLimit) }
        copy.accessKeyId = accessKeyId.map { Self.cut($0, to: Self.accessKeyIdLimit) }
        return copy
    }

    private static func fits(_ node: OutputNode, textLimit: Int, memberLimit: Int) -> Bool {
        switch node {
        case .text(let text): return text.utf8.count <= textLimit
        case .structure(let fields):
            return fields.count <= memberLimit
                && fields.allSatisfy { $0.0.utf8.count <= refusedTextLimit && fits($0.1, textLimit: textLimit, memberLimit: memberLimit) }
        case .list(_, let items):
            return items.count <= memberLimit && items.allSatisfy { fits($0, textLimit: textLimit, memberLimit: memberLimit) }
        case .map(_, _, _, let pairs):
            return pairs.count <= memberLimit
                && pairs.allSatisfy { $0.0.utf8.count <= refusedTextLimit && fits($0.1, textLimit: textLimit, memberLimit: memberLimit) }
        case .boolean, .number, .null: return true
        }
    }

    private static func cut(_ node: OutputNode, textLimit: Int, memberLimit: Int?) -> OutputNode {
        func members<T>(_ items: [T]) -> [T] { memberLimit.map { Array(items.prefix($0)) } ?? items }
        switch node {
        case .text(let text): return .text(cut(text, to: textLimit))
        case .structure(let fields):
            return .structure(members(fields).map { (cut($0.0, to: refusedTextLimit), cut($0.1, textLimit: textLimit, memberLimit: memberLimit)) })
        case .list(let itemName, let items):
            return .list(itemName: itemName, members(items).map { cut($0, textLimit: textLimit, memberLimit: memberLimit) })
        case .map(let entry, let key, let value, let pairs):
            return .map(
                entryName: entry, keyName: key, valueName: value,
                members(pairs).map { (cut($0.0, to: refusedTextLimit), cut($0.1, textLimit: textLimit, memberLimit: memberLimit)) })
        case .boolean, .number, .null: return node
        }
    }

    /// `text` if it has at most `limit` UTF-8 bytes, else its start and how much was cut.
    static func cut(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        // Back off to the start of a character.
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while end > text.startIndex && text.utf8[end] & 0xC0 == 0x80 { end = text.utf8.index(before: end) }
        let kept = text.utf8[..<end].count
        return String(text[..<end]) + "…[\(text.utf8.count - kept) bytes cut]"
    }
}
