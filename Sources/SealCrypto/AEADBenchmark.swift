/// How fast the AEAD ciphers seal, for the benchmark command.
public enum AEADBenchmark {
    /// Plaintext bytes per second that `aead` seals in `messageSize`-byte messages with 64 bytes of
    /// associated data, measured for about `seconds` under one random key with counter nonces.
    public static func sealingBytesPerSecond(_ aead: AEAD, messageSize: Int, seconds: Double) -> Double {
        let key = SecretBytes(randomCount: aead.keyLength)
        let plaintext = [UInt8](repeating: 0xA5, count: messageSize)
        let associatedData = [UInt8](repeating: 0x5A, count: 64)
        var nonce = [UInt8](repeating: 0, count: aead.nonceLength)
        var messages: UInt64 = 0
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .seconds(seconds))
        repeat {
            messages += 1
            withUnsafeBytes(of: messages.littleEndian) { nonce.replaceSubrange(0..<8, with: $0) }
            _ = aead.seal(plaintext, key: key, nonce: nonce, associatedData: associatedData)
        } while clock.now < deadline
        let elapsed = start.duration(to: clock.now).components
        return Double(messages) * Double(messageSize)
            / (Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }
}
