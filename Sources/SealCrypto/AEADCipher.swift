/// One AEAD algorithm's raw operations, behind `AEAD`, which has already checked the key and nonce
/// lengths and that a sealed value is at least one tag long.
protocol AEADCipher: Sendable {
    /// Writes `ciphertext ‖ tag` (`plaintext.count + AEAD.tagLength` bytes) to `output`.
    func encrypt(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)

    /// Decrypts `sealed` (`ciphertext ‖ tag`) into `output` and returns whether the tag is
    /// authentic; when it is not, `output` is zeroed.
    func decrypt(
        key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, sealed: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool
}
