import Testing

@testable import SealCrypto

/// MD5 (RFC 1321 appendix A.5) and SHA-256 (FIPS 180-2 appendix B) reference vectors.
@Suite("Digest")
struct DigestTests {
    @Test(
        "MD5 matches the RFC 1321 test suite",
        arguments: [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ])
    func md5Vectors(input: String, expected: String) {
        let digest = Digest.md5(Array(input.utf8))
        #expect(digest.count == 16)
        #expect(Hex.encode(digest) == expected)
    }

    @Test(
        "SHA-256 matches the FIPS 180 examples",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ])
    func sha256Vectors(input: String, expected: String) {
        let digest = Digest.sha256(Array(input.utf8))
        #expect(digest.count == 32)
        #expect(Hex.encode(digest) == expected)
    }

    @Test("SHA-256 of one million 'a' bytes matches FIPS 180")
    func sha256MillionA() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Hex.encode(Digest.sha256(input)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("String UTF-8 views, array slices and raw buffers digest the same bytes as arrays")
    func everyContiguousBytesFormAgrees() {
        let text = "héllo, wörld ✓"
        let bytes = Array(text.utf8)
        let expected = Digest.sha256(bytes)
        #expect(Digest.sha256(text.utf8) == expected)
        let padded = [0xFF] + bytes + [0xFF]
        #expect(Digest.sha256(padded[1..<(padded.count - 1)]) == expected)
        bytes.withUnsafeBytes { raw in
            #expect(Digest.sha256(raw) == expected)
            #expect(Digest.md5(raw) == Digest.md5(bytes))
        }
        #expect(Digest.md5(text.utf8) == Digest.md5(bytes))
    }

    @Test("A one-bit change of the input changes the digest")
    func digestsDependOnEveryByte() {
        var input = [UInt8](repeating: 0x41, count: 200)
        let before = (Digest.md5(input), Digest.sha256(input))
        input[199] ^= 0x01
        #expect(Digest.md5(input) != before.0)
        #expect(Digest.sha256(input) != before.1)
    }
}
