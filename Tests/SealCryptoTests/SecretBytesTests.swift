import Testing

@testable import SealCrypto

@Suite("SecretBytes")
struct SecretBytesTests {
    @Test("A copy holds exactly the source bytes, from arrays, slices and raw buffers alike")
    func copies() {
        let source: [UInt8] = Array(0...40)
        #expect(SecretBytes(copying: source).exposedForTesting == source)
        #expect(SecretBytes(copying: source[3..<9]).exposedForTesting == Array(3...8))
        #expect(SecretBytes(copying: "pässphrase".utf8).exposedForTesting == Array("pässphrase".utf8))
        let empty = SecretBytes(copying: [UInt8]())
        #expect(empty.count == 0)
        #expect(empty.exposedForTesting == [])
    }

    @Test("Random secrets have the asked length and differ from each other", arguments: [1, 16, 32, 4096])
    func random(count: Int) {
        let first = SecretBytes(randomCount: count)
        #expect(first.count == count)
        if count >= 16 {
            #expect(!HMAC.constantTimeEquals(first, SecretBytes(randomCount: count)))
            #expect(first.exposedForTesting.contains { $0 != 0 })
        }
    }

    @Test("Printing, interpolating, debug-printing or dumping shows the length, never the bytes")
    func neverPrinted() {
        let secret = SecretBytes(copying: [UInt8](repeating: 0xAB, count: 32))
        #expect(secret.description == "SecretBytes(32 bytes)")
        #expect("\(secret)" == "SecretBytes(32 bytes)")
        #expect(String(reflecting: secret) == "SecretBytes(32 bytes)")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(dumped.contains("count: 32"))
        #expect(!dumped.contains("171"), "0xAB, the secret's byte, must not appear")
    }

    @Test("Constant-time comparison works across secrets and plain bytes (HMAC.constantTimeEquals)")
    func constantTimeComparison() {
        let bytes: [UInt8] = Array(100..<132)
        let secret = SecretBytes(copying: bytes)
        #expect(HMAC.constantTimeEquals(secret, SecretBytes(copying: bytes)))
        #expect(HMAC.constantTimeEquals(secret, bytes))
        var altered = bytes
        altered[31] ^= 1
        #expect(!HMAC.constantTimeEquals(secret, SecretBytes(copying: altered)))
        #expect(!HMAC.constantTimeEquals(secret, bytes.prefix(31)))
        #expect(HMAC.constantTimeEquals(SecretBytes(copying: [UInt8]()), [UInt8]()))
    }

    @Test("Secrets can be shared across tasks, and thousands are allocated and freed cleanly")
    func sendableAndFreed() async {
        let secret = SecretBytes(copying: [1, 2, 3])
        let seen = await Task.detached { secret.exposedForTesting }.value
        #expect(seen == [1, 2, 3])
        for round in 0..<2000 {
            let temporary = SecretBytes(copying: [UInt8](repeating: UInt8(truncatingIfNeeded: round), count: 48))
            #expect(temporary.count == 48)
        }
    }
}
