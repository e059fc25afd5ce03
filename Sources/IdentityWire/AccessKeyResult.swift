/// What an access key operation answers.
public enum AccessKeyResult: Sendable, Equatable {
    /// `CreateAccessKey`: the new key and its secret, which no later answer shows again.
    case created(AccessKeyDescription, secretAccessKey: String)
    /// `ListAccessKeys`: one page of keys, and the marker of the next when there is one.
    case listed([AccessKeyDescription], nextMarker: String?)
    /// `UpdateAccessKey` or `DeleteAccessKey`: done, with nothing to say.
    case done
    /// `GetAccessKeyLastUsed`: the key's owner and its last use, nil when none is known.
    case lastUsed(userName: String, AccessKeyLastUse?)
}

/// A request an access key signed: when (to the minute, as IAM reports it), to which service
/// and in which region.
public struct AccessKeyLastUse: Sendable, Equatable {
    /// When, ISO 8601 in UTC, seconds zero.
    public var lastUsedDate: String
    /// The service's short name (`sqs`, `kms`, `iam`, …).
    public var serviceName: String
    /// The region the request was made in.
    public var region: String

    /// A last use.
    public init(lastUsedDate: String, serviceName: String, region: String) {
        self.lastUsedDate = lastUsedDate
        self.serviceName = serviceName
        self.region = region
    }
}
