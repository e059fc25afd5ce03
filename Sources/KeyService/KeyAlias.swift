/// An alias: a friendly name (`alias/…`) pointing at one key.
public struct KeyAlias: Sendable, Codable, Equatable {
    /// `alias/NAME`.
    public var name: String
    /// The key it points at.
    public var targetKeyId: String
    /// Creation time, seconds since the epoch.
    public var createdAt: Int64
    /// Last change, seconds since the epoch.
    public var updatedAt: Int64

    /// The prefix reserved for AWS-managed aliases.
    public static let awsPrefix = "alias/aws/"
    /// The alias of the key SQS encrypts with when a queue names no other.
    public static let sqsManaged = "alias/aws/sqs"
}
