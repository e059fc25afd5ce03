import AuditTrail
import Foundation
import SealCrypto
import Storage
import WireJSON

/// `sealq audit prove` and `sealq audit check-proof`: Merkle proofs (RFC 9162) over the audit
/// log, each carrying the signed checkpoints it leads to, so that anyone holding only the log's
/// public key can check it.
public enum AuditProofs {
    /// A signed checkpoint as proofs carry it (hex fields).
    public struct SignedRoot: Codable, Equatable, Sendable {
        /// Events covered.
        public var treeSize: Int
        /// Merkle root, hex.
        public var rootHash: String
        /// When it was signed, ms since the epoch.
        public var timestamp: Int64
        /// Ed25519 signature, hex.
        public var signature: String

        /// `checkpoint` with its hashes in hex.
        public init(_ checkpoint: Checkpoint) {
            treeSize = checkpoint.treeSize
            rootHash = Hex.encode(checkpoint.rootHash)
            timestamp = checkpoint.timestamp
            signature = Hex.encode(checkpoint.signature)
        }

        /// The checkpoint, or nil when a hash is not hex.
        public var checkpoint: Checkpoint? {
            guard let root = Hex.decode(rootHash), let signature = Hex.decode(signature) else { return nil }
            return Checkpoint(treeSize: treeSize, rootHash: root, timestamp: timestamp, signature: signature)
        }
    }

    /// That an event is in the log: its record, its leaf, its audit path and the checkpoint
    /// whose root it leads to.
    public struct Inclusion: Codable, Sendable {
        /// The event.
        public var eventID: String
        /// Its position (1-based); the leaf index is one less.
        public var position: Int64
        /// The event's CloudTrail record, exactly as hashed into its leaf.
        public var record: String
        /// SHA-256(0x00 ‖ record), hex.
        public var leafHash: String
        /// The audit path, hex, leaf to root.
        public var path: [String]
        /// The signed checkpoint.
        public var checkpoint: SignedRoot
    }

    /// That the log of one checkpoint extends the log of an earlier one.
    public struct Consistency: Codable, Sendable {
        /// The earlier checkpoint.
        public var from: SignedRoot
        /// The later checkpoint.
        public var to: SignedRoot
        /// The consistency proof, hex.
        public var proof: [String]
    }

    /// A proof that cannot be made or does not hold.
    public struct Failure: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// The inclusion proof of `eventID` in the newest checkpoint that covers it.
    public static func inclusion(dataDirectory: String, eventID: String) throws -> Inclusion {
        let (leaves, checkpoints, found) = try read(dataDirectory, eventID: eventID)
        guard let (position, record) = found else { throw Failure(description: "No event \(eventID) in the audit log.") }
        guard let checkpoint = checkpoints.last(where: { Int64($0.treeSize) >= position }) else {
            throw Failure(description: "Event \(eventID) is not covered by a signed checkpoint yet; try again in a few seconds.")
        }
        guard checkpoint.treeSize <= leaves.count else { throw truncated }
        let path = MerkleTree.inclusionProof(index: Int(position - 1), leaves: leaves[..<checkpoint.treeSize])
        return Inclusion(
            eventID: eventID, position: position, record: String(decoding: record, as: UTF8.self),
            leafHash: Hex.encode(leaves[Int(position - 1)]), path: path.map(Hex.encode), checkpoint: SignedRoot(checkpoint))
    }

    /// The consistency proof between the checkpoints of `oldSize` and `newSize` events.
    public static func consistency(dataDirectory: String, from oldSize: Int, to newSize: Int) throws -> Consistency {
        let (leaves, checkpoints, _) = try read(dataDirectory, eventID: nil)
        guard let old = checkpoints.first(where: { $0.treeSize == oldSize }), let new = checkpoints.first(where: { $0.treeSize == newSize }),
            oldSize <= newSize
        else {
            throw Failure(description: "Name two signed checkpoints by their sizes, older first: \(checkpoints.map(\.treeSize)).")
        }
        guard newSize <= leaves.count else { throw truncated }
        let proof = MerkleTree.consistencyProof(oldSize: oldSize, leaves: leaves[..<newSize])
        return Consistency(from: SignedRoot(old), to: SignedRoot(new), proof: proof.map(Hex.encode))
    }

    /// Checks a proof printed by `inclusion` or `consistency` (as JSON) with the public key only.
    /// An inclusion proof holds when its record hashes to its leaf, names its eventID, and the
    /// leaf's audit path leads to the signed root.
    public static func check(_ json: Data, publicKeyHex: String) throws -> String {
        guard let key = Hex.decode(publicKeyHex), key.count == Ed25519.publicKeyLength else {
            throw Failure(description: "The public key must be \(Ed25519.publicKeyLength) bytes in hex.")
        }
        let decoder = JSONDecoder()
        if let inclusion = try? decoder.decode(Inclusion.self, from: json) {
            let checkpoint = try Self.checkpoint(inclusion.checkpoint, key: key)
            let record = Array(inclusion.record.utf8)
            guard (try? JSONParser.topLevelString("eventID", in: record)) == inclusion.eventID else {
                throw Failure(description: "The proof's record is not the record of event \(inclusion.eventID).")
            }
            guard Hex.decode(inclusion.leafHash) == MerkleTree.leafHash(record) else {
                throw Failure(description: "The proof's record does not hash to its leaf hash.")
            }
            guard let leaf = Hex.decode(inclusion.leafHash), let path = decodeAll(inclusion.path),
                MerkleTree.verifyInclusion(
                    leafHash: leaf, index: Int(inclusion.position - 1), treeSize: checkpoint.treeSize, proof: path, rootHash: checkpoint.rootHash)
            else { throw Failure(description: "The inclusion proof does not lead to the signed root.") }
            return "Event \(inclusion.eventID) is event \(inclusion.position) of the log signed at size \(checkpoint.treeSize)."
        }
        if let consistency = try? decoder.decode(Consistency.self, from: json) {
            let old = try Self.checkpoint(consistency.from, key: key)
            let new = try Self.checkpoint(consistency.to, key: key)
            guard let proof = decodeAll(consistency.proof),
                MerkleTree.verifyConsistency(
                    oldSize: old.treeSize, newSize: new.treeSize, oldRoot: old.rootHash, newRoot: new.rootHash, proof: proof)
            else { throw Failure(description: "The consistency proof does not hold: the later log does not extend the earlier one.") }
            return "The log signed at size \(new.treeSize) extends the log signed at size \(old.treeSize)."
        }
        if let fields = try? JSONSerialization.jsonObject(with: json) as? [String: Any], fields["record"] == nil,
            let eventID = fields["eventID"] as? String, fields["leafHash"] != nil, fields["path"] != nil
        {
            throw Failure(
                description: """
                    An inclusion proof from an older SealQ: it proves a leaf hash but carries no record, so it cannot \
                    show what event \(eventID) said. Print a new one with sealq audit prove \(eventID).
                    """)
        }
        throw Failure(description: "Not a proof printed by sealq audit prove.")
    }

    private static let truncated = Failure(description: "The log holds fewer events than its checkpoint: run sealq audit verify.")

    private static func checkpoint(_ root: SignedRoot, key: [UInt8]) throws -> Checkpoint {
        guard let checkpoint = root.checkpoint else { throw Failure(description: "The checkpoint is not in hex.") }
        guard checkpoint.isSigned(by: key) else { throw Failure(description: "Checkpoint \(root.treeSize) is not signed by this key.") }
        return checkpoint
    }

    private static func decodeAll(_ hashes: [String]) -> [[UInt8]]? {
        let decoded = hashes.compactMap(Hex.decode)
        return decoded.count == hashes.count ? decoded : nil
    }

    /// Every leaf hash, every checkpoint, and the position and record of `eventID` if given and present.
    private static func read(
        _ dataDirectory: String, eventID: String?
    ) throws -> ([[UInt8]], [Checkpoint], (position: Int64, record: [UInt8])?) {
        var leaves: [[UInt8]] = []
        var checkpoints: [Checkpoint] = []
        var found: (position: Int64, record: [UInt8])?
        try SQLiteAuditStore.read(
            path: dataDirectory + "/sealq.sqlite",
            checkpoints: { all, archived in
                guard archived == nil else {
                    throw Failure(
                        description: """
                            Events were archived (--audit-retention-days): proofs are made only from a log retention has \
                            not cut yet. The exports and the archive carry signed digests that `sealq audit verify --export` \
                            checks with the public key alone.
                            """)
                }
                checkpoints = all
            },
            events: { event in
                leaves.append(event.leafHash)
                if event.eventID == eventID { found = (event.position, event.record) }
                return true
            })
        return (leaves, checkpoints, found)
    }
}
