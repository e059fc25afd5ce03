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

    /// What a `\u` escape of a lone UTF-16 surrogate (`"\ud83d"`, what JavaScript's
    /// `JSON.stringify` writes for a string cut inside an emoji) is read as. RFC 8259 allows the
    /// escape; a Swift string cannot hold the surrogate.
    public enum LoneSurrogates: Sendable {
        /// The document is refused.
        case refused
        /// Read as U+FFFE, a noncharacter: the value then fails its own character rules (an SQS
        /// message body gets InvalidMessageContents, for that message alone), as AWS's parser
        /// keeps the surrogate and its validation refuses it.
        case noncharacter
    }

    /// Parses a whole document into plain values (the request path: no positions are kept).
    public static func parse(_ bytes: [UInt8], loneSurrogates: LoneSurrogates = .refused) throws(Failure) -> JSONValue {
        try read(bytes, builder: JSONValueBuilder(), loneSurrogates: loneSurrogates)
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

    private static func read<Builder: JSONTreeBuilder>(
        _ bytes: [UInt8], builder: Builder, loneSurrogates: LoneSurrogates = .refused
    ) throws(Failure) -> Builder.Node {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) in try JSONReader.document(buffer, builder: builder, loneSurrogates: loneSurrogates) }
        }
        return try result.get()
    }
}
