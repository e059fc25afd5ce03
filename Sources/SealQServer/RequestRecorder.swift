import KeyService
import Logging
import Metrics
import PolicyEngine

/// What the record stage knows of one finished request. Never payloads or secrets.
struct RequestRecord: Sendable {
    var requestId: String
    var action: String
    var principalArn: String?
    var accessKeyId: String?
    var sourceIP: String
    var queue: String?
    var decision: Decision?
    var errorCode: String?
}

/// Stage 5 of the request path: one record per request, allowed or denied.
///
/// Today it writes a structured log line; the audit trail (issue 7) makes this durable and
/// tamper-evident without touching the other stages.
struct RequestRecorder: Sendable {
    let logger: Logger

    func record(_ record: RequestRecord) {
        logger.debug(
            "request",
            metadata: [
                "request.id": "\(record.requestId)", "request.action": "\(record.action)",
                "principal.arn": "\(record.principalArn ?? "-")", "source.ip": "\(record.sourceIP)",
                "queue.name": "\(record.queue ?? "-")", "decision": "\(record.decision?.rawValue ?? "-")", "error.code": "\(record.errorCode ?? "-")",
            ])
    }

    /// Records a use of a KMS key the queue service made on a caller's behalf (SSE-KMS): the
    /// operation, key, caller and encryption context — never the data key.
    func recordKeyUse(_ use: EnvelopeSealer.KeyUse) {
        Counter(label: "sealq_queue_key_uses_total", dimensions: [("operation", use.operation)]).increment()
        logger.debug(
            "key use",
            metadata: [
                "key.operation": "\(use.operation)", "key.arn": "\(use.key.arn)", "principal.arn": "\(use.caller.principalArn ?? "-")",
                "source.ip": "\(use.caller.sourceIP)", "invoked.by": "sqs.amazonaws.com",
                "encryption.context": "\(use.encryptionContext)",
            ])
    }
}
