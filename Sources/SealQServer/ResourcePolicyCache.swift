import Foundation
import PolicyEngine
import Principals
import SigV4
import Synchronization

/// Parsed resource policies by text, so a queue's Policy is parsed once, not on every call.
/// A stored policy that no longer parses grants nothing.
final class ResourcePolicyCache: Sendable {
    private let parsed = Mutex<[String: Policy?]>([:])
    private static let capacity = 4096

    /// The policy `text` parses to, or nil.
    func policy(for text: String) -> Policy? {
        if let known = parsed.withLock({ $0[text] }) { return known }
        let policy = try? Policy.parse(text, kind: .resource, id: "ResourcePolicy")
        parsed.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll() }
            cache[text] = .some(policy)
        }
        return policy
    }
}
