/// The answer of `SimulateCustomPolicy` / `SimulatePrincipalPolicy` (IAM's `SimulatePolicyResponse`), filled by
/// the server from its policy engine.
public struct SimulationResult: Sendable, Equatable {
    /// One result per simulated action (and resource, when resources were not simulated separately).
    public var evaluationResults: [EvaluationResult]
    /// True when more results follow under `marker`.
    public var isTruncated: Bool
    /// Where the next page starts, when `isTruncated`.
    public var marker: String?

    /// Creates a simulation result.
    public init(evaluationResults: [EvaluationResult], isTruncated: Bool = false, marker: String? = nil) {
        self.evaluationResults = evaluationResults
        self.isTruncated = isTruncated
        self.marker = marker
    }
}

/// IAM's `PolicyEvaluationDecisionType`.
public enum EvalDecision: String, Sendable, Equatable {
    /// An Allow statement applies and no Deny does.
    case allowed
    /// A Deny statement applies.
    case explicitDeny
    /// No statement applies.
    case implicitDeny
}

/// The result for one action (IAM's `EvaluationResult`). `matchedStatements` and `missingContextValues` are
/// always written, even empty, as IAM does; the optional members are written only when set.
public struct EvaluationResult: Sendable, Equatable {
    /// The simulated action.
    public var evalActionName: String
    /// The simulated resource (`*` when none was given).
    public var evalResourceName: String?
    /// The decision.
    public var evalDecision: EvalDecision
    /// The statements that decided; on an explicit deny only the deny.
    public var matchedStatements: [SimulatedStatement]
    /// Context keys the policies use that the request did not supply.
    public var missingContextValues: [String]
    /// Whether the organization's SCPs allow the action (`AllowedByOrganizations`).
    public var allowedByOrganizations: Bool?
    /// Whether the permissions boundary allows the action (`AllowedByPermissionsBoundary`).
    public var allowedByPermissionsBoundary: Bool?
    /// Per policy source (`IAM Policy`, a resource ARN …) its decision.
    public var evalDecisionDetails: [String: EvalDecision]?
    /// The per-resource results, when several resources were simulated.
    public var resourceSpecificResults: [ResourceSpecificResult]?

    /// Creates an evaluation result.
    public init(
        evalActionName: String, evalResourceName: String? = nil, evalDecision: EvalDecision,
        matchedStatements: [SimulatedStatement] = [], missingContextValues: [String] = [], allowedByOrganizations: Bool? = nil,
        allowedByPermissionsBoundary: Bool? = nil, evalDecisionDetails: [String: EvalDecision]? = nil,
        resourceSpecificResults: [ResourceSpecificResult]? = nil
    ) {
        self.evalActionName = evalActionName
        self.evalResourceName = evalResourceName
        self.evalDecision = evalDecision
        self.matchedStatements = matchedStatements
        self.missingContextValues = missingContextValues
        self.allowedByOrganizations = allowedByOrganizations
        self.allowedByPermissionsBoundary = allowedByPermissionsBoundary
        self.evalDecisionDetails = evalDecisionDetails
        self.resourceSpecificResults = resourceSpecificResults
    }
}

/// The result for one resource of an action (IAM's `ResourceSpecificResult`).
public struct ResourceSpecificResult: Sendable, Equatable {
    /// The resource ARN.
    public var evalResourceName: String
    /// The decision for this resource.
    public var evalResourceDecision: EvalDecision
    /// The statements that decided.
    public var matchedStatements: [SimulatedStatement]
    /// Context keys the policies use that the request did not supply.
    public var missingContextValues: [String]
    /// Per policy source its decision.
    public var evalDecisionDetails: [String: EvalDecision]?
    /// Whether the permissions boundary allows the action on this resource.
    public var allowedByPermissionsBoundary: Bool?

    /// Creates a resource-specific result.
    public init(
        evalResourceName: String, evalResourceDecision: EvalDecision, matchedStatements: [SimulatedStatement] = [],
        missingContextValues: [String] = [], evalDecisionDetails: [String: EvalDecision]? = nil,
        allowedByPermissionsBoundary: Bool? = nil
    ) {
        self.evalResourceName = evalResourceName
        self.evalResourceDecision = evalResourceDecision
        self.matchedStatements = matchedStatements
        self.missingContextValues = missingContextValues
        self.evalDecisionDetails = evalDecisionDetails
        self.allowedByPermissionsBoundary = allowedByPermissionsBoundary
    }
}

/// A statement that took part in a decision (IAM's `Statement`), located in its policy's text.
public struct SimulatedStatement: Sendable, Equatable {
    /// The policy's identifier (`PolicyInputList.1`, `ResourcePolicy`, a policy name).
    public var sourcePolicyId: String?
    /// The kind of policy.
    public var sourcePolicyType: PolicySourceType?
    /// Where the statement starts in the policy text.
    public var startPosition: Position?
    /// Where the statement ends in the policy text.
    public var endPosition: Position?

    /// Creates a matched statement.
    public init(
        sourcePolicyId: String?, sourcePolicyType: PolicySourceType? = nil, startPosition: Position? = nil,
        endPosition: Position? = nil
    ) {
        self.sourcePolicyId = sourcePolicyId
        self.sourcePolicyType = sourcePolicyType
        self.startPosition = startPosition
        self.endPosition = endPosition
    }
}

/// A line and column in a policy document, both counted from 1.
public struct Position: Sendable, Equatable {
    /// The line.
    public var line: Int
    /// The column.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// The kind of policy a matched statement is in, as IAM's simulator answers it: `IAM Policy`
/// for identity policies (attached, managed or given in PolicyInputList) and `Resource Policy`
/// for the resource's. (The IAM model lists `user`, `group`, `aws-managed`, …, but the service
/// answers with these two.)
public enum PolicySourceType: String, Sendable, Equatable {
    /// An identity-based policy.
    case iamPolicy = "IAM Policy"
    /// The resource-based policy.
    case resourcePolicy = "Resource Policy"
}
