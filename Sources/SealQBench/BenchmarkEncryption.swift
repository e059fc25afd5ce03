/// Whether a step's queue keeps the encryption its queue attributes give it, or has SSE turned off.
public enum BenchmarkEncryption: Sendable, Equatable {
    /// As `--queue-attribute` sets it: SSE-SQS by default (as on AWS), or SSE-KMS with a `KmsMasterKeyId`.
    case asConfigured
    /// `SqsManagedSseEnabled=false` and no KMS key: messages are stored in the clear.
    case off

    /// The queue attributes for this setting, starting from the configured ones.
    func queueAttributes(_ configured: [String: String]) -> [String: String] {
        guard self == .off else { return configured }
        var attributes = configured.filter { !["KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"].contains($0.key) }
        attributes["SqsManagedSseEnabled"] = "false"
        return attributes
    }
}
