import SQSWire
import WireFormat

/// One HTTP request as the pipeline sees it: no Hummingbird types past the responder.
struct IncomingCall: Sendable {
    /// HTTP method, upper case.
    var method: String
    /// Path without the query string.
    var path: String
    /// Raw query string, without `?`.
    var query: String
    /// Header fields, names lower-cased.
    var headers: [String: String]
    /// The body.
    var body: [UInt8]
    /// The caller's IP address.
    var sourceIP: String
    /// The Host header, for queue URLs.
    var host: String

    /// `http://HOST` as the client addressed the server.
    var baseURL: String { "http://\(host)" }
}

extension IncomingCall {
    /// The decoded query string; a bad escape or a repeated name is `MalformedQueryString`.
    /// SigV4's own `X-Amz-*` parameters are left to the signature check, which refuses their
    /// repeats as `IncompleteSignature`.
    func queryParameters() throws(WireError) -> [String: String] {
        var parameters: [String: String] = [:]
        try Self.decodeForm(query, into: &parameters) { $0.hasPrefix("X-Amz-") }
        return parameters
    }

    /// The query string and, for a form POST, the body's parameters, the body winning ties.
    func formParameters() throws(WireError) -> [String: String] {
        var parameters = try queryParameters()
        // Media types are case-insensitive (RFC 9110 §8.3.1).
        if method == "POST", (headers["content-type"] ?? "").lowercased().hasPrefix("application/x-www-form-urlencoded") {
            guard let text = String(validating: body, as: UTF8.self) else { throw WireError.malformedQueryString }
            try Self.decodeForm(text, into: &parameters) { _ in true }
        }
        return parameters
    }

    private static func decodeForm(
        _ text: String, into parameters: inout [String: String], repeatAllowed: (String) -> Bool
    ) throws(WireError) {
        do { try FormDecoding.parameters(Substring(text), into: &parameters, repeatAllowed: repeatAllowed) } catch {
            throw WireError.malformedQueryString
        }
    }
}
