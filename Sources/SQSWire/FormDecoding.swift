import SigV4

/// Parses `application/x-www-form-urlencoded` bodies and query strings.
public enum FormDecoding {
    /// The name/value pairs of `text`; the last of repeated names wins. Throws
    /// `MalformedQueryString` on bad escapes or invalid UTF-8.
    public static func parameters(_ text: Substring, into result: inout [String: String]) throws(WireError) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = URIEncoding.decodeStrict(parts[0], plusAsSpace: true),
                let value = URIEncoding.decodeStrict(parts.count > 1 ? parts[1] : "", plusAsSpace: true)
            else { throw WireError.malformedQueryString }
            result[name] = value
        }
    }
}
