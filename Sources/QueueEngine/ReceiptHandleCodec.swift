import Foundation

/// Computes authentication tags for receipt handles; the server supplies a keyed MAC.
public protocol ReceiptAuthenticator: Sendable {
    /// A MAC of `bytes` under the server's receipt key.
    func tag(_ bytes: [UInt8]) -> [UInt8]
}

/// What an authentic receipt handle names.
public struct ReceiptHandle: Sendable, Equatable {
    /// The queue the message was received from.
    public var queueId: Int64
    /// The queue's message space at the time of the receive.
    public var space: Int64
    /// The receive it stands for.
    public var receipt: MessageReceipt
}

/// Turns receives into opaque, authenticated receipt handles and back.
///
/// Layout before base64: version (1) · queue id (8) · space (8) · sequence (8) ·
/// receive count (4) · random salt (4) · truncated MAC over all of that (16).
public struct ReceiptHandleCodec: Sendable {
    private static let version: UInt8 = 1
    private static let bodyLength = 1 + 8 + 8 + 8 + 4 + 4
    private static let tagLength = 16
    private let authenticator: any ReceiptAuthenticator

    /// Creates a codec over a MAC.
    public init(authenticator: any ReceiptAuthenticator) {
        self.authenticator = authenticator
    }

    /// The handle for one receive of one message.
    public func encode(_ handle: ReceiptHandle, salt: UInt32) -> String {
        var bytes: [UInt8] = [Self.version]
        bytes.reserveCapacity(Self.bodyLength + Self.tagLength)
        Self.append(handle.queueId, to: &bytes)
        Self.append(handle.space, to: &bytes)
        Self.append(handle.receipt.sequence, to: &bytes)
        Self.append(UInt32(truncatingIfNeeded: handle.receipt.receiveCount), to: &bytes)
        Self.append(salt, to: &bytes)
        bytes += authenticator.tag(bytes).prefix(Self.tagLength)
        return Data(bytes).base64EncodedString()
    }

    /// Decodes and authenticates a handle; nil for anything forged, altered or malformed.
    public func decode(_ text: String) -> ReceiptHandle? {
        guard text.utf8.count <= 200, let data = Data(base64Encoded: text),
            data.count == Self.bodyLength + Self.tagLength, data.first == Self.version
        else { return nil }
        let bytes = [UInt8](data)
        let body = Array(bytes[0..<Self.bodyLength])
        let expected = Array(authenticator.tag(body).prefix(Self.tagLength))
        var difference: UInt8 = 0
        for (lhs, rhs) in zip(expected, bytes[Self.bodyLength...]) { difference |= lhs ^ rhs }
        guard difference == 0 else { return nil }
        let queueId = Int64(bitPattern: Self.read(bytes, at: 1, width: 8))
        let space = Int64(bitPattern: Self.read(bytes, at: 9, width: 8))
        let sequence = Int64(bitPattern: Self.read(bytes, at: 17, width: 8))
        let receiveCount = Int(Self.read(bytes, at: 25, width: 4))
        return ReceiptHandle(
            queueId: queueId, space: space, receipt: MessageReceipt(sequence: sequence, receiveCount: receiveCount))
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int, width: Int) -> UInt64 {
        bytes[offset..<offset + width].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
