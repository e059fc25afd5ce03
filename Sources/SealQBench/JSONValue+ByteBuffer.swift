import NIOCore
import WireJSON

extension JSONValue {
    /// Parses the readable bytes of an answer's body.
    init(parsing buffer: ByteBuffer) throws {
        self = try JSONParser.parse(Array(buffer.readableBytesView))
    }
}
