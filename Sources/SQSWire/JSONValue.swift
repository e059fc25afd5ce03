/// A parsed JSON value that keeps strings, numbers and booleans apart.
enum JSONValue: Decodable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The JSON type name, for error messages.
    var typeName: String {
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
