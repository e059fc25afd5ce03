import Foundation

/// The encryption port of the engine: server-side encryption of message payloads.
/// `KeyService.EnvelopeSealer` implements it; the engine never sees a key or a cipher name.
///
/// Every failure is an `SQSError` already in SQS's terms (`KmsDisabled`, `KmsNotFound`, …).
public protocol PayloadSealer: Sendable {
    /// A fresh key for a queue's message space, in a form safe to store (wrapped). Destroying
    /// it makes every payload sealed in that space unreadable (purge, queue deletion).
    func makeSpaceKey(queueArn: String) throws(SQSError) -> [UInt8]
    /// Seals the payloads of messages one caller sends to one queue together under `protection`,
    /// in the form the store keeps; `contexts[i]` is the context of `payloads[i]`.
    func seal(_ payloads: [MessagePayload], protection: SealingProtection, _ contexts: [SealingContext]) throws(SQSError) -> [Data]
    /// Opens what `seal` made for the same message; the sealed bytes name their own key.
    func open(_ sealed: Data, _ context: SealingContext) throws(SQSError) -> MessagePayload
    /// The key under which a FIFO queue whose payloads are sealed keeps `deduplicationId` in its
    /// deduplication window: a hash of it keyed by `context`'s message space, in hex. Unlike the
    /// id itself (often the SHA-256 of a body), it confirms no guessed body to whoever holds the
    /// database.
    func deduplicationKey(of deduplicationId: String, _ context: SealingContext) throws(SQSError) -> String
    /// Drops every cached data key of a queue (purged or deleted).
    func forget(queueArn: String)
    /// Drops cached keys no longer in use (past their reuse period, or idle); run by the sweep.
    func forgetIdleKeys()
}

extension PayloadSealer {
    /// Seals `payload` for one message under `protection`, in the form the store keeps.
    public func seal(_ payload: MessagePayload, protection: SealingProtection, _ context: SealingContext) throws(SQSError) -> Data {
        try seal([payload], protection: protection, [context])[0]
    }
}

/// How a queue's new messages are protected.
public enum SealingProtection: Sendable, Equatable {
    /// SSE-SQS: keys owned by the queue service.
    case queueServiceKey
    /// SSE-KMS: data keys under this KMS key (id, ARN, alias or alias ARN), used on the caller's behalf.
    case kmsKey(String)

    /// The protection `settings` ask for new messages, or nil with SSE off.
    public init?(_ settings: QueueSettings) {
        if let key = settings.kmsMasterKeyId {
            self = .kmsKey(key)
        } else if settings.sqsManagedSseEnabled {
            self = .queueServiceKey
        } else {
            return nil
        }
    }
}

/// What a sealed payload is bound to: a ciphertext moved to another message, queue or message
/// space fails to open.
public struct SealingContext: Sendable {
    /// The queue's ARN (the data key's encryption context).
    public var queueArn: String
    /// The message id.
    public var messageId: String
    /// FIFO: the message group id and deduplication id; empty otherwise.
    public var binding: [String]
    /// The wrapped key of the message space the payload lives in.
    public var spaceKey: [UInt8]
    /// On whose behalf keys are used.
    public var caller: Caller
    /// How long the caller may reuse a data key (the queue's KmsDataKeyReusePeriodSeconds).
    public var reusePeriodSeconds: Int64

    /// Creates a context.
    public init(queueArn: String, messageId: String, binding: [String], spaceKey: [UInt8], caller: Caller, reusePeriodSeconds: Int64) {
        self.reusePeriodSeconds = reusePeriodSeconds
        self.queueArn = queueArn
        self.messageId = messageId
        self.binding = binding
        self.spaceKey = spaceKey
        self.caller = caller
    }
}
