/// Size limits a validator checks a policy against; nil fields are not checked.
public struct PolicyQuotas: Sendable, Hashable {
    /// Most UTF-8 bytes in the document.
    public var maximumBytes: Int?
    /// Most characters in the document not counting whitespace.
    public var maximumNonWhitespaceCharacters: Int?
    /// Most statements.
    public var maximumStatements: Int?
    /// Most principals named across all `Principal`/`NotPrincipal` elements.
    public var maximumPrincipals: Int?
    /// Most conditions (operator-and-key pairs) across all statements.
    public var maximumConditions: Int?
    /// Most entries in one statement's `Action`/`NotAction`.
    public var maximumActionsPerStatement: Int?

    /// Quotas from their parts.
    public init(
        maximumBytes: Int? = nil, maximumNonWhitespaceCharacters: Int? = nil, maximumStatements: Int? = nil,
        maximumPrincipals: Int? = nil, maximumConditions: Int? = nil, maximumActionsPerStatement: Int? = nil
    ) {
        self.maximumBytes = maximumBytes
        self.maximumNonWhitespaceCharacters = maximumNonWhitespaceCharacters
        self.maximumStatements = maximumStatements
        self.maximumPrincipals = maximumPrincipals
        self.maximumConditions = maximumConditions
        self.maximumActionsPerStatement = maximumActionsPerStatement
    }

    /// An SQS queue policy: 8,192 bytes, 20 statements, 50 principals, 10 conditions, 7 actions per statement.
    public static let sqsQueuePolicy = PolicyQuotas(
        maximumBytes: 8_192, maximumStatements: 20, maximumPrincipals: 50, maximumConditions: 10, maximumActionsPerStatement: 7)

    /// An IAM managed identity policy: 6,144 characters, whitespace not counted.
    public static let identityPolicy = PolicyQuotas(maximumNonWhitespaceCharacters: 6_144)
}
