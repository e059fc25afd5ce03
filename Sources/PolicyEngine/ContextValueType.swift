/// The type of a condition key's values, named as IAM's `ContextKeyType` names them.
public enum ContextValueType: String, Sendable {
    /// Text, compared by `String…` and `Arn…` operators.
    case string, stringList
    /// A decimal number, for `Numeric…` operators.
    case numeric, numericList
    /// `true` or `false`, for `Bool`.
    case boolean, booleanList
    /// An IPv4 or IPv6 address, for `IpAddress`/`NotIpAddress`.
    case ip, ipList
    /// Base64-encoded bytes, for `BinaryEquals`.
    case binary, binaryList
    /// An ISO 8601 date or epoch seconds, for `Date…` operators.
    case date, dateList

    /// Whether the key may carry several values (the `…List` types).
    public var isList: Bool { rawValue.hasSuffix("List") }
}
