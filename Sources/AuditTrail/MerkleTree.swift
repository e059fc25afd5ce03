import SealCrypto

/// The Merkle tree hashing of RFC 9162 (Certificate Transparency 2.0, section 2.1) over SHA-256:
/// leaf hashes, the tree head of any number of leaves, inclusion and consistency proofs, and
/// their verification. Pure functions over leaf hashes; no storage.
public enum MerkleTree {
    /// `SHA-256(0x00 ‖ data)`: the hash of one entry.
    public static func leafHash(_ data: some Collection<UInt8>) -> [UInt8] {
        Digest.sha256([0x00] + Array(data))
    }

    /// `SHA-256(0x01 ‖ left ‖ right)`: the hash of an interior node.
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        Digest.sha256([0x01] + left + right)
    }

    /// MTH: the root hash of the tree whose leaves have these hashes (`SHA-256("")` when empty).
    public static func rootHash(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        switch leaves.count {
        case 0: return Digest.sha256([UInt8]())
        case 1: return leaves[leaves.startIndex]
        default:
            let split = leaves.startIndex + largestPowerOfTwo(below: leaves.count)
            return nodeHash(rootHash(leaves[..<split]), rootHash(leaves[split...]))
        }
    }

    /// The inclusion proof (audit path) of leaf `index` in the tree of `leaves`.
    ///
    /// - Precondition: `index` is a valid index of `leaves`.
    public static func inclusionProof(index: Int, leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        precondition(leaves.indices.contains(leaves.startIndex + index), "no leaf \(index) in a tree of \(leaves.count)")
        guard leaves.count > 1 else { return [] }
        let split = largestPowerOfTwo(below: leaves.count)
        let start = leaves.startIndex
        if index < split {
            return inclusionProof(index: index, leaves: leaves[start..<start + split]) + [rootHash(leaves[(start + split)...])]
        }
        return inclusionProof(index: index - split, leaves: leaves[(start + split)...]) + [rootHash(leaves[start..<start + split])]
    }

    /// Whether `proof` shows `leafHash` at `index` in a tree of `treeSize` leaves with root
    /// `rootHash` (RFC 9162, 2.1.3.2).
    public static func verifyInclusion(leafHash: [UInt8], index: Int, treeSize: Int, proof: [[UInt8]], rootHash: [UInt8]) -> Bool {
        guard index >= 0, index < treeSize else { return false }
        var fn = index
        var sn = treeSize - 1
        var result = leafHash
        for node in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                result = nodeHash(node, result)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                result = nodeHash(result, node)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && result == rootHash
    }

    /// The consistency proof between the tree of the first `oldSize` leaves and the tree of all
    /// `leaves` (RFC 9162, 2.1.4.1).
    ///
    /// - Precondition: `0 < oldSize <= leaves.count`.
    public static func consistencyProof(oldSize: Int, leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        precondition(oldSize > 0 && oldSize <= leaves.count, "a consistency proof needs 0 < old size <= new size")
        return subproof(oldSize, leaves, complete: true)
    }

    private static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, complete: Bool) -> [[UInt8]] {
        let n = leaves.count
        if m == n { return complete ? [] : [rootHash(leaves)] }
        let k = largestPowerOfTwo(below: n)
        let start = leaves.startIndex
        if m <= k {
            return subproof(m, leaves[start..<start + k], complete: complete) + [rootHash(leaves[(start + k)...])]
        }
        return subproof(m - k, leaves[(start + k)...], complete: false) + [rootHash(leaves[start..<start + k])]
    }

    /// Whether `proof` shows that the tree of `oldSize` leaves with root `oldRoot` is a prefix of
    /// the tree of `newSize` leaves with root `newRoot` (RFC 9162, 2.1.4.2).
    public static func verifyConsistency(
        oldSize: Int, newSize: Int, oldRoot: [UInt8], newRoot: [UInt8], proof: [[UInt8]]
    ) -> Bool {
        guard oldSize > 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }  // a power of two: the old root is the first node
        guard !path.isEmpty else { return false }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for node in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(node, fr)
                sr = nodeHash(node, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, node)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }

    /// The largest power of two strictly less than `n` (n ≥ 2).
    static func largestPowerOfTwo(below n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}
