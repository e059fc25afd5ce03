import Synchronization

/// Bounds the request-body bytes the daemon holds in memory at once, across every connection.
/// Bodies are read before a request is authenticated (the signature covers them), so without a
/// shared bound anyone who can connect could make the daemon hold a full body per connection.
/// A request reserves its announced Content-Length before reading, then whatever more arrives,
/// and gives it all back once answered; a reservation that does not fit is refused.
final class BodyBudget: Sendable {
    /// The most bytes held at once.
    let limit: Int
    private let held = Mutex(0)

    /// A budget of `limit` bytes.
    init(limit: Int) {
        self.limit = limit
    }

    /// Takes `bytes` from the budget; false, taking nothing, when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        held.withLock { held in
            guard bytes <= limit - held else { return false }
            held += bytes
            return true
        }
    }

    /// Gives back `bytes` taken earlier.
    func release(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }
}
