/// Where the daemon listens: a plain-HTTP host and port.
public struct BenchmarkEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The host name or IP address to connect to.
    public let host: String
    /// The TCP port.
    public let port: Int

    /// An endpoint from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `http://HOST[:PORT][/]` (IPv6 hosts in brackets); the port defaults to 80.
    public init(url: String) throws {
        guard url.hasPrefix("http://") else {
            throw BenchmarkError.invalidConfiguration("endpoint must be an http:// URL, got \(url)")
        }
        var authority = url.dropFirst("http://".count)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            portPart = rest.isEmpty ? nil : (rest.hasPrefix(":") ? rest.dropFirst() : "")
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
            portPart = nil
        }
        let port: Int? = if let portPart { Int(portPart) } else { 80 }
        guard !hostPart.isEmpty, !hostPart.contains("/"), let port, (1...65535).contains(port) else {
            throw BenchmarkError.invalidConfiguration("cannot read host and port from endpoint \(url)")
        }
        self.init(host: String(hostPart), port: port)
    }

    /// The value of the `Host` header for requests to this endpoint.
    var hostHeader: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `http://host:port`.
    public var description: String { "http://\(hostHeader)" }
}
