import CSodium
import Synchronization

/// Cryptographically secure random bytes from libsodium.
public enum SecureRandom {
    /// Random bytes for values that are public once used (nonces), drawn 4 KiB at a time.
    private static let pool = Mutex<(bytes: [UInt8], used: Int)>(([UInt8](repeating: 0, count: 4096), 4096))

    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        Sodium.ensureInitialized()
        var output = [UInt8](repeating: 0, count: count)
        output.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return output
    }

    /// `count` random bytes for a value that need not stay secret, such as a nonce: as random
    /// as `bytes`, but taken from a pool refilled 4 KiB at a time, so it costs no system call.
    /// Bytes handed out are erased from the pool and never handed out again.
    ///
    /// - Precondition: `count` is at most 256.
    public static func publicBytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            fillWithPublicBytes(UnsafeMutableRawBufferPointer(output))
            initialized = count
        }
    }

    /// Fills `output` as `publicBytes` would return its bytes, without making an array.
    ///
    /// - Precondition: `output` is at most 256 bytes.
    public static func fillWithPublicBytes(_ output: UnsafeMutableRawBufferPointer) {
        let count = output.count
        precondition(count <= 256, "publicBytes hands out at most 256 bytes at a time")
        pool.withLock { pool in
            if pool.used + count > pool.bytes.count {
                Sodium.ensureInitialized()
                pool.bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
                pool.used = 0
            }
            let start = pool.used
            pool.used += count
            pool.bytes.withUnsafeMutableBytes { bytes in
                let handedOut = UnsafeMutableRawBufferPointer(rebasing: bytes[start..<start + count])
                output.copyMemory(from: UnsafeRawBufferPointer(handedOut))
                handedOut.initializeMemory(as: UInt8.self, repeating: 0)
            }
        }
    }
}
