import Foundation

/// Queue URLs (`http://HOST/ACCOUNT/NAME`) and the names in them.
public enum QueueURL {
    /// The URL of `name` for a client that reached the server at `baseURL` (`http://host:port`).
    public static func make(baseURL: String, accountId: String, name: String) -> String {
        "\(baseURL)/\(accountId)/\(name)"
    }

    /// The queue name in a queue URL or path, if it belongs to `accountId`.
    public static func queueName(in url: String, accountId: String) -> String? {
        var path = Substring(url)
        if let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            path = rest[slash...]
        }
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        let parts = path.split(separator: "/")
        guard parts.count == 2, parts[0] == accountId else { return nil }
        return String(parts[1])
    }
}
