/// What an access key operation answers.
public enum AccessKeyResult: Sendable, Equatable {
    /// `CreateAccessKey`: the new key and its secret, which no later answer shows again.
    case created(AccessKeyDescription, secretAccessKey: String)
    /// `ListAccessKeys`: one page of keys, and the marker of the next when there is one.
    case listed([AccessKeyDescription], nextMarker: String?)
    /// `UpdateAccessKey` or `DeleteAccessKey`: done, with nothing to say.
    case done
}
