import CSodium

/// Secret bytes (keys, passphrases, derived material) kept in guarded memory.
///
/// The bytes live in their own `sodium_malloc` allocation: guard pages on both sides, a canary
/// checked when freed, locked out of swap (`mlock`, as far as the limit allows) and read-only once
/// initialised. When the last reference goes, `sodium_free` wipes and unlocks them. They are never
/// printed: `description` shows only their length. Compare two secrets with
/// `HMAC.constantTimeEquals`, which takes any `ContiguousBytes`.
public final class SecretBytes: @unchecked Sendable {
    // @unchecked: the memory is written only while `init` runs and is read-only afterwards.
    private let storage: UnsafeMutableRawPointer

    /// The number of bytes.
    public let count: Int

    /// A guarded copy of `bytes`. The source is not wiped: prefer writing secrets straight into a
    /// `SecretBytes` (as the key derivations here do) over copying them from ordinary memory.
    public convenience init(copying bytes: some Collection<UInt8>) {
        self.init(count: bytes.count) { $0.copyBytes(from: bytes) }
    }

    /// `count` random bytes from libsodium's generator.
    public convenience init(randomCount count: Int) {
        self.init(count: count) { buffer in
            if let start = buffer.baseAddress { randombytes_buf(start, count) }
        }
    }

    /// `count` bytes written once by `initialize`, then made read-only.
    init(count: Int, initializingWith initialize: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(count >= 0, "a secret cannot have a negative length")
        Sodium.ensureInitialized()
        guard let storage = sodium_malloc(count) else { fatalError("sodium_malloc failed: out of memory") }
        initialize(UnsafeMutableRawBufferPointer(start: storage, count: count))
        sodium_mprotect_readonly(storage)
        self.storage = storage
        self.count = count
    }

    deinit {
        // Makes the pages writable again, checks the canary, zeroes and unlocks them, then unmaps.
        sodium_free(storage)
    }
}

extension SecretBytes: ContiguousBytes {
    /// Lends the secret bytes to `body`; they must not be copied out of it into ordinary memory.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The length only, never the bytes: "SecretBytes(32 bytes)".
    public var description: String { "SecretBytes(\(count) bytes)" }

    /// The same as `description`, so debug output and string interpolation show no bytes either.
    public var debugDescription: String { description }

    /// A mirror with the length only, so `dump` shows no bytes or addresses.
    public var customMirror: Mirror { Mirror(self, children: ["count": count]) }
}
