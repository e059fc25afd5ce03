/// A strict RFC 8259 parser for request and response bodies: UTF-8 only, bounded nesting,
/// no trailing data.
public enum JSONParser {
    /// Why a body is not valid JSON, and where.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// A short reason, such as "expected ',' or '}'".
        public var reason: String
        /// Where the parser stopped.
        public var location: JSONLocation

        /// "line L, column C: reason".
        public var description: String { "line \(location.line), column \(location.column): \(reason)" }
    }

    /// Parses a whole document into plain values (the request path: no positions are kept).
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        try read(bytes, builder: JSONValueBuilder())
    }

    /// Checks that `bytes` is a whole valid document and returns the string value of the
    /// top-level object's member `key` (nil when there is none, or it is not a string), without
    /// building a tree. Of duplicate keys, the last one counts, as in `parse`.
    public static func topLevelString(_ key: String, in bytes: [UInt8]) throws(Failure) -> String? {
        guard case .object(let value) = try read(bytes, builder: MemberStringBuilder(key: key)) else { return nil }
        return value
    }

    /// Parses a whole document keeping where every value and key starts and ends, and object
    /// members in document order (duplicates kept).
    public static func parseLocated(_ bytes: [UInt8]) throws(Failure) -> LocatedJSON {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) in
                try JSONReader.document(buffer, builder: LocatedJSONBuilder(locator: TextLocator(buffer)))
            }
        }
        return try result.get()
    }

    private static func read<Builder: JSONTreeBuilder>(_ bytes: [UInt8], builder: Builder) throws(Failure) -> Builder.Node {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) in try JSONReader.document(buffer, builder: builder) }
        }
        return try result.get()
    }
}
