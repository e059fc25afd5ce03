/// Builds nothing but one string member of the top-level object, so a whole document can be
/// validated and one value read from it without building a tree (the audit verifier reads the
/// eventID of every record this way).
struct MemberStringBuilder: JSONTreeBuilder {
    enum Node {
        case string(String)
        /// An object, with the wanted member's value if it had one as a string.
        case object(String?)
        case other
    }

    /// The member wanted.
    let key: String

    func string(_ text: String, start: Int, end: Int) -> Node { .string(text) }
    func number(_ value: Double, literal: String, start: Int, end: Int) -> Node { .other }
    func bool(_ value: Bool, start: Int, end: Int) -> Node { .other }
    func null(start: Int, end: Int) -> Node { .other }

    func beginObject() -> String? { nil }
    func addMember(_ key: String, keyStart: Int, keyEnd: Int, value: Node, to object: inout String?) {
        guard key == self.key else { return }
        if case .string(let text) = value { object = text } else { object = nil }
    }
    func endObject(_ object: String?, start: Int, end: Int) -> Node { .object(object) }

    func beginArray() {}
    func addElement(_ value: Node, to array: inout Void) {}
    func endArray(_ array: Void, start: Int, end: Int) -> Node { .other }
}
