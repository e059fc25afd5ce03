import Testing

@testable import SealCrypto

/// One RFC 8032 §7.1 test vector, in hex.
struct Ed25519Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let seed: String
    let publicKey: String
    let message: String
    let signature: String

    var testDescription: String { name }
}

@Suite("Ed25519")
struct Ed25519Tests {
    static let rfc8032: [Ed25519Vector] = [
        Ed25519Vector(
            name: "RFC 8032 7.1 TEST 1: empty message",
            seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", message: "",
            signature: """
                e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555\
                fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b
                """),
        Ed25519Vector(
            name: "RFC 8032 7.1 TEST 2: one byte",
            seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", message: "72",
            signature: """
                92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
                085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00
                """),
        Ed25519Vector(
            name: "RFC 8032 7.1 TEST 3: two bytes",
            seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", message: "af82",
            signature: """
                6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac\
                18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a
                """),
    ]

    @Test("Key pairs, signatures and verification match RFC 8032 §7.1 tests 1–3", arguments: rfc8032)
    func rfc8032Vectors(vector: Ed25519Vector) {
        let key = Ed25519.SigningKey(seed: [UInt8](hex: vector.seed))
        let message = [UInt8](hex: vector.message)
        #expect(Hex.encode(key.publicKey) == vector.publicKey)
        #expect(Hex.encode(key.signature(for: message)) == vector.signature)
        #expect(Ed25519.isValidSignature([UInt8](hex: vector.signature), for: message, publicKey: key.publicKey))
        #expect(Hex.encode(key.seed.exposedForTesting) == vector.seed)
    }

    @Test("A changed message, signature or public key does not verify; nor do wrong lengths")
    func rejects() {
        let key = Ed25519.SigningKey()
        let message = Array("checkpoint 42: root 9f86d081884c7d65".utf8)
        let signature = key.signature(for: message)
        #expect(signature.count == Ed25519.signatureLength && key.publicKey.count == Ed25519.publicKeyLength)
        #expect(Ed25519.isValidSignature(signature, for: message, publicKey: key.publicKey))
        var otherMessage = message
        otherMessage[0] ^= 1
        #expect(!Ed25519.isValidSignature(signature, for: otherMessage, publicKey: key.publicKey))
        for index in [0, 31, 32, 63] {
            var altered = signature
            altered[index] ^= 0x10
            #expect(!Ed25519.isValidSignature(altered, for: message, publicKey: key.publicKey), "byte \(index)")
        }
        #expect(!Ed25519.isValidSignature(signature, for: message, publicKey: Ed25519.SigningKey().publicKey))
        #expect(!Ed25519.isValidSignature(signature.dropLast(), for: message, publicKey: key.publicKey))
        #expect(!Ed25519.isValidSignature(signature, for: message, publicKey: key.publicKey.dropLast()))
        #expect(!Ed25519.isValidSignature([UInt8](), for: message, publicKey: [UInt8]()))
    }

    @Test("A key restored from its seed signs identically; random keys differ; printing shows only the public key")
    func seedsAndPrinting() {
        let key = Ed25519.SigningKey()
        let restored = Ed25519.SigningKey(seed: key.seed)
        #expect(restored.publicKey == key.publicKey)
        #expect(restored.signature(for: [1, 2, 3]) == key.signature(for: [1, 2, 3]))
        #expect(Ed25519.SigningKey().publicKey != key.publicKey)
        #expect(key.description == "Ed25519.SigningKey(publicKey: \(Hex.encode(key.publicKey)))")
        #expect(!key.description.contains(Hex.encode(key.seed.exposedForTesting)))
    }
}
