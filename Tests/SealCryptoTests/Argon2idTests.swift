import Testing

@testable import SealCrypto

/// One libsodium known answer for `crypto_pwhash` with Argon2id, in hex.
struct Argon2idVector: Sendable, CustomTestStringConvertible {
    let name: String
    let passphrase: String
    let salt: String
    let iterations: Int
    let memoryBytes: Int
    let output: String

    var testDescription: String { name }
}

/// Known answers from libsodium's test/default/pwhash_argon2id.c, tv() table, and the matching lines
/// of pwhash_argon2id.exp (the salt is the first 16 bytes of salt_hex). RFC 9106's vector uses four
/// lanes, a secret and associated data, which `crypto_pwhash` (one lane, neither input) cannot take.
@Suite("Argon2id")
struct Argon2idTests {
    static let libsodium: [Argon2idVector] = [
        Argon2idVector(
            name: "pwhash_argon2id.c tv() #0: 127-byte password, t=5, 7256678 bytes",
            passphrase: """
                a347ae92bce9f80f6f595a4480fc9c2fe7e7d7148d371e9487d75f5c23008ffae0\
                65577a928febd9b1973a5a95073acdbeb6a030cfc0d79caa2dc5cd011cef02c08d\
                a232d76d52dfbca38ca8dcbd665b17d1665f7cf5fe59772ec909733b24de97d6f5\
                8d220b20c60d7c07ec1fd93c52c31020300c6c1facd77937a597c7a6
                """,
            salt: "5541fbc995d5c197ba290346d2c559de", iterations: 5, memoryBytes: 7_256_678,
            output: """
                18acec5d6507739f203d1f5d9f1d862f7c2cdac4f19d2bdff64487e60d969e3ced615337b9eec6ac4461c6ca07f0\
                939741e57c24d0005c7ea171a0ee1e7348249d135b38f222e4dad7b9a033ed83f5ca27277393e316582033c74aff\
                e2566a2bea47f91f0fd9fe49ece7e1f79f3ad6e9b23e0277c8ecc4b313225748dd2a80f5679534a0700e246a79a4\
                9b3f74eb89ec6205fe1eeb941c73b1fcf1
                """),
        Argon2idVector(
            name: "pwhash_argon2id.c tv() #6: 34-byte password, t=1, 1631659 bytes",
            passphrase: "b540beb016a5366524d4605156493f9874514a5aa58818cd0c6dfffaa9e90205f17b",
            salt: "44071f6d181561670bda728d43fb79b4", iterations: 1, memoryBytes: 1_631_659,
            output: """
                7fb72409b0987f8190c3729710e98c3f80c5a8727d425fdcde7f3644d467fe973f5b5fee683bd3fce812cb9ae5e9\
                921a2d06c2f1905e4e839692f2b934b682f11a2fe2b90482ea5dd234863516dba6f52dc0702d324ec77d860c2e18\
                1f84472bd7104fedce071ffa93c5309494ad51623d214447a7b2b1462dc7d5d55a1f6fd5b54ce024118d86f0c648\
                9d16545aaa87b6689dad9f2fb47fda9894f8e12b87d978b483ccd4cc5fd9595cdc7a818452f915ce2f7df95ec12b\
                1c72e3788d473441d884f9748eb14703c21b45d82fd667b85f5b2d98c13303b3fe76285531a826b6fc0fe8e3dddecf
                """),
    ]

    /// Cheap enough for tests: 2 passes over 1 MiB.
    private static let testCost = Argon2id.Cost(iterations: 2, memoryBytes: 1 << 20)

    @Test("Derivations match libsodium's Argon2id known answers", arguments: libsodium)
    func libsodiumVectors(vector: Argon2idVector) throws {
        let output = [UInt8](hex: vector.output)
        let key = try Argon2id.deriveKey(
            count: output.count, passphrase: [UInt8](hex: vector.passphrase), salt: [UInt8](hex: vector.salt),
            cost: Argon2id.Cost(iterations: vector.iterations, memoryBytes: vector.memoryBytes))
        #expect(Hex.encode(key.exposedForTesting) == vector.output)
    }

    @Test("The same passphrase, salt and cost give the same key; any change gives another")
    func determinismAndSensitivity() throws {
        let salt = [UInt8](repeating: 0x5A, count: Argon2id.saltLength)
        let passphrase = SecretBytes(copying: "correct horse battery staple".utf8)
        let key = try Argon2id.deriveKey(count: 32, passphrase: passphrase, salt: salt, cost: Self.testCost)
        #expect(key.count == 32)
        #expect(HMAC.constantTimeEquals(key, try Argon2id.deriveKey(count: 32, passphrase: passphrase, salt: salt, cost: Self.testCost)))
        var otherSalt = salt
        otherSalt[15] ^= 1
        let variants = [
            try Argon2id.deriveKey(count: 32, passphrase: passphrase, salt: otherSalt, cost: Self.testCost),
            try Argon2id.deriveKey(count: 32, passphrase: "correct horse battery stapler".utf8, salt: salt, cost: Self.testCost),
            try Argon2id.deriveKey(
                count: 32, passphrase: passphrase, salt: salt, cost: Argon2id.Cost(iterations: 3, memoryBytes: 1 << 20)),
            try Argon2id.deriveKey(
                count: 32, passphrase: passphrase, salt: salt, cost: Argon2id.Cost(iterations: 2, memoryBytes: 2 << 20)),
        ]
        for variant in variants { #expect(!HMAC.constantTimeEquals(key, variant)) }
        let empty = try Argon2id.deriveKey(count: 16, passphrase: [UInt8](), salt: salt, cost: Self.testCost)
        #expect(empty.count == 16)
    }

    @Test("Costs below libsodium's minimum are refused with DerivationFailure")
    func refusesTooLittleWork() {
        let salt = [UInt8](repeating: 1, count: 16)
        #expect(throws: Argon2id.DerivationFailure()) {
            try Argon2id.deriveKey(count: 32, passphrase: [UInt8](), salt: salt, cost: Argon2id.Cost(iterations: 0, memoryBytes: 1 << 20))
        }
        #expect(throws: Argon2id.DerivationFailure()) {
            try Argon2id.deriveKey(count: 32, passphrase: [UInt8](), salt: salt, cost: Argon2id.Cost(iterations: 2, memoryBytes: 1024))
        }
    }

    @Test("The presets are libsodium's INTERACTIVE, MODERATE and SENSITIVE limits; INTERACTIVE runs")
    func presets() throws {
        #expect(Argon2id.Cost.interactive == Argon2id.Cost(iterations: 2, memoryBytes: 64 << 20))
        #expect(Argon2id.Cost.moderate == Argon2id.Cost(iterations: 3, memoryBytes: 256 << 20))
        #expect(Argon2id.Cost.sensitive == Argon2id.Cost(iterations: 4, memoryBytes: 1 << 30))
        #expect(Argon2id.saltLength == 16 && Argon2id.minimumOutputCount == 16)
        let key = try Argon2id.deriveKey(
            count: 32, passphrase: "pass".utf8, salt: [UInt8](repeating: 2, count: 16), cost: .interactive)
        #expect(key.count == 32)
    }
}
