import AuditTrail
import SealCrypto
import Testing

@Suite("Merkle tree (RFC 9162 hashing), proofs and checkpoints")
struct MerkleTreeTests {
    /// The eight leaves of Certificate Transparency's reference tests, and the roots of their
    /// first 1…8 leaves.
    static let leaves: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
        .map { [UInt8](hex: $0) }
    static let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    func hashes(_ count: Int) -> [[UInt8]] {
        (0..<count).map { MerkleTree.leafHash(Array("event \($0)".utf8)) }
    }

    @Test("Roots of the reference tree of 1…8 leaves, from the whole list and from the accumulator")
    func referenceRoots() {
        let hashes = Self.leaves.map { MerkleTree.leafHash($0) }
        var accumulator = MerkleAccumulator()
        #expect(Hex.encode(accumulator.rootHash) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for size in 1...8 {
            #expect(Hex.encode(MerkleTree.rootHash(hashes[..<size])) == Self.roots[size - 1], "size \(size)")
            accumulator.append(leafHash: hashes[size - 1])
            #expect(Hex.encode(accumulator.rootHash) == Self.roots[size - 1], "accumulated size \(size)")
        }
    }

    @Test("Every inclusion proof verifies, for every leaf of trees up to 40 leaves; a wrong leaf, index or root does not")
    func inclusion() {
        let all = hashes(40)
        for size in 1...40 {
            let root = MerkleTree.rootHash(all[..<size])
            for index in 0..<size {
                let proof = MerkleTree.inclusionProof(index: index, leaves: all[..<size])
                #expect(MerkleTree.verifyInclusion(leafHash: all[index], index: index, treeSize: size, proof: proof, rootHash: root))
                #expect(!MerkleTree.verifyInclusion(leafHash: all[(index + 1) % 40], index: index, treeSize: size, proof: proof, rootHash: root))
                if size > 1 {
                    #expect(!MerkleTree.verifyInclusion(leafHash: all[index], index: (index + 1) % size, treeSize: size, proof: proof, rootHash: root))
                }
                #expect(!MerkleTree.verifyInclusion(
                    leafHash: all[index], index: index, treeSize: size, proof: proof, rootHash: MerkleTree.nodeHash(root, root)))
            }
        }
    }

    @Test("Every consistency proof verifies between every pair of sizes up to 40; swapped roots or sizes do not")
    func consistency() {
        let all = hashes(40)
        let roots = (0...40).map { MerkleTree.rootHash(all[..<$0]) }
        for newSize in 1...40 {
            for oldSize in 1...newSize {
                let proof = MerkleTree.consistencyProof(oldSize: oldSize, leaves: all[..<newSize])
                #expect(MerkleTree.verifyConsistency(
                    oldSize: oldSize, newSize: newSize, oldRoot: roots[oldSize], newRoot: roots[newSize], proof: proof))
                if oldSize < newSize {
                    #expect(!MerkleTree.verifyConsistency(
                        oldSize: oldSize, newSize: newSize, oldRoot: roots[newSize], newRoot: roots[oldSize], proof: proof))
                    #expect(!MerkleTree.verifyConsistency(
                        oldSize: oldSize, newSize: newSize, oldRoot: roots[oldSize], newRoot: MerkleTree.leafHash([1]), proof: proof))
                }
            }
        }
    }

    @Test("A signed checkpoint verifies with its key's public key only, and any changed field breaks it")
    func checkpoints() {
        let key = Ed25519.SigningKey()
        let checkpoint = Checkpoint.signed(treeSize: 8, rootHash: [UInt8](hex: Self.roots[7]), timestamp: 1_795_000_000_000, with: key)
        #expect(checkpoint.isSigned(by: key.publicKey))
        #expect(!checkpoint.isSigned(by: Ed25519.SigningKey().publicKey))
        var changed = checkpoint
        changed.treeSize = 7
        #expect(!changed.isSigned(by: key.publicKey))
        changed = checkpoint
        changed.timestamp += 1
        #expect(!changed.isSigned(by: key.publicKey))
        changed = checkpoint
        changed.rootHash[0] ^= 1
        #expect(!changed.isSigned(by: key.publicKey))
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}
