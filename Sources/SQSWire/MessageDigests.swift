import QueueEngine
import SealCrypto

/// The MD5 checksums SQS returns, byte-exact to AWS's algorithm (SDKs verify them).
public enum MessageDigests {
    /// Lowercase hex MD5 of the body's UTF-8 bytes.
    public static func body(_ body: String) -> String {
        Hex.encode(Digest.md5(body.utf8))
    }

    /// MD5 of the attributes' canonical bytes (see `AttributeEncoding`); nil for none.
    public static func attributes(_ attributes: [String: MessageAttributeValue]) -> String? {
        guard !attributes.isEmpty else { return nil }
        return Hex.encode(Digest.md5(AttributeEncoding.canonicalBytes(attributes)))
    }
}
