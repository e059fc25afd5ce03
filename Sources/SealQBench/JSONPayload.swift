import NIOCore

/// A JSON request body, kept both as bytes (to sign) and as a buffer (to send) so a body that is
/// reused for many requests is built once.
struct JSONPayload {
    /// The UTF-8 bytes of the body.
    let bytes: [UInt8]
    /// The same bytes in a buffer that NIO can write without copying.
    let buffer: ByteBuffer

    /// A payload holding `json`.
    init(_ json: String) {
        bytes = Array(json.utf8)
        buffer = ByteBuffer(bytes: bytes)
    }
}
