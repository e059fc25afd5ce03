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
    /// Keys (lowercased) to which `add` gave different values although they hold one value
    /// per request: names that differ only in case (`Stage`, `stage`) with different values.
    public private(set) var ambiguousKeys: Set<String> = []

    /// An empty context.
    public init() {}

    /// Sets `key` to `values` (replacing any earlier values); an empty list means present but empty.
    public mutating func set(_ key: String, _ values: [String], type: ContextValueType = .string) {
        entries[key.lowercased()] = Entry(name: key, values: values, type: type)
        ambiguousKeys.remove(key.lowercased())
    }

    /// Adds `values` to `key`. Condition keys are case-insensitive, so names that differ only in
    /// case (two encryption-context or tag keys, `Stage` and `stage`) are one key holding all
    /// their values, whatever order they come in. A single-valued key that so gets different
    /// values is ambiguous: see `readings(limit:of:)`.
    public mutating func add(_ key: String, _ values: [String], type: ContextValueType = .string) {
        add(contentsOf: [(key, values, type)])
    }

    /// `add` for each of `additions`, in one pass: the values of names that differ only in case
    /// are gathered and sorted once per key, so a request carrying thousands of such names (an
    /// encryption context, tags) costs no more than sorting them.
    public mutating func add(contentsOf additions: [(key: String, values: [String], type: ContextValueType)]) {
        // Gathered in place (no copy of a growing list per name), then sorted once per key.
        var gathered: [String: Entry] = [:]
        var merging: Set<String> = []
        for addition in additions {
            let lowercased = addition.key.lowercased()
            if gathered[lowercased] != nil {
                gathered[lowercased]!.values.append(contentsOf: addition.values)
                merging.insert(lowercased)
            } else if let existing = entries.removeValue(forKey: lowercased) {
                gathered[lowercased] = existing
                gathered[lowercased]!.values.append(contentsOf: addition.values)
                merging.insert(lowercased)
            } else {
                gathered[lowercased] = Entry(name: addition.key, values: addition.values, type: addition.type)
            }
        }
        for (lowercased, var entry) in gathered {
            if merging.contains(lowercased) {
                entry.values.sort()
                if !entry.type.isList, Set(entry.values).count > 1 { ambiguousKeys.insert(lowercased) }
            }
            entries[lowercased] = entry
        }
    }

    /// Every way to read an ambiguous context: one context per choice of a single value for each
    /// ambiguous key that `matters` (just this one when none does); nil when there would be more
    /// than `limit`. A decision that holds for every reading cannot be bent by the ambiguity.
    public func readings(limit: Int, of matters: (String) -> Bool) -> [ConditionContext]? {
        var readings = [self]
        for key in ambiguousKeys.sorted() where matters(key) {
            let values = Array(Set(entries[key]?.values ?? [])).sorted()
            guard readings.count * values.count <= limit else { return nil }
            readings = readings.flatMap { reading in
                values.map { value in
                    var chosen = reading
                    chosen.entries[key]?.values = [value]
                    chosen.ambiguousKeys.remove(key)
                    return chosen
                }
            }
        }
        return readings
    }

    /// Removes `key`.
    public mutating func remove(_ key: String) {
        entries[key.lowercased()] = nil
        ambiguousKeys.remove(key.lowercased())
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
