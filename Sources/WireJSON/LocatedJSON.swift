/// A JSON value with where it sits in its document, as `JSONParser.parseLocated` returns it.
///
/// Objects keep their members in document order, duplicates included, so a caller can report
/// a repeated key at the place it was written.
public struct LocatedJSON: Sendable {
    /// The value itself; containers hold located values.
    public enum Value: Sendable {
        /// A string, unescaped.
        case string(String)
        /// A number, with its literal text as written (`1e3`, `10`, `0.50`).
        case number(Double, literal: String)
        /// `true` or `false`.
        case bool(Bool)
        /// An array's elements in order.
        case array([LocatedJSON])
        /// An object's members in document order, duplicates kept.
        case object([Member])
        /// `null`.
        case null
    }

    /// One `"key": value` pair of an object.
    public struct Member: Sendable {
        /// The key, unescaped.
        public var key: String
        /// Where the key's opening quote is.
        public var keyStart: JSONLocation
        /// Just past the key's closing quote.
        public var keyEnd: JSONLocation
        /// The member's value.
        public var value: LocatedJSON
    }

    /// The value.
    public var value: Value
    /// Where the value's first character is.
    public var start: JSONLocation
    /// Just past the value's last character.
    public var end: JSONLocation

    /// The JSON type name, for error messages: "string", "number", "boolean", "array", "object" or "null".
    public var typeName: String {
        switch value {
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .array: "array"
        case .object: "object"
        case .null: "null"
        }
    }
}
