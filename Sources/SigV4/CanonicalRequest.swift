import SealCrypto

/// A SigV4 canonical request, built from the parts of an HTTP request.
public struct CanonicalRequest: Sendable {
    /// The canonical request, as the UTF-8 bytes that are hashed.
    public let bytes: [UInt8]
    /// The canonical request text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    /// `;`-joined sorted lowercase names of the signed headers.
    public let signedHeaderList: String

    /// Builds the canonical request.
    ///
    /// - Parameters:
    ///   - path: the request path as sent; each segment is URI-encoded once more, as SigV4
    ///     does for every service but S3.
    ///   - query: the raw query string (without `?`), canonicalized here.
    ///   - headers: the headers to sign.
    ///   - payloadHash: hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    ///   - queryIsCanonical: the query is already in canonical form (used as it is).
    public init(
        method: String, path: String, query: String, headers: [(String, String)], payloadHash: String,
        queryIsCanonical: Bool = false
    ) {
        // Lower-case names (ASCII only, as SigV4 does), values trimmed and space-collapsed,
        // repeated names joined with commas, then everything sorted by name (signers send them
        // sorted already, so the sort is usually skipped).
        var grouped: [(name: String, value: String)] = []
        grouped.reserveCapacity(headers.count)
        var sorted = true
        for (name, value) in headers {
            let lower = Self.asciiLowercased(name)
            let collapsed = Self.collapseSpaces(value)
            if let index = grouped.firstIndex(where: { $0.name == lower }) {
                grouped[index].value += "," + collapsed
            } else {
                if let last = grouped.last, last.name > lower { sorted = false }
                grouped.append((lower, collapsed))
            }
        }
        if !sorted { grouped.sort { $0.name < $1.name } }
        var signedHeaderList = ""
        var bytes = Array(method.utf8)
        bytes.reserveCapacity(512)
        bytes.append(Self.newline)
        bytes += Self.canonicalPath(path).utf8
        bytes.append(Self.newline)
        bytes += (queryIsCanonical ? query : Self.canonicalQuery(query)).utf8
        bytes.append(Self.newline)
        for (index, header) in grouped.enumerated() {
            bytes += header.name.utf8
            bytes.append(UInt8(ascii: ":"))
            bytes += header.value.utf8
            bytes.append(Self.newline)
            if index > 0 { signedHeaderList += ";" }
            signedHeaderList += header.name
        }
        bytes.append(Self.newline)
        bytes += signedHeaderList.utf8
        bytes.append(Self.newline)
        bytes += payloadHash.utf8
        self.bytes = bytes
        self.signedHeaderList = signedHeaderList
    }

    private static let newline = UInt8(ascii: "\n")

    private static func asciiLowercased(_ name: String) -> String {
        guard name.utf8.contains(where: { (65...90).contains($0) }) else { return name }
        return String(decoding: name.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The string to sign for this request at `amzDate` within `scope`.
    public func stringToSign(amzDate: String, scope: CredentialScope) -> String {
        String(decoding: stringToSignBytes(amzDate: amzDate, scope: scope), as: UTF8.self)
    }

    /// The string to sign as the bytes that are MACed.
    public func stringToSignBytes(amzDate: String, scope: CredentialScope) -> [UInt8] {
        var result = Array(AuthorizationHeader.algorithm.utf8)
        result.reserveCapacity(160)
        result.append(Self.newline)
        result += amzDate.utf8
        result.append(Self.newline)
        result += scope.date.utf8
        result.append(UInt8(ascii: "/"))
        result += scope.region.utf8
        result.append(UInt8(ascii: "/"))
        result += scope.service.utf8
        result += "/aws4_request\n".utf8
        Hex.append(Digest.sha256(bytes), to: &result)
        return result
    }

    /// `path` normalized as SigV4 asks of every service but S3, and as botocore signs it: RFC 3986
    /// dot segments removed and runs of `/` made one; `/` for an empty path. The server routes by
    /// this form too, so a request reaches what its signature names.
    public static func normalizedPath(_ path: String) -> String {
        if path == "/" || path.isEmpty { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/") where segment != "." {
            if segment == ".." {
                _ = segments.popLast()
            } else {
                segments.append(segment)
            }
        }
        guard !segments.isEmpty else { return "/" }
        return "/" + segments.joined(separator: "/") + (path.hasSuffix("/") ? "/" : "")
    }

    /// The normalized path with each segment encoded once more (so `%` in a sent path becomes `%25`).
    static func canonicalPath(_ path: String) -> String {
        normalizedPath(path).split(separator: "/", omittingEmptySubsequences: false)
            .map { URIEncoding.encode(String($0)) }
            .joined(separator: "/")
    }

    /// The query's pairs sorted as sent, without re-encoding: how botocore signs a URL whose
    /// query it did not encode itself (spaces as `+`, for example).
    public static func sortedRawQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs: [(name: String, value: String)] = query.split(separator: "&").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(pieces[0]), pieces.count > 1 ? String(pieces[1]) : "")
        }
        let sorted = pairs.sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// Sorts the query's parameters by name then value, re-encoding each per RFC 3986.
    public static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.encode(URIEncoding.decode(String(pieces[0])))
            let value = pieces.count > 1 ? URIEncoding.encode(URIEncoding.decode(String(pieces[1]))) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trims a header value and collapses runs of spaces and tabs into one space (SigV4's rule).
    private static func collapseSpaces(_ value: String) -> String {
        if isCollapsed(value) { return value }
        var output = [UInt8]()
        output.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace { output.append(UInt8(ascii: " ")) }
            pendingSpace = false
            output.append(byte)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// True when `value` has no tab, no leading or trailing space and no run of spaces: the
    /// common case, which needs no copy.
    private static func isCollapsed(_ value: String) -> Bool {
        var previousWasSpace = true
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\t") { return false }
            let isSpace = byte == UInt8(ascii: " ")
            if isSpace && previousWasSpace { return false }
            previousWasSpace = isSpace
        }
        return !previousWasSpace || value.isEmpty
    }
}
