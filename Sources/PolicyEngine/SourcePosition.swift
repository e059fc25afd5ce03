import WireJSON

/// A place in a policy's text: 1-based line and column (columns count Unicode scalars).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column, from 1.
    public var column: Int

    /// A position from its line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ location: JSONLocation) {
        self.init(line: location.line, column: location.column)
    }

    /// "line L, column C".
    public var description: String { "line \(line), column \(column)" }
}
