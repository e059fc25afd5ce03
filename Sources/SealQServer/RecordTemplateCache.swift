import AuditTrail
import Synchronization

/// The audit record templates of recent requests, keyed by the request's record with its
/// request id left out, so a request like an earlier one (same caller, queue, action and
/// outcome) skips encoding its record and hashing the template.
final class RecordTemplateCache: Sendable {
    /// Past this many templates, the cache starts over.
    private static let limit = 1_000
    private let templates = Mutex<[RequestRecord: AuditRecordTemplate]>([:])

    /// The template of records like `record`, made by `make` unless one is cached.
    func template(for record: RequestRecord, make: () -> AuditRecordTemplate) -> AuditRecordTemplate {
        var key = record
        key.requestId = ""
        if let template = templates.withLock({ $0[key] }) { return template }
        let template = make()
        templates.withLock { templates in
            if templates.count >= Self.limit { templates = [:] }
            templates[key] = template
        }
        return template
    }
}
