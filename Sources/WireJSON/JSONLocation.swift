/// A place in a JSON document: 1-based line and column (counted in Unicode scalars), and the
/// 0-based UTF-8 byte offset.
public struct JSONLocation: Sendable, Hashable {
    /// The line, from 1; lines end at `\n`.
    public var line: Int
    /// The column, from 1, counted in Unicode scalars from the start of the line.
    public var column: Int
    /// The UTF-8 byte offset from the start of the document, from 0.
    public var offset: Int

    /// A location from its parts.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }
}
