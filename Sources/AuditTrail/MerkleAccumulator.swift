/// The root of a growing Merkle tree (RFC 9162 hashing) kept in O(log n) memory: the roots of
/// the perfect subtrees that make up the leaves so far, largest first. Appending a leaf costs
/// O(log n) hashes amortized; the root of the current tree costs O(log n).
public struct MerkleAccumulator: Sendable, Equatable {
    /// The roots of the perfect subtrees, largest (leftmost) first, with their sizes.
    private var subtrees: [(size: Int, hash: [UInt8])] = []
    /// The number of leaves appended.
    public private(set) var size = 0

    /// An empty tree.
    public init() {}

    /// Appends a leaf, given its leaf hash (`MerkleTree.leafHash`).
    public mutating func append(leafHash: [UInt8]) {
        var node = (size: 1, hash: leafHash)
        while let last = subtrees.last, last.size == node.size {
            subtrees.removeLast()
            node = (last.size * 2, MerkleTree.nodeHash(last.hash, node.hash))
        }
        subtrees.append(node)
        size += 1
    }

    /// The root hash of the tree of every leaf appended so far.
    public var rootHash: [UInt8] {
        guard var root = subtrees.last?.hash else { return MerkleTree.rootHash([]) }
        for subtree in subtrees.dropLast().reversed() { root = MerkleTree.nodeHash(subtree.hash, root) }
        return root
    }

    /// The state in bytes: the leaf count (8 bytes, big-endian), then each subtree root.
    public var bytes: [UInt8] {
        var output = withUnsafeBytes(of: UInt64(size).bigEndian) { Array($0) }
        for subtree in subtrees { output += subtree.hash }
        return output
    }

    /// A tree resumed from `bytes`; nil when they are not a state of `bytes`'s form.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 8 else { return nil }
        let size = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        // The perfect subtrees are the binary digits of the size, largest first.
        let sizes = (0..<64).reversed().map { UInt64(1) << UInt64($0) }.filter { size & $0 != 0 }
        guard size <= UInt64(Int.max), bytes.count == 8 + 32 * sizes.count else { return nil }
        self.size = Int(size)
        subtrees = sizes.enumerated().map { index, subtreeSize in
            (Int(subtreeSize), Array(bytes[(8 + 32 * index)..<(8 + 32 * (index + 1))]))
        }
    }

    public static func == (lhs: MerkleAccumulator, rhs: MerkleAccumulator) -> Bool {
        lhs.size == rhs.size && lhs.subtrees.map(\.hash) == rhs.subtrees.map(\.hash)
    }
}
