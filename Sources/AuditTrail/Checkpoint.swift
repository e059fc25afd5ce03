import SealCrypto

/// A signed statement of the audit log's state: how many events it held, the Merkle root hash
/// over them (RFC 9162) and when. Anyone with the log's Ed25519 public key can check it, and
/// a consistency proof between two checkpoints shows the later log extends the earlier one.
public struct Checkpoint: Sendable, Equatable {
    /// Events covered.
    public var treeSize: Int
    /// The Merkle root hash of those events.
    public var rootHash: [UInt8]
    /// When it was made, ms since the epoch.
    public var timestamp: Int64
    /// Ed25519 signature of `signedBytes`.
    public var signature: [UInt8]

    /// A checkpoint as stored.
    public init(treeSize: Int, rootHash: [UInt8], timestamp: Int64, signature: [UInt8]) {
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.timestamp = timestamp
        self.signature = signature
    }

    /// A checkpoint of `treeSize` events with root `rootHash` at `timestamp`, signed with `key`.
    public static func signed(treeSize: Int, rootHash: [UInt8], timestamp: Int64, with key: Ed25519.SigningKey) -> Checkpoint {
        var checkpoint = Checkpoint(treeSize: treeSize, rootHash: rootHash, timestamp: timestamp, signature: [])
        checkpoint.signature = key.signature(for: checkpoint.signedBytes)
        return checkpoint
    }

    /// What the signature covers: `sealq audit checkpoint v1`, the size, the hex root and the
    /// time, one per line.
    public var signedBytes: [UInt8] {
        Array("sealq audit checkpoint v1\n\(treeSize)\n\(Hex.encode(rootHash))\n\(timestamp)\n".utf8)
    }

    /// Whether the signature is `publicKey`'s over this checkpoint's contents.
    public func isSigned(by publicKey: [UInt8]) -> Bool {
        Ed25519.isValidSignature(signature, for: signedBytes, publicKey: publicKey)
    }
}
