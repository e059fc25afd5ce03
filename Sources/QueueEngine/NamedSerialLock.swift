import Synchronization

/// Runs asynchronous work one piece at a time per name: work for a name waits until the
/// earlier work for that name has finished, so a check, an awaited save and the in-memory
/// update that follows it cannot interleave with another caller's for the same name (changes
/// to one queue, to one KMS alias).
public final class NamedSerialLock: Sendable {
    /// The names held, each with the callers waiting for it, in arrival order.
    private let holders = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    /// A lock holding no name.
    public init() {}

    /// Runs `body` once no earlier work for `name` is running.
    public func run<T: Sendable>(_ name: String, _ body: () async throws -> T) async throws -> T {
        await acquire(name)
        defer { release(name) }
        return try await body()
    }

    private func acquire(_ name: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = holders.withLock { holders -> Bool in
                guard holders[name] != nil else {
                    holders[name] = []
                    return true
                }
                holders[name]!.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }

    private func release(_ name: String) {
        let next = holders.withLock { holders -> CheckedContinuation<Void, Never>? in
            guard var waiting = holders[name], !waiting.isEmpty else {
                holders[name] = nil
                return nil
            }
            let first = waiting.removeFirst()
            holders[name] = waiting
            return first
        }
        next?.resume()
    }
}
