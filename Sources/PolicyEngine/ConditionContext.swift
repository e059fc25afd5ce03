/// The request's condition keys and their values; key names are case-insensitive.
public struct ConditionContext: Sendable {
    /// One key's values as the caller supplied them.
    struct Entry: Sendable {
        var name: String
        var values: [String]
        var type: ContextValueType
    }

    /// Entries by lowercased key name.
    private var entries: [String: Entry] = [:]

    /// An empty context.
    public init() {}

    /// Sets `key` to `values` (replacing any earlier values); an empty list means present but empty.
    public mutating func set(_ key: String, _ values: [String], type: ContextValueType = .string) {
        entries[key.lowercased()] = Entry(name: key, values: values, type: type)
    }

    /// Adds `values` to `key`. Condition keys are case-insensitive, so names that differ only in
    /// case (two encryption-context or tag keys, `Stage` and `stage`) are one key holding all
    /// their values, whatever order they come in: a policy testing it sees every one.
    public mutating func add(_ key: String, _ values: [String], type: ContextValueType = .string) {
        let lowercased = key.lowercased()
        guard var entry = entries[lowercased] else {
            entries[lowercased] = Entry(name: key, values: values, type: type)
            return
        }
        entry.values = (entry.values + values).sorted()
        entries[lowercased] = entry
    }

    /// Removes `key`.
    public mutating func remove(_ key: String) {
        entries[key.lowercased()] = nil
    }

    /// The values of `key`, or nil when the request does not carry it.
    public func values(_ key: String) -> [String]? {
        entries[key.lowercased()]?.values
    }

    /// The declared type of `key`, or nil when the request does not carry it.
    public func type(of key: String) -> ContextValueType? {
        entries[key.lowercased()]?.type
    }

    /// The key names as they were set.
    public var keys: [String] { entries.values.map(\.name).sorted() }

    /// The values of a key already lowercased (the evaluator's hot path).
    func values(lowercasedKey: String) -> [String]? {
        entries[lowercasedKey]?.values
    }

    /// The value a policy variable naming this key (already lowercased) stands for: nil when the
    /// key is absent, empty, or multivalued, since IAM does not substitute multivalued keys.
    func variableValue(lowercasedKey: String) -> String? {
        guard let entry = entries[lowercasedKey], !entry.type.isList, entry.values.count == 1 else { return nil }
        return entry.values[0]
    }
}
