/// Builds plain `JSONValue`s and ignores every position: the request-path tree.
struct JSONValueBuilder: JSONTreeBuilder {
    func string(_ text: String, start: Int, end: Int) -> JSONValue { .string(text) }
    func number(_ value: Double, literal: String, start: Int, end: Int) -> JSONValue { .number(value) }
    func bool(_ value: Bool, start: Int, end: Int) -> JSONValue { .bool(value) }
    func null(start: Int, end: Int) -> JSONValue { .null }

    func beginObject() -> [String: JSONValue] { [:] }
    func addMember(_ key: String, keyStart: Int, keyEnd: Int, value: JSONValue, to object: inout [String: JSONValue]) {
        object[key] = value
    }
    func endObject(_ object: [String: JSONValue], start: Int, end: Int) -> JSONValue { .object(object) }

    func beginArray() -> [JSONValue] { [] }
    func addElement(_ value: JSONValue, to array: inout [JSONValue]) { array.append(value) }
    func endArray(_ array: [JSONValue], start: Int, end: Int) -> JSONValue { .array(array) }
}
