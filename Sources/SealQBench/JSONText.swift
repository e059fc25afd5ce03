import WireFormat

/// Writes JSON string literals, so request bodies are built as text without a serializer.
enum JSONText {
    /// `value` as a quoted JSON string literal (escaped as the server's own answers are).
    static func quoted(_ value: String) -> String {
        var output: [UInt8] = []
        JSONWriter.writeString(value, into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
