import WireFormat

/// Reads the Query protocol's member names out of decoded form fields: `Name`, `Name.member.N`, and
/// `Name.member.N.Field` for lists of structures. Lists are never flattened in IAM and STS.
struct QueryForm {
    let parameters: [String: String]
    private let lists: FlattenedListIndex

    /// The members of `parameters`.
    init(parameters: [String: String]) {
        self.parameters = parameters
        lists = FlattenedListIndex(names: parameters.keys)
    }

    /// The value of a scalar member.
    func string(_ name: String) -> String? {
        parameters[name]
    }

    /// The items of a list of strings, by index; nil when the list is absent. `Name=` alone is an empty list,
    /// which is how botocore sends one.
    func strings(_ name: String) -> [String]? {
        guard let prefixes = items(name) else { return nil }
        return prefixes.compactMap { parameters[$0] }
    }

    /// The field prefixes (`Name.member.N`) of a list's items, ordered by index; nil when the list is absent.
    func items(_ name: String) -> [String]? {
        let prefix = name + ".member."
        let indexes = lists.indices(under: prefix)
        if indexes.isEmpty { return parameters[name] == nil ? nil : [] }
        return indexes.map { prefix + String($0) }
    }
}
