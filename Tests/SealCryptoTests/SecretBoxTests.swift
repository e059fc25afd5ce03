import Testing

@testable import SealCrypto

@Suite("SecretBox")
struct SecretBoxTests {
    let box = SecretBox(key: Array(repeating: 7, count: 32))

    @Test("A sealed value opens to the plaintext under the same key and context")
    func roundTrip() throws {
        let sealed = box.seal(Array("wJalrXUtnFEMI/K7MDENG".utf8), context: Array("AKIAEXAMPLE".utf8))
        #expect(sealed.count == 24 + 21 + 16)
        #expect(try box.open(sealed, context: Array("AKIAEXAMPLE".utf8)) == Array("wJalrXUtnFEMI/K7MDENG".utf8))
    }

    @Test("Each seal uses a fresh nonce, so equal secrets do not look equal at rest")
    func freshNonces() {
        #expect(box.seal([1, 2, 3], context: []) != box.seal([1, 2, 3], context: []))
    }

    @Test("A wrong context, a wrong key, a flipped bit or a truncated value does not open")
    func refusesTampering() {
        let sealed = box.seal(Array("secret".utf8), context: Array("A".utf8))
        #expect(throws: SecretBox.OpenFailure.self) { try box.open(sealed, context: Array("B".utf8)) }
        #expect(throws: SecretBox.OpenFailure.self) {
            try SecretBox(key: Array(repeating: 8, count: 32)).open(sealed, context: Array("A".utf8))
        }
        var flipped = sealed
        flipped[30] ^= 1
        #expect(throws: SecretBox.OpenFailure.self) { try box.open(flipped, context: Array("A".utf8)) }
        #expect(throws: SecretBox.OpenFailure.self) { try box.open(Array(sealed.prefix(39)), context: Array("A".utf8)) }
    }
}

extension SecretBoxTests {
    @Test("The sealed format is unchanged: 24-byte nonce, then XChaCha20-Poly1305 ciphertext and tag")
    func format() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let sealed = box.seal(Array("secret".utf8), context: Array("AKIA1".utf8))
        let opened = try AEAD.xChaCha20Poly1305.open(
            sealed.dropFirst(24), key: key, nonce: sealed.prefix(24), associatedData: Array("AKIA1".utf8))
        #expect(opened == Array("secret".utf8))
        #expect(throws: SecretBox.OpenFailure.self) { try box.open(Array(sealed.prefix(23)), context: Array("AKIA1".utf8)) }
    }
}
