import Testing

@testable import SealCrypto

/// One RFC 5869 appendix A test case (the SHA-256 ones), in hex.
struct HKDFVector: Sendable, CustomTestStringConvertible {
    let name: String
    let inputKeyMaterial: String
    let salt: String
    let info: String
    let count: Int
    let pseudorandomKey: String
    let output: String

    var testDescription: String { name }
}

@Suite("HKDF")
struct HKDFTests {
    private static func range(_ bytes: ClosedRange<UInt8>) -> String { Hex.encode(Array(bytes)) }

    static let rfc5869: [HKDFVector] = [
        HKDFVector(
            name: "RFC 5869 A.1: basic test case", inputKeyMaterial: String(repeating: "0b", count: 22),
            salt: "000102030405060708090a0b0c", info: "f0f1f2f3f4f5f6f7f8f9", count: 42,
            pseudorandomKey: "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
            output: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        HKDFVector(
            name: "RFC 5869 A.2: longer inputs and outputs", inputKeyMaterial: range(0x00...0x4f), salt: range(0x60...0xaf),
            info: range(0xb0...0xff), count: 82,
            pseudorandomKey: "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
            output: """
                b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c\
                59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71\
                cc30c58179ec3e87c14c01d5c1f3434f1d87
                """),
        HKDFVector(
            name: "RFC 5869 A.3: zero-length salt and info", inputKeyMaterial: String(repeating: "0b", count: 22),
            salt: "", info: "", count: 42,
            pseudorandomKey: "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
            output: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
    ]

    @Test("Extract, expand, and both at once match RFC 5869 test cases 1–3", arguments: rfc5869)
    func rfc5869Vectors(vector: HKDFVector) {
        let inputKeyMaterial = [UInt8](hex: vector.inputKeyMaterial)
        let salt = [UInt8](hex: vector.salt)
        let info = [UInt8](hex: vector.info)
        let pseudorandomKey = HKDF.extract(salt: salt, inputKeyMaterial: inputKeyMaterial)
        #expect(Hex.encode(pseudorandomKey.exposedForTesting) == vector.pseudorandomKey)
        let expanded = HKDF.expand(pseudorandomKey: pseudorandomKey, info: info, count: vector.count)
        #expect(Hex.encode(expanded.exposedForTesting) == vector.output)
        let derived = HKDF.deriveKey(inputKeyMaterial: inputKeyMaterial, salt: salt, info: info, count: vector.count)
        #expect(Hex.encode(derived.exposedForTesting) == vector.output)
        let prepared = HMACSHA256Key(key: pseudorandomKey)
        let lent = HKDF.withExpanded(pseudorandomKey: prepared, info: info, count: vector.count) { Hex.encode(Array($0)) }
        #expect(lent == vector.output, "the expansion with a prepared key equals OpenSSL's KDF")
    }

    @Test("An empty salt is the RFC's default: 32 zero bytes")
    func emptySaltIsZeros() {
        let key = SecretBytes(randomCount: 32)
        let withEmpty = HKDF.extract(salt: [UInt8](), inputKeyMaterial: key)
        let withZeros = HKDF.extract(salt: [UInt8](repeating: 0, count: 32), inputKeyMaterial: key)
        #expect(HMAC.constantTimeEquals(withEmpty, withZeros))
    }

    @Test("Outputs are prefixes of each other, up to 255 blocks, and depend on the info")
    func lengthsAndInfo() {
        let key = SecretBytes(randomCount: 32)
        let info = Array("sealq message key|arn:aws:sqs:us-east-1:000000000000:q|m-1".utf8)
        let longest = HKDF.expand(pseudorandomKey: key, info: info, count: HKDF.maximumOutputCount)
        #expect(longest.count == 8160)
        for count in [1, 31, 32, 33, 100] {
            #expect(HKDF.expand(pseudorandomKey: key, info: info, count: count).exposedForTesting
                == Array(longest.exposedForTesting.prefix(count)))
        }
        let other = HKDF.expand(pseudorandomKey: key, info: info + [0], count: 32)
        #expect(!HMAC.constantTimeEquals(other, longest.exposedForTesting.prefix(32)))
    }
}
