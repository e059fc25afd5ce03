/// Builds `LocatedJSON`: every value and key with its line and column, members in document order.
struct LocatedJSONBuilder: JSONTreeBuilder {
    let locator: TextLocator

    private func located(_ value: LocatedJSON.Value, _ start: Int, _ end: Int) -> LocatedJSON {
        LocatedJSON(value: value, start: locator.location(of: start), end: locator.location(of: end))
    }

    func string(_ text: String, start: Int, end: Int) -> LocatedJSON { located(.string(text), start, end) }
    func number(_ value: Double, literal: String, start: Int, end: Int) -> LocatedJSON {
        located(.number(value, literal: literal), start, end)
    }
    func bool(_ value: Bool, start: Int, end: Int) -> LocatedJSON { located(.bool(value), start, end) }
    func null(start: Int, end: Int) -> LocatedJSON { located(.null, start, end) }

    func beginObject() -> [LocatedJSON.Member] { [] }
    func addMember(_ key: String, keyStart: Int, keyEnd: Int, value: LocatedJSON, to object: inout [LocatedJSON.Member]) {
        object.append(
            LocatedJSON.Member(
                key: key, keyStart: locator.location(of: keyStart), keyEnd: locator.location(of: keyEnd), value: value))
    }
    func endObject(_ object: [LocatedJSON.Member], start: Int, end: Int) -> LocatedJSON {
        located(.object(object), start, end)
    }

    func beginArray() -> [LocatedJSON] { [] }
    func addElement(_ value: LocatedJSON, to array: inout [LocatedJSON]) { array.append(value) }
    func endArray(_ array: [LocatedJSON], start: Int, end: Int) -> LocatedJSON { located(.array(array), start, end) }
}
