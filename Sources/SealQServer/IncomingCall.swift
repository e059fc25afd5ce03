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
    /// The decoded query string, the last of a repeated name winning (the signature check reads
    /// it, and refuses repeats of its own `X-Amz-*` parameters as `IncompleteSignature`); a bad
    /// escape is `MalformedQueryString`.
    func queryParameters() throws(WireError) -> [String: String] {
        var parameters: [String: String] = [:]
        try Self.decodeForm(query, into: &parameters)
        return parameters
    }

    /// The parameters of a Query call: the query string and, for a form POST, the body's, the
    /// body winning ties. A name repeated in the query string is `MalformedQueryString`: SigV4
    /// signs a repeated name's values sorted, not in the order sent, so which one counted would
    /// be anyone's choice. (A form body is signed as sent: there the last one wins.)
    func formParameters() throws(WireError) -> [String: String] {
        var parameters: [String: String] = [:]
        try Self.decodeForm(query, into: &parameters) { $0.hasPrefix("X-Amz-") }
        // Media types are case-insensitive (RFC 9110 §8.3.1).
        if method == "POST", (headers["content-type"] ?? "").lowercased().hasPrefix("application/x-www-form-urlencoded") {
            guard let text = String(validating: body, as: UTF8.self) else { throw WireError.malformedQueryString }
            try Self.decodeForm(text, into: &parameters)
        }
        return parameters
    }

    private static func decodeForm(
        _ text: String, into parameters: inout [String: String], repeatAllowed: ((String) -> Bool)? = nil
    ) throws(WireError) {
        do { try FormDecoding.parameters(Substring(text), into: &parameters, repeatAllowed: repeatAllowed) } catch {
            throw WireError.malformedQueryString
        }
    }
}
