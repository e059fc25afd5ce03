/// The encryption context's canonical bytes, authenticated with every ciphertext.
///
/// Pairs are sorted by key (byte order) and each key and value is written with a 4-byte
/// big-endian length prefix, so `{"ab": "c"}` and `{"a": "bc"}` can never encode alike.
enum EncryptionContext {
    static func canonicalBytes(_ context: [String: String]) -> [UInt8] {
        var output: [UInt8] = []
        append(UInt32(context.count), to: &output)
        for (key, value) in context.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            for text in [key, value] {
                let bytes = Array(text.utf8)
                append(UInt32(bytes.count), to: &output)
                output += bytes
            }
        }
        return output
    }

    private static func append(_ value: UInt32, to output: inout [UInt8]) {
        output += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
