import Testing

@testable import SealCrypto

/// HMAC-SHA256 against RFC 4231 section 4 (test cases 1–4, 6 and 7; case 5 tests truncation).
@Suite("HMAC")
struct HMACTests {
    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("RFC 4231 test case 1: 20-byte key of 0x0b, \"Hi There\"")
    func case1() {
        let mac = HMAC.sha256(key: [UInt8](repeating: 0x0B, count: 20), message: Self.bytes("Hi There"))
        #expect(Hex.encode(mac) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test("RFC 4231 test case 2: key shorter than the output (\"Jefe\")")
    func case2() {
        let mac = HMAC.sha256(key: Self.bytes("Jefe"), message: Self.bytes("what do ya want for nothing?"))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("RFC 4231 test case 3: 0xaa key, 50 bytes of 0xdd")
    func case3() {
        let mac = HMAC.sha256(key: [UInt8](repeating: 0xAA, count: 20), message: [UInt8](repeating: 0xDD, count: 50))
        #expect(Hex.encode(mac) == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    @Test("RFC 4231 test case 4: key 0x01…0x19, 50 bytes of 0xcd")
    func case4() {
        let mac = HMAC.sha256(key: Array(UInt8(1)...UInt8(25)), message: [UInt8](repeating: 0xCD, count: 50))
        #expect(Hex.encode(mac) == "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
    }

    @Test("RFC 4231 test case 6: 131-byte key, hashed before use")
    func case6() {
        let mac = HMAC.sha256(
            key: [UInt8](repeating: 0xAA, count: 131),
            message: Self.bytes("Test Using Larger Than Block-Size Key - Hash Key First"))
        #expect(Hex.encode(mac) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("RFC 4231 test case 7: 131-byte key and a message longer than one block")
    func case7() {
        let message = Self.bytes(
            "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
        )
        let mac = HMAC.sha256(key: [UInt8](repeating: 0xAA, count: 131), message: message)
        #expect(Hex.encode(mac) == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    @Test("An empty message is MACed (not rejected): HMAC(\"key\", \"\")")
    func emptyMessage() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"key", b"", hashlib.sha256).hexdigest())'
        let mac = HMAC.sha256(key: Self.bytes("key"), message: [UInt8]())
        #expect(Hex.encode(mac) == "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0")
    }

    @Test("constantTimeEquals is true only for equal byte strings")
    func constantTimeEquals() {
        let mac = HMAC.sha256(key: Self.bytes("k"), message: Self.bytes("m"))
        #expect(HMAC.constantTimeEquals(mac, mac))
        #expect(HMAC.constantTimeEquals([UInt8](), [UInt8]()))
        for index in [0, 15, 31] {
            var altered = mac
            altered[index] ^= 0x80
            #expect(!HMAC.constantTimeEquals(mac, altered), "difference at byte \(index) must be detected")
        }
        #expect(!HMAC.constantTimeEquals(mac, Array(mac.prefix(31))), "a truncated MAC is not equal")
        #expect(!HMAC.constantTimeEquals(Array(mac.prefix(16)), mac))
        #expect(!HMAC.constantTimeEquals([UInt8](), [UInt8(0)]))
    }

    @Test("A prepared HMACSHA256Key gives the same MACs as HMAC.sha256, for empty, short, block-sized and long keys")
    func preparedKeyAgrees() {
        let messages: [[UInt8]] = [[], Self.bytes("Hi There"), [UInt8](repeating: 0xDD, count: 50), [UInt8](repeating: 7, count: 1000)]
        for keyLength in [0, 4, 20, 32, 64, 65, 131] {
            let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let prepared = HMACSHA256Key(key: key)
            for message in messages {
                #expect(prepared.authenticationCode(message) == HMAC.sha256(key: key, message: message), "key \(keyLength) bytes")
            }
        }
    }
}
