import Foundation

/// The self-describing ciphertext KMS callers hold: which key and version made it, how, and the
/// sealed bytes.
///
/// Layout (format 1): `0x53 0x01`, the key id as 16 UUID bytes, the key version (4 bytes,
/// big-endian), the algorithm (`0x01`: AES-256-GCM), the 12-byte nonce, then the ciphertext and
/// its 16-byte tag. The header is authenticated together with the canonical encryption context,
/// so neither can be changed without the tag failing.
struct CiphertextBlob: Equatable {
    static let marker: UInt8 = 0x53
    static let formatVersion: UInt8 = 1
    static let aes256GCM: UInt8 = 1
    static let nonceLength = 12
    static let tagLength = 16
    static let headerLength = 2 + 16 + 4 + 1 + nonceLength

    var keyId: String
    var keyVersion: Int
    var nonce: [UInt8]
    /// Ciphertext followed by the tag.
    var sealed: [UInt8]

    /// The header bytes, authenticated as associated data.
    var header: [UInt8] {
        var bytes: [UInt8] = [Self.marker, Self.formatVersion]
        bytes += Self.uuidBytes(keyId) ?? []
        let version = UInt32(keyVersion)
        bytes += [UInt8(version >> 24), UInt8((version >> 16) & 0xFF), UInt8((version >> 8) & 0xFF), UInt8(version & 0xFF)]
        bytes.append(Self.aes256GCM)
        bytes += nonce
        return bytes
    }

    /// The whole blob.
    var bytes: [UInt8] { header + sealed }

    init(keyId: String, keyVersion: Int, nonce: [UInt8], sealed: [UInt8]) {
        self.keyId = keyId
        self.keyVersion = keyVersion
        self.nonce = nonce
        self.sealed = sealed
    }

    /// Parses a blob; nil for anything that is not a well-formed format-1 blob.
    init?(parsing bytes: [UInt8]) {
        guard bytes.count >= Self.headerLength + Self.tagLength, bytes[0] == Self.marker, bytes[1] == Self.formatVersion,
            bytes[22] == Self.aes256GCM
        else { return nil }
        guard let uuid = Self.uuidString(Array(bytes[2..<18])) else { return nil }
        keyId = uuid
        keyVersion = Int(bytes[18]) << 24 | Int(bytes[19]) << 16 | Int(bytes[20]) << 8 | Int(bytes[21])
        nonce = Array(bytes[23..<Self.headerLength])
        sealed = Array(bytes[Self.headerLength...])
    }

    static func uuidBytes(_ text: String) -> [UInt8]? {
        guard let uuid = UUID(uuidString: text) else { return nil }
        return withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }

    static func uuidString(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return nil }
        let uuid = bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
        return UUID(uuid: uuid).uuidString.lowercased()
    }
}
