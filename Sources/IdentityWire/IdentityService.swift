/// The two AWS services the identity endpoint answers for, told apart by the SigV4 credential scope.
public enum IdentityService: String, Sendable, Equatable {
    /// AWS Identity and Access Management: policy simulation.
    case iam
    /// AWS Security Token Service: caller identity.
    case sts

    /// The service's Query API version.
    public var apiVersion: String {
        switch self {
        case .iam: "2010-05-08"
        case .sts: "2011-06-15"
        }
    }

    /// The XML namespace of every answer and error the service writes.
    public var xmlNamespace: String {
        "https://\(rawValue).amazonaws.com/doc/\(apiVersion)/"
    }
}
