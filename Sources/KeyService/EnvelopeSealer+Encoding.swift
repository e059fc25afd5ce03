import QueueEngine
import SealCrypto

/// The byte-level side of `EnvelopeSealer`: per-message keys, the associated data a sealed
/// payload is bound to, the space keys' encryption context, and key-service errors (recorded
/// as failed key uses, answered in SQS's terms).
extension EnvelopeSealer {
    private static let derivationLabel = Array("sealq sqs message key v1".utf8)
    private static let associatedDataLabel = Array("sealq sqs v1".utf8)
    static let deduplicationLabel = Array("sealq sqs deduplication id v1".utf8)
    private static let spaceKeyContext = "sealq:message-space"

    // MARK: - Message keys

    /// Lends `body` the message's AES-256-GCM key and its commitment: HKDF-Expand of the
    /// derivation key with the message id in the info, in a buffer wiped afterwards.
    static func withMessageKey<Result>(
        _ pseudorandomKey: HMACSHA256Key, messageId: String,
        _ body: (_ key: UnsafeRawBufferPointer, _ commitment: UnsafeRawBufferPointer) -> Result
    ) -> Result {
        var info = derivationLabel
        appendField(messageId, to: &info)
        return HKDF.withExpanded(pseudorandomKey: pseudorandomKey, info: info, count: 32 + commitmentLength) { output in
            body(UnsafeRawBufferPointer(rebasing: output[0..<32]), UnsafeRawBufferPointer(rebasing: output[32...]))
        }
    }

    // MARK: - Helpers

    static func spaceKeyContext(_ queueArn: String) -> [String: String] {
        ["aws:sqs:arn": queueArn, spaceKeyContext: "1"]
    }

    static func callerName(_ caller: Caller) -> String {
        caller.principalArn ?? "anonymous"
    }

    /// The associated data's start, the same for every message of a queue under one data key:
    /// the label, then the length-prefixed queue ARN and data key blob.
    static func associatedPrefix(queueArn: String, blob: [UInt8]) -> [UInt8] {
        var output = associatedDataLabel
        appendField(queueArn, to: &output)
        appendField(blob, to: &output)
        return output
    }

    /// The associated data of one message: `prefix`, then the length-prefixed message id and bindings.
    static func associatedData(_ prefix: [UInt8], _ context: SealingContext) -> [UInt8] {
        var output = prefix
        output.reserveCapacity(prefix.count + 4 + context.messageId.utf8.count + context.binding.reduce(0) { $0 + 4 + $1.utf8.count })
        appendField(context.messageId, to: &output)
        for part in context.binding { appendField(part, to: &output) }
        return output
    }

    /// Appends `field` after its 4-byte big-endian length.
    static func appendField(_ field: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        let count = UInt32(field.count)
        output.append(UInt8(count >> 24))
        output.append(UInt8((count >> 16) & 0xFF))
        output.append(UInt8((count >> 8) & 0xFF))
        output.append(UInt8(count & 0xFF))
        output.append(contentsOf: field)
    }

    static func appendField(_ field: [UInt8], to output: inout [UInt8]) {
        field.withUnsafeBufferPointer { appendField($0, to: &output) }
    }

    static func appendField(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendField($0, to: &output) }
    }

    /// Runs one step of `use`; a failure of a use of a customer key is recorded too (as KMS
    /// logs refused and failed calls), then thrown.
    func attempt<Result>(_ use: KeyUse, _ step: () throws(KeyServiceError) -> Result) throws(KeyServiceError) -> Result {
        do {
            return try step()
        } catch {
            if !use.key.isOwnedByQueueService {
                var failed = use
                failed.errorCode = error.code.rawValue
                failed.errorMessage = error.message
                record(failed)
            }
            throw error
        }
    }

    /// Runs `work`, answering key-service failures in SQS's terms.
    func sqsErrors<T>(_ work: () throws(KeyServiceError) -> T) throws(SQSError) -> T {
        do {
            return try work()
        } catch {
            throw Self.sqsError(error)
        }
    }

    /// The SQS error a key-service failure surfaces as on a queue call.
    static func sqsError(_ error: KeyServiceError) -> SQSError {
        switch error.code {
        case .disabled: return SQSError(.kmsDisabled, error.message)
        case .invalidState: return SQSError(.kmsInvalidState, error.message)
        case .notFound: return SQSError(.kmsNotFound, error.message)
        case .accessDenied: return SQSError(.kmsAccessDenied, error.message)
        case .invalidKeyUsage: return SQSError(.kmsInvalidKeyUsage, error.message)
        case .invalidArn: return SQSError(.kmsNotFound, error.message)
        default: return SQSError(.internalError, "A stored message failed its integrity check and cannot be read.")
        }
    }
}
