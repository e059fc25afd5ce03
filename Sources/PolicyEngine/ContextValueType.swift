/// The type of a condition key's values, named as IAM's `ContextKeyType` names them.
public enum ContextValueType: String, Sendable {
    case string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList

    /// Whether the key may carry several values (the `…List` types).
    public var isList: Bool { rawValue.hasSuffix("List") }
}
