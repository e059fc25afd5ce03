import WireJSON

extension AuditLookup {
    /// The newest event whose record `matches`, with its eventTime (ms), scanned newest first.
    /// Events made from one template agree on everything but their ids and times, so each
    /// template is judged once, from one of its records, which stands for all of them.
    func newest(matching matches: (JSONValue) -> Bool) async throws -> (eventTime: Int64, record: JSONValue)? {
        var judged: [Int64: JSONValue?] = [:]  // by template: a record of it when it matches, else nil
        var before: Int64?
        while true {
            let page = try await candidates(before, Self.pageSize)
            var samples: [Int64: Int64] = [:]  // template → position
            for candidate in page {
                if let template = candidate.templateId, judged[template] == nil, samples[template] == nil {
                    samples[template] = candidate.position
                }
            }
            let read = try await records(Array(samples.values) + page.filter { $0.templateId == nil }.map(\.position))
            func matching(at position: Int64) -> JSONValue? {
                read[position].flatMap { try? JSONParser.parse($0) }.flatMap { matches($0) ? $0 : nil }
            }
            for (template, position) in samples { judged[template] = .some(matching(at: position)) }
            for candidate in page {
                let record = candidate.templateId.map { judged[$0] ?? nil } ?? matching(at: candidate.position)
                if let record { return (candidate.eventTime, record) }
            }
            guard page.count == Self.pageSize, let last = page.last else { return nil }
            before = last.position
        }
    }
}
