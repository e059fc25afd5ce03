/// What `JSONReader` builds as it reads: one lexer, several kinds of tree.
///
/// Offsets are UTF-8 byte offsets: `start` at a value's first byte, `end` just past its last.
protocol JSONTreeBuilder {
    /// A finished value.
    associatedtype Node
    /// An object under construction.
    associatedtype ObjectState
    /// An array under construction.
    associatedtype ArrayState

    func string(_ text: String, start: Int, end: Int) -> Node
    func number(_ value: Double, literal: String, start: Int, end: Int) -> Node
    func bool(_ value: Bool, start: Int, end: Int) -> Node
    func null(start: Int, end: Int) -> Node

    func beginObject() -> ObjectState
    func addMember(_ key: String, keyStart: Int, keyEnd: Int, value: Node, to object: inout ObjectState)
    func endObject(_ object: ObjectState, start: Int, end: Int) -> Node

    func beginArray() -> ArrayState
    func addElement(_ value: Node, to array: inout ArrayState)
    func endArray(_ array: ArrayState, start: Int, end: Int) -> Node
}
