/// An HTTP answer ready to send.
public struct EncodedResponse: Sendable {
    /// HTTP status.
    public var status: Int
    /// Headers to add.
    public var headers: [(String, String)]
    /// Body bytes.
    public var body: [UInt8]

    /// An answer of `status` with `headers` and `body`.
    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
