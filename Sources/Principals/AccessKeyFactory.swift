import Foundation
import SealCrypto

/// New access key ids and secrets in AWS's shapes, from libsodium's random generator.
public enum AccessKeyFactory {
    private static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    private static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// `AKIA` and 16 base-32 characters, 20 in all, like an IAM user's long-term key.
    public static func newAccessKeyId() -> String {
        "AKIA" + String(SecureRandom.bytes(16).map { base32[Int($0) % base32.count] })
    }

    /// 40 characters of the base-64 alphabet (240 random bits), like an IAM secret access key.
    public static func newSecretAccessKey() -> String {
        String(SecureRandom.bytes(40).map { secretAlphabet[Int($0) % secretAlphabet.count] })
    }
}
