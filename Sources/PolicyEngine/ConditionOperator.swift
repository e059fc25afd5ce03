/// A condition operator as written, such as `ForAnyValue:StringLikeIfExists`: an optional set
/// qualifier, the base operator and an optional `IfExists`.
struct ConditionOperator: Sendable {
    /// The operator without qualifier or `IfExists`.
    enum Base: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Bases by lowercased name: IAM reads operator names case-insensitively.
        static let byLowercasedName: [String: Base] = Dictionary(
            uniqueKeysWithValues: allCases.map { ($0.rawValue.lowercased(), $0) })

        /// The negated operators: true when the key is absent, and their values AND together.
        var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
                .notIpAddress, .arnNotEquals, .arnNotLike:
                true
            default: false
            }
        }

        /// Whether policy variables are substituted in this operator's values.
        var takesVariables: Bool {
            switch self {
            case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike,
                .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
                true
            default: false
            }
        }
    }

    /// A set qualifier for multivalued keys.
    enum Qualifier: String, Sendable {
        case forAllValues = "ForAllValues"
        case forAnyValue = "ForAnyValue"
    }

    /// The operator as written.
    let text: String
    let base: Base
    let qualifier: Qualifier?
    let ifExists: Bool

    /// Reads `text`; nil when it names no operator.
    init?(_ text: String) {
        self.text = text
        var name = Substring(text)
        var qualifier: Qualifier?
        if let colon = name.firstIndex(of: ":") {
            switch name[..<colon].lowercased() {
            case "forallvalues": qualifier = .forAllValues
            case "foranyvalue": qualifier = .forAnyValue
            default: return nil
            }
            name = name[name.index(after: colon)...]
        }
        var lowercased = name.lowercased()
        ifExists = lowercased.hasSuffix("ifexists")
        if ifExists { lowercased.removeLast("ifexists".count) }
        guard let base = Base.byLowercasedName[lowercased] else { return nil }
        self.base = base
        self.qualifier = qualifier
    }
}
