import SealCrypto
import Testing

@testable import KeyService

@Suite("Key material cache: bounded, least recently used first")
struct KeyMaterialCacheTests {
    @Test("Past its capacity the least recently used version goes; removing a key drops its versions")
    func bounded() {
        let cache = KeyMaterialCache(capacity: 2)
        cache.keep(SecretBytes(randomCount: 32), keyId: "a", version: 1)
        cache.keep(SecretBytes(randomCount: 32), keyId: "b", version: 1)
        #expect(cache.material(keyId: "a", version: 1) != nil)  // a is now the more recent
        cache.keep(SecretBytes(randomCount: 32), keyId: "c", version: 1)
        #expect(cache.count == 2)
        #expect(cache.material(keyId: "b", version: 1) == nil, "the least recently used went")
        #expect(cache.material(keyId: "a", version: 1) != nil && cache.material(keyId: "c", version: 1) != nil)
        let keys = KeyMaterialCache(capacity: 4)
        for (keyId, version) in [("c", 1), ("c", 2), ("d", 1)] { keys.keep(SecretBytes(randomCount: 32), keyId: keyId, version: version) }
        keys.removeAll(keyId: "c")
        #expect(keys.count == 1 && keys.material(keyId: "d", version: 1) != nil)
    }

    @Test("A service with more keys than the cache holds keeps the cache bounded, and every key still decrypts")
    func serviceStaysBounded() async throws {
        let harness = try KeyServiceHarness()
        var blobs: [[UInt8]] = []
        let count = harness.service.materials.capacity + 50
        for index in 0..<count {
            let key = try await harness.service.createKey(description: "", spec: .symmetricDefault, policy: nil, tags: [:])
            blobs.append(try harness.service.encrypt(key.keyId, plaintext: Array("m\(index)".utf8), context: [:]).ciphertextBlob)
        }
        #expect(harness.service.materials.count <= harness.service.materials.capacity)
        for (index, blob) in blobs.enumerated() {
            #expect(try harness.service.decrypt(blob, identifier: nil, context: [:]).plaintext == Array("m\(index)".utf8))
        }
        #expect(harness.service.materials.count <= harness.service.materials.capacity)
    }
}
