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
