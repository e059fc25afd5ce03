/// A parsed JSON value that keeps strings, numbers and booleans apart.
public enum JSONValue: Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    /// The member `key` of an object; nil for anything else.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    /// The text of a string value.
    public var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The value of a number.
    public var number: Double? {
        if case .number(let value) = self { value } else { nil }
    }

    /// The elements of an array value.
    public var array: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// The JSON type name, for error messages.
    public var typeName: String {
        switch self {
        case .string: return "STRING_VALUE"
        case .number: return "NUMBER_VALUE"
        case .bool: return "BOOLEAN_VALUE"
        case .array: return "START_ARRAY"
        case .object: return "START_OBJECT"
        case .null: return "VALUE_NULL"
        }
    }
}
