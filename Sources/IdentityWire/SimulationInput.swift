/// The input members `SimulateCustomPolicy` and `SimulatePrincipalPolicy` share, as the IAM model names them.
/// Absent optional members are nil; an empty list the caller sent explicitly is an empty array.
public struct SimulationInput: Sendable, Equatable {
    /// Identity policy documents (JSON text); required for `SimulateCustomPolicy`, may be empty.
    public var policyInputList: [String]?
    /// Permissions boundary policy documents (JSON text).
    public var permissionsBoundaryPolicyInputList: [String]?
    /// The actions to simulate (`sqs:SendMessage`); never empty.
    public var actionNames: [String]
    /// The resource ARNs to simulate against; absent means `*`.
    public var resourceArns: [String]?
    /// A resource-based policy document (JSON text).
    public var resourcePolicy: String?
    /// The account that owns the simulated resources.
    public var resourceOwner: String?
    /// The ARN to use as the caller, for policies that name a principal.
    public var callerArn: String?
    /// Condition context values the request supplies.
    public var contextEntries: [ContextEntry]?
    /// The resource-handling scenario (EC2 names such as `EC2-VPC-InstanceStore`).
    public var resourceHandlingOption: String?
    /// The page size, 1 to 1000.
    public var maxItems: Int?
    /// The marker of the page to continue from.
    public var marker: String?

    /// Creates a simulation input; only `actionNames` is always required.
    public init(
        policyInputList: [String]? = nil, permissionsBoundaryPolicyInputList: [String]? = nil, actionNames: [String],
        resourceArns: [String]? = nil, resourcePolicy: String? = nil, resourceOwner: String? = nil, callerArn: String? = nil,
        contextEntries: [ContextEntry]? = nil, resourceHandlingOption: String? = nil, maxItems: Int? = nil, marker: String? = nil
    ) {
        self.policyInputList = policyInputList
        self.permissionsBoundaryPolicyInputList = permissionsBoundaryPolicyInputList
        self.actionNames = actionNames
        self.resourceArns = resourceArns
        self.resourcePolicy = resourcePolicy
        self.resourceOwner = resourceOwner
        self.callerArn = callerArn
        self.contextEntries = contextEntries
        self.resourceHandlingOption = resourceHandlingOption
        self.maxItems = maxItems
        self.marker = marker
    }
}

/// One condition context key and its values, as the caller typed them; the policy engine interprets the values.
public struct ContextEntry: Sendable, Equatable {
    /// The key, such as `aws:SourceIp`.
    public var contextKeyName: String?
    /// The values, as text.
    public var contextKeyValues: [String]?
    /// How the values are to be read.
    public var contextKeyType: ContextKeyType?

    /// Creates a context entry.
    public init(contextKeyName: String?, contextKeyValues: [String]?, contextKeyType: ContextKeyType?) {
        self.contextKeyName = contextKeyName
        self.contextKeyValues = contextKeyValues
        self.contextKeyType = contextKeyType
    }
}

/// IAM's `ContextKeyTypeEnum`, in the model's order.
public enum ContextKeyType: String, Sendable, Equatable, CaseIterable {
    /// A string.
    case string
    /// A list of strings.
    case stringList
    /// A number.
    case numeric
    /// A list of numbers.
    case numericList
    /// `true` or `false`.
    case boolean
    /// A list of booleans.
    case booleanList
    /// An IP address or CIDR block.
    case ip
    /// A list of IP addresses or CIDR blocks.
    case ipList
    /// Base64-encoded binary data.
    case binary
    /// A list of base64-encoded binary values.
    case binaryList
    /// An ISO 8601 date or epoch seconds.
    case date
    /// A list of dates.
    case dateList

    /// IAM's complaint about `text` at `path` when it names no type.
    static func violation(_ text: String, at path: String) -> String {
        let allowed = allCases.map(\.rawValue).joined(separator: ", ")
        return "Value '\(text)' at '\(path)' failed to satisfy constraint: Member must satisfy enum value set: [\(allowed)]"
    }
}
