import Foundation

/// The JSON bodies of the KMS requests the benchmark makes, written as text.
enum KMSBodies {
    /// The encryption context of every benchmark call: one pair, as SQS's own use of KMS passes.
    static let context = ["purpose": "sealq-bench"]
    /// Bytes of plaintext per Encrypt.
    static let plaintextSize = 1024

    /// `CreateKey` of a symmetric encryption key.
    static func createKey(description: String) -> JSONPayload {
        JSONPayload(
            "{\"Description\":\(JSONText.quoted(description)),\"KeySpec\":\"SYMMETRIC_DEFAULT\","
                + "\"KeyUsage\":\"ENCRYPT_DECRYPT\"}")
    }

    /// `ScheduleKeyDeletion` of `keyId` after `days` days.
    static func scheduleKeyDeletion(keyId: String, days: Int) -> JSONPayload {
        JSONPayload("{\"KeyId\":\(JSONText.quoted(keyId)),\"PendingWindowInDays\":\(days)}")
    }

    /// `Encrypt` of ``plaintextSize`` random bytes under `keyId` with ``context``.
    static func encrypt(keyId: String) -> JSONPayload {
        let plaintext = Data((0..<plaintextSize).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
        return JSONPayload(
            "{\"KeyId\":\(JSONText.quoted(keyId)),\"Plaintext\":\"\(plaintext)\",\"EncryptionContext\":\(contextJSON)}")
    }

    /// `Decrypt` of `ciphertextBlob` (base64, as Encrypt answered it) naming `keyId`, with ``context``.
    static func decrypt(keyId: String, ciphertextBlob: String) -> JSONPayload {
        JSONPayload(
            "{\"KeyId\":\(JSONText.quoted(keyId)),\"CiphertextBlob\":\(JSONText.quoted(ciphertextBlob)),"
                + "\"EncryptionContext\":\(contextJSON)}")
    }

    /// `GenerateDataKey` of an AES_256 data key under `keyId` with ``context``.
    static func generateDataKey(keyId: String) -> JSONPayload {
        JSONPayload(
            "{\"KeyId\":\(JSONText.quoted(keyId)),\"KeySpec\":\"AES_256\",\"EncryptionContext\":\(contextJSON)}")
    }

    private static var contextJSON: String {
        "{" + context.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)):\(JSONText.quoted($0.value))" }
            .joined(separator: ",") + "}"
    }
}
