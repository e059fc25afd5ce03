import SealCrypto
import Synchronization

/// The clear material of the key versions used most recently, in guarded memory, at most
/// `capacity` of them. Each `SecretBytes` takes guard pages, mappings of its own, and a process
/// may hold only so many mappings (`vm.max_map_count`, 65,530 by default): a daemon that kept
/// every key it had used unwrapped stopped with "sodium_malloc failed" after about 16,000 keys.
/// A version dropped here is unwrapped from its record again when next used.
final class KeyMaterialCache: Sendable {
    private struct Entry {
        let material: SecretBytes
        var lastUse: UInt64
    }

    private let state = Mutex<(entries: [String: Entry], uses: UInt64)>(([:], 0))
    /// The most versions kept at once.
    let capacity: Int

    /// An empty cache keeping at most `capacity` (at least 1) versions.
    init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
    }

    /// The material of `version` of key `keyId`, if kept.
    func material(keyId: String, version: Int) -> SecretBytes? {
        state.withLock { state in
            let name = Self.name(keyId, version)
            guard state.entries[name] != nil else { return nil }
            state.uses += 1
            state.entries[name]?.lastUse = state.uses
            return state.entries[name]?.material
        }
    }

    /// Keeps `material` as `version` of key `keyId`; when full, the least recently used version goes first.
    func keep(_ material: SecretBytes, keyId: String, version: Int) {
        state.withLock { state in
            let name = Self.name(keyId, version)
            if state.entries[name] == nil, state.entries.count >= capacity,
                let idlest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                state.entries[idlest.key] = nil
            }
            state.uses += 1
            state.entries[name] = Entry(material: material, lastUse: state.uses)
        }
    }

    /// Drops every version of key `keyId` (its material was destroyed).
    func removeAll(keyId: String) {
        state.withLock { state in state.entries = state.entries.filter { !$0.key.hasPrefix(keyId + "/") } }
    }

    /// How many versions are kept.
    var count: Int { state.withLock { $0.entries.count } }

    private static func name(_ keyId: String, _ version: Int) -> String { "\(keyId)/\(version)" }
}
