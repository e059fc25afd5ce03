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

    public static func == (lhs: MerkleAccumulator, rhs: MerkleAccumulator) -> Bool {
        lhs.size == rhs.size && lhs.subtrees.map(\.hash) == rhs.subtrees.map(\.hash)
    }
}
