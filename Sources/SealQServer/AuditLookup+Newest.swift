import WireJSON

extension AuditLookup {
    /// For each of `wanted`, the newest event whose record `key` gives it, with its eventTime
    /// (ms). Events made from one template agree on everything but their ids and times, so only
    /// the newest event of each template is read (and every event stored whole): the cost grows
    /// with the kinds of records, not their number. Newest means latest eventTime, as events
    /// may be stored a little out of time order.
    func newest(
        of wanted: Set<String>, keyedBy key: (JSONValue) -> String?
    ) async throws -> [String: (eventTime: Int64, record: JSONValue)] {
        var found: [String: (eventTime: Int64, record: JSONValue)] = [:]
        let candidates = try await newestOfEachTemplate()
        for start in stride(from: 0, to: candidates.count, by: 500) {
            let chunk = candidates[start..<min(start + 500, candidates.count)]
            let read = try await records(chunk.map(\.position))
            for candidate in chunk {
                guard let record = read[candidate.position].flatMap({ try? JSONParser.parse($0) }), let name = key(record),
                    wanted.contains(name), candidate.eventTime > found[name]?.eventTime ?? Int64.min
                else { continue }
                found[name] = (candidate.eventTime, record)
            }
        }
        return found
    }
}
