import WireJSON

extension AuditLookup {
    /// For each of `wanted`, the newest event whose record `key` gives it, with its eventTime
    /// (ms): the log is scanned newest first until every one is found or the log ends. Events
    /// made from one template agree on everything but their ids and times, so each template is
    /// judged once, from one of its records, which stands for all of them.
    func newest(
        of wanted: Set<String>, keyedBy key: (JSONValue) -> String?
    ) async throws -> [String: (eventTime: Int64, record: JSONValue)] {
        var found: [String: (eventTime: Int64, record: JSONValue)] = [:]
        var judged: [Int64: (key: String, record: JSONValue)?] = [:]  // by template: its key and a record, when wanted
        var before: Int64?
        while found.count < wanted.count {
            let page = try await candidates(before, Self.pageSize)
            var samples: [Int64: Int64] = [:]  // template → position
            for candidate in page {
                if let template = candidate.templateId, judged[template] == nil, samples[template] == nil {
                    samples[template] = candidate.position
                }
            }
            let read = try await records(Array(samples.values) + page.filter { $0.templateId == nil }.map(\.position))
            func wantedRecord(at position: Int64) -> (key: String, record: JSONValue)? {
                guard let record = read[position].flatMap({ try? JSONParser.parse($0) }), let key = key(record), wanted.contains(key)
                else { return nil }
                return (key, record)
            }
            for (template, position) in samples { judged[template] = .some(wantedRecord(at: position)) }
            for candidate in page {
                guard let match = candidate.templateId.map({ judged[$0] ?? nil }) ?? wantedRecord(at: candidate.position),
                    found[match.key] == nil
                else { continue }
                found[match.key] = (candidate.eventTime, match.record)
            }
            guard page.count == Self.pageSize, let last = page.last else { break }
            before = last.position
        }
        return found
    }
}
