import WireJSON

/// botocore's client-side parameter validation (`ParamValidator`) over parsed JSON, with its wording: types,
/// required and unknown members, and minimum lengths and values (botocore checks no maximums).
struct ParameterCheck {
    /// One line per problem, as botocore's report lists them.
    var problems: [String] = []

    /// The members of an object; reports missing required and unknown members.
    @discardableResult
    mutating func structure(
        _ value: JSONValue, at name: String, members: [String], required: [String]
    ) -> [String: JSONValue]? {
        guard case .object(let object) = value else { return typeMismatch(value, at: name, valid: "<class 'dict'>") }
        for member in required where object[member] == nil {
            problems.append("Missing required parameter in \(name): \"\(member)\"")
        }
        for key in object.keys.sorted() where !members.contains(key) {
            problems.append("Unknown parameter in \(name): \"\(key)\", must be one of: \(members.joined(separator: ", "))")
        }
        return object
    }

    /// A string member, when present and a string.
    mutating func string(_ value: JSONValue?, at name: String, minLength: Int?) -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else { return typeMismatch(value, at: name, valid: "<class 'str'>") }
        if let minLength, text.unicodeScalars.count < minLength {
            problems.append("Invalid length for parameter \(name), value: \(text.unicodeScalars.count), valid min length: \(minLength)")
        }
        return text
    }

    /// A list member's items, when present and a list.
    mutating func list(_ value: JSONValue?, at name: String) -> [JSONValue]? {
        guard let value else { return nil }
        guard case .array(let items) = value else {
            return typeMismatch(value, at: name, valid: "<class 'list'>, <class 'tuple'>")
        }
        return items
    }

    /// A list of strings, each at least `minLength` long.
    mutating func strings(_ value: JSONValue?, at name: String, minLength: Int?) -> [String]? {
        list(value, at: name)?.enumerated().compactMap { index, item in string(item, at: "\(name)[\(index)]", minLength: minLength) }
    }

    /// An integer member of at least `minimum`.
    mutating func integer(_ value: JSONValue?, at name: String, minimum: Int) -> Int? {
        guard let value else { return nil }
        guard case .number(let number) = value, let integer = Int(exactly: number) else {
            return typeMismatch(value, at: name, valid: "<class 'int'>")
        }
        if integer < minimum { problems.append("Invalid value for parameter \(name), value: \(integer), valid min value: \(minimum)") }
        return integer
    }

    private mutating func typeMismatch<T>(_ value: JSONValue, at name: String, valid: String) -> T? {
        problems.append(
            "Invalid type for parameter \(name), value: \(Self.python(value, quoted: false)), type: \(Self.pythonType(value)), valid types: \(valid)")
        return nil
    }

    /// How Python's `str` (or, inside containers, `repr`) shows the value.
    private static func python(_ value: JSONValue, quoted: Bool) -> String {
        switch value {
        case .string(let text): quoted ? "'\(text)'" : text
        case .number(let number): Int(exactly: number).map(String.init) ?? String(number)
        case .bool(let flag): flag ? "True" : "False"
        case .null: "None"
        case .array(let items): "[" + items.map { python($0, quoted: true) }.joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.sorted { $0.key < $1.key }.map { "'\($0.key)': \(python($0.value, quoted: true))" }
                .joined(separator: ", ") + "}"
        }
    }

    private static func pythonType(_ value: JSONValue) -> String {
        switch value {
        case .string: "<class 'str'>"
        case .number(let number): Int(exactly: number) == nil ? "<class 'float'>" : "<class 'int'>"
        case .bool: "<class 'bool'>"
        case .null: "<class 'NoneType'>"
        case .array: "<class 'list'>"
        case .object: "<class 'dict'>"
        }
    }
}
