import SigV4

/// Queue URLs (`http://HOST/ACCOUNT/NAME`) and the names in them.
public enum QueueURL {
    /// The URL of `name` for a client that reached the server at `baseURL` (`http://host:port`).
    public static func make(baseURL: String, accountId: String, name: String) -> String {
        "\(baseURL)/\(accountId)/\(name)"
    }

    /// The queue name in a queue URL or path, if it belongs to `accountId`.
    public static func queueName(in url: String, accountId: String) -> String? {
        let parts = segments(of: url)
        guard parts.count == 2, parts[0] == accountId else { return nil }
        return parts[1]
    }

    /// Whether `url` (or a path) has a queue URL's shape, `/ACCOUNT/NAME` with a 12-digit
    /// account, whatever the account.
    public static func isQueuePath(_ url: String) -> Bool {
        let parts = segments(of: url)
        return parts.count == 2 && parts[0].utf8.count == 12 && parts[0].utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// The path segments of a URL or path, without its query, each percent-decoded (RFC 3986
    /// makes `/000000000000/%61lpha` the path `/000000000000/alpha`; a malformed escape is kept).
    private static func segments(of url: String) -> [String] {
        var path = Array(url.utf8)[...]
        let scheme = Array("://".utf8)
        if let schemeEnd = path.indices.first(where: { path[$0...].starts(with: scheme) }) {
            path = path[(schemeEnd + scheme.count)...]
            guard let slash = path.firstIndex(of: UInt8(ascii: "/")) else { return [] }
            path = path[slash...]
        }
        if let query = path.firstIndex(of: UInt8(ascii: "?")) { path = path[..<query] }
        return path.split(separator: UInt8(ascii: "/")).map { segment in
            let raw = String(decoding: segment, as: UTF8.self)
            return segment.contains(UInt8(ascii: "%")) ? URIEncoding.decodeStrict(Substring(raw), plusAsSpace: false) ?? raw : raw
        }
    }
}
