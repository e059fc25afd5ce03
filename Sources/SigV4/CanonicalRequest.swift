import SealCrypto

/// A SigV4 canonical request, built from the parts of an HTTP request.
public struct CanonicalRequest: Sendable {
    /// The canonical request text.
    public let text: String
    /// `;`-joined sorted lowercase names of the signed headers.
    public let signedHeaderList: String

    /// Builds the canonical request.
    ///
    /// - Parameters:
    ///   - path: the request path as sent (already URI-encoded by the client).
    ///   - query: the raw query string (without `?`), canonicalized here.
    ///   - headers: the headers to sign.
    ///   - payloadHash: hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    public init(method: String, path: String, query: String, headers: [(String, String)], payloadHash: String) {
        var grouped: [String: [String]] = [:]
        for (name, value) in headers {
            grouped[name.lowercased(), default: []].append(Self.collapseSpaces(value))
        }
        let names = grouped.keys.sorted()
        signedHeaderList = names.joined(separator: ";")
        let headerBlock = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        text = [
            method, path.isEmpty ? "/" : path, Self.canonicalQuery(query), headerBlock, signedHeaderList, payloadHash,
        ].joined(separator: "\n")
    }

    /// The string to sign for this request at `amzDate` within `scope`.
    public func stringToSign(amzDate: String, scope: CredentialScope) -> String {
        "\(AuthorizationHeader.algorithm)\n\(amzDate)\n\(scope.path)\n\(Hex.encode(Digest.sha256(Array(text.utf8))))"
    }

    /// Sorts the query's parameters by name then value, re-encoding each per RFC 3986.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.encode(URIEncoding.decode(String(pieces[0])))
            let value = pieces.count > 1 ? URIEncoding.encode(URIEncoding.decode(String(pieces[1]))) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    private static func collapseSpaces(_ value: String) -> String {
        var result = ""
        var previousWasSpace = false
        for character in value.trimmingCharacters(in: " \t") {
            let isSpace = character == " " || character == "\t"
            if isSpace && previousWasSpace { continue }
            result.append(isSpace ? " " : character)
            previousWasSpace = isSpace
        }
        return result
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return slice
    }
}
