import SigV4

/// Parses `application/x-www-form-urlencoded` bodies and query strings.
public enum FormDecoding {
    /// A bad percent escape, invalid UTF-8, or a refused repeat; wire modules answer it as
    /// `MalformedQueryString`.
    public struct Malformed: Error {}

    /// The name/value pairs of `text`, added to `result`. A name repeated within `text` is
    /// `Malformed` when `repeatAllowed` is given and says no for it; the last one wins. A query
    /// string refuses repeats: SigV4 sorts its pairs by name and value, so the order of a repeated
    /// name's values is not signed, and which one counted would be for anyone holding the request
    /// to choose.
    public static func parameters(
        _ text: Substring, into result: inout [String: String], repeatAllowed: ((String) -> Bool)? = nil
    ) throws(Malformed) {
        var seen = Set<String>()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = URIEncoding.decodeStrict(parts[0], plusAsSpace: true),
                let value = URIEncoding.decodeStrict(parts.count > 1 ? parts[1] : "", plusAsSpace: true)
            else { throw Malformed() }
            if let repeatAllowed, !seen.insert(name).inserted, !repeatAllowed(name) { throw Malformed() }
            result[name] = value
        }
    }
}
