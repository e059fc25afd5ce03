/// A decoded IAM or STS Query request, ready for authorization and execution.
public enum IdentityRequest: Sendable, Equatable {
    /// STS `GetCallerIdentity`: who signed the request.
    case getCallerIdentity
    /// IAM `SimulateCustomPolicy` or `SimulatePrincipalPolicy`.
    case simulatePolicy(SimulationRequest)
    /// IAM `CreateAccessKey`, `ListAccessKeys`, `UpdateAccessKey`, `DeleteAccessKey` or `GetAccessKeyLastUsed`.
    case accessKey(AccessKeyRequest)
    /// IAM `GetUser` or `ListUsers`.
    case user(UserRequest)
    /// IAM `GenerateCredentialReport`.
    case generateCredentialReport
    /// IAM `GetCredentialReport`.
    case getCredentialReport

    /// The request's Query `Action` name.
    public var actionName: String {
        switch self {
        case .getCallerIdentity: "GetCallerIdentity"
        case .simulatePolicy(let request): request.operation.actionName
        case .accessKey(let request): request.actionName
        case .user(let request): request.actionName
        case .generateCredentialReport: "GenerateCredentialReport"
        case .getCredentialReport: "GetCredentialReport"
        }
    }

    /// Whether the request is about one user (its keys, or the user itself).
    public var namesUser: Bool {
        switch self {
        case .accessKey, .user(.get): true
        default: false
        }
    }

    /// The service the request belongs to.
    public var service: IdentityService {
        switch self {
        case .getCallerIdentity: .sts
        case .simulatePolicy, .accessKey, .user, .generateCredentialReport, .getCredentialReport: .iam
        }
    }
}

/// A policy simulation: which operation asked for it, and its input.
public struct SimulationRequest: Sendable, Equatable {
    /// `SimulateCustomPolicy`, or `SimulatePrincipalPolicy` with the principal whose policies to include.
    public var operation: SimulationOperation
    /// The members both simulation operations share.
    public var input: SimulationInput

    /// Creates a simulation request.
    public init(operation: SimulationOperation, input: SimulationInput) {
        self.operation = operation
        self.input = input
    }
}

/// The two IAM simulation operations.
public enum SimulationOperation: Sendable, Equatable {
    /// `SimulateCustomPolicy`: only the policies given in the request.
    case custom
    /// `SimulatePrincipalPolicy`: the policies attached to `policySourceArn` (a user, group or role ARN), plus the given ones.
    case principal(policySourceArn: String)

    /// The Query `Action` name.
    public var actionName: String {
        switch self {
        case .custom: "SimulateCustomPolicy"
        case .principal: "SimulatePrincipalPolicy"
        }
    }
}
