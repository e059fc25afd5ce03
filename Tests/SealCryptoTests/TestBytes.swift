@testable import SealCrypto

extension Array where Element == UInt8 {
    /// The bytes spelled by `hex` (pairs of hex digits; spaces and newlines are ignored).
    init(hex: String) {
        let digits = [Character](hex.filter { !$0.isWhitespace })
        precondition(digits.count % 2 == 0, "odd number of hex digits")
        self = stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }
}

extension SecretBytes {
    /// A plain copy of the secret, for comparing with expected values in tests only.
    var exposedForTesting: [UInt8] { withUnsafeBytes { Array($0) } }
}
