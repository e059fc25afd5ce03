import COpenSSL
import CSodium

/// An HMAC-SHA-256 key prepared once for many MACs: the SHA-256 states after absorbing the
/// key's inner and outer pads, kept in guarded memory. Each MAC then resumes copies of those
/// states on the stack (wiped afterwards), with no allocation and no key setup, on OpenSSL's
/// SHA-256 (SHA-NI where the CPU has it). For hot paths such as per-message key derivation.
public final class HMACSHA256Key: Sendable {
    private static let stateSize = MemoryLayout<SHA256_CTX>.size
    private let states: SecretBytes

    /// Prepares `key` (any length; longer than a block is hashed first, as RFC 2104 says).
    public init(key: some ContiguousBytes) {
        states = key.withUnsafeBytes { key in
            var block = [UInt8](repeating: 0, count: 64)
            defer { sodium_memzero(&block, block.count) }
            if key.count > 64 {
                var context = SHA256_CTX()
                SHA256_Init(&context)
                SHA256_Update(&context, key.baseAddress, key.count)
                SHA256_Final(&block, &context)
                sodium_memzero(&context, Self.stateSize)
            } else if !key.isEmpty {
                block.withUnsafeMutableBytes { $0.copyMemory(from: key) }
            }
            return SecretBytes(count: 2 * Self.stateSize) { output in
                for (index, pad) in [UInt8(0x36), 0x5c].enumerated() {
                    var padded = block.map { $0 ^ pad }
                    let state = output.baseAddress!.advanced(by: index * Self.stateSize).assumingMemoryBound(to: SHA256_CTX.self)
                    SHA256_Init(state)
                    SHA256_Update(state, &padded, 64)
                    sodium_memzero(&padded, padded.count)
                }
            }
        }
    }

    /// HMAC-SHA-256 of the concatenation of `parts` under this key, written to `output` (32 bytes).
    func authenticate(_ parts: [UnsafeRawBufferPointer], into output: UnsafeMutablePointer<UInt8>) {
        states.withUnsafeBytes { states in
            var context = states.load(as: SHA256_CTX.self)
            for part in parts where !part.isEmpty { SHA256_Update(&context, part.baseAddress, part.count) }
            SHA256_Final(output, &context)
            context = states.load(fromByteOffset: Self.stateSize, as: SHA256_CTX.self)
            SHA256_Update(&context, output, 32)
            SHA256_Final(output, &context)
            sodium_memzero(&context, Self.stateSize)
        }
    }

    /// HMAC-SHA-256 of `message` under this key.
    public func authenticationCode(_ message: some ContiguousBytes) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        message.withUnsafeBytes { message in
            output.withUnsafeMutableBufferPointer { authenticate([message], into: $0.baseAddress!) }
        }
        return output
    }
}
