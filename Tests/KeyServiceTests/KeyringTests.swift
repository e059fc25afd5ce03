import Testing
@testable import KeyService

@Suite("Keyring: aliases by name and by the key they point at")
struct KeyringTests {
    private func alias(_ name: String, _ key: String) -> KeyAlias {
        KeyAlias(name: name, targetKeyId: key, createdAt: 0, updatedAt: 0)
    }

    @Test("A key's aliases follow creation, repointing, removal and the key's own removal")
    func aliasesOfAKey() {
        var ring = Keyring(aliases: ["alias/b": alias("alias/b", "k1"), "alias/a": alias("alias/a", "k1")])
        #expect(ring.aliases(of: "k1").map(\.name) == ["alias/a", "alias/b"])
        ring.setAlias(alias("alias/c", "k2"))
        ring.setAlias(alias("alias/b", "k2"))  // repointed
        #expect(ring.aliases(of: "k1").map(\.name) == ["alias/a"])
        #expect(ring.aliases(of: "k2").map(\.name) == ["alias/b", "alias/c"])
        ring.removeAlias(named: "alias/a")
        ring.removeAlias(named: "alias/none")
        #expect(ring.aliases(of: "k1").isEmpty)
        ring.removeAliases(of: "k2")
        #expect(ring.aliases(of: "k2").isEmpty && ring.aliases.isEmpty)
    }
}
