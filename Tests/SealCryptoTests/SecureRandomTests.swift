import Testing

@testable import SealCrypto

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test("bytes(n) returns exactly n bytes", arguments: [1, 16, 32, 1000])
    func length(count: Int) {
        #expect(SecureRandom.bytes(count).count == count)
    }

    @Test("Two 32-byte draws differ, and a draw is not all zeros")
    func drawsDiffer() {
        let first = SecureRandom.bytes(32)
        let second = SecureRandom.bytes(32)
        #expect(first != second)
        #expect(first.contains { $0 != 0 })
    }

    @Test("Many draws cover most byte values (not a constant or a short cycle)")
    func coverage() {
        let sample = SecureRandom.bytes(4096)
        #expect(Set(sample).count > 200)
    }

    @Test("publicBytes: the asked length, across pool refills, and no repeated 12-byte nonce in 10,000 draws")
    func publicBytes() {
        var seen = Set<[UInt8]>()
        for _ in 0..<10_000 {
            let nonce = SecureRandom.publicBytes(12)
            #expect(nonce.count == 12)
            seen.insert(nonce)
        }
        #expect(seen.count == 10_000)
        #expect(Set(seen.flatMap { $0 }).count > 200)
    }

    @Test("fillWithPublicBytes fills exactly the buffer it is given, with bytes no earlier draw handed out")
    func fillWithPublicBytes() {
        var seen = Set<[UInt8]>()
        for _ in 0..<1_000 {
            var buffer = [UInt8](repeating: 0, count: 14)
            buffer.withUnsafeMutableBytes { SecureRandom.fillWithPublicBytes(UnsafeMutableRawBufferPointer(rebasing: $0[1..<13])) }
            #expect(buffer.first == 0 && buffer.last == 0)
            seen.insert(Array(buffer[1..<13]))
            seen.insert(SecureRandom.publicBytes(12))
        }
        #expect(seen.count == 2_000)
    }
}
