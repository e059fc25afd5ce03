/// Queue URLs (`http://HOST/ACCOUNT/NAME`) and the names in them.
public enum QueueURL {
    /// The URL of `name` for a client that reached the server at `baseURL` (`http://host:port`).
    public static func make(baseURL: String, accountId: String, name: String) -> String {
        "\(baseURL)/\(accountId)/\(name)"
    }

    /// The queue name in a queue URL or path, if it belongs to `accountId`.
    public static func queueName(in url: String, accountId: String) -> String? {
        var path = Array(url.utf8)[...]
        let scheme = Array("://".utf8)
        if let schemeEnd = path.indices.first(where: { path[$0...].starts(with: scheme) }) {
            path = path[(schemeEnd + scheme.count)...]
            guard let slash = path.firstIndex(of: UInt8(ascii: "/")) else { return nil }
            path = path[slash...]
        }
        if let query = path.firstIndex(of: UInt8(ascii: "?")) { path = path[..<query] }
        let parts = path.split(separator: UInt8(ascii: "/"))
        guard parts.count == 2, parts[0].elementsEqual(accountId.utf8) else { return nil }
        return String(decoding: parts[1], as: UTF8.self)
    }
}
