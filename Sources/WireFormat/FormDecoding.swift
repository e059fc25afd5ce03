import SigV4

/// Parses `application/x-www-form-urlencoded` bodies and query strings.
public enum FormDecoding {
    /// A bad percent escape or invalid UTF-8; wire modules answer it as `MalformedQueryString`.
    public struct Malformed: Error {}

    /// The name/value pairs of `text`; the last of repeated names wins.
    public static func parameters(_ text: Substring, into result: inout [String: String]) throws(Malformed) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = URIEncoding.decodeStrict(parts[0], plusAsSpace: true),
                let value = URIEncoding.decodeStrict(parts.count > 1 ? parts[1] : "", plusAsSpace: true)
            else { throw Malformed() }
            result[name] = value
        }
    }
}
