/// A KMS model string constraint: a length range (in UTF-16 units, as the JVM counts) and an optional pattern.
struct KMSStringRule: Sendable {
    var length: ClosedRange<Int>?
    /// The pattern as the model writes it (for the message) and a test of every character.
    var pattern: (text: String, allowsEmpty: Bool, allows: @Sendable (Unicode.Scalar) -> Bool)?

    /// The constraints `text` breaks, in AWS's wording.
    func violations(of text: String) -> [String] {
        var found: [String] = []
        if let length {
            let count = text.utf16.count
            if count < length.lowerBound {
                found.append("Member must have length greater than or equal to \(length.lowerBound)")
            } else if count > length.upperBound {
                found.append("Member must have length less than or equal to \(length.upperBound)")
            }
        }
        if let pattern, (text.isEmpty && !pattern.allowsEmpty) || !text.unicodeScalars.allSatisfy(pattern.allows) {
            found.append("Member must satisfy regular expression pattern: \(pattern.text)")
        }
        return found
    }

    static let any = KMSStringRule(length: nil, pattern: nil)

    static func length(_ range: ClosedRange<Int>) -> KMSStringRule { KMSStringRule(length: range, pattern: nil) }

    /// `KeyIdType`: 1–2,048.
    static let keyId = length(1...2048)
    /// `GrantIdType`: 1–128.
    static let grantId = length(1...128)
    /// `GrantTokenType`: 1–8,192.
    static let grantToken = length(1...8192)
    /// `DescriptionType`: 0–8,192.
    static let description = length(0...8192)
    /// `CustomKeyStoreIdType`: 1–64.
    static let customKeyStoreId = length(1...64)
    /// `TagKeyType`: 1–128.
    static let tagKey = length(1...128)

    /// `AliasNameType` and `GrantNameType`: 1–256 of `^[a-zA-Z0-9:/_-]+$`.
    static let aliasName = KMSStringRule(
        length: 1...256, pattern: ("^[a-zA-Z0-9:/_-]+$", false, { isAlphanumeric($0) || ":/_-".unicodeScalars.contains($0) }))
    /// `GrantNameType`: the alias pattern.
    static let grantName = aliasName
    /// `PrincipalIdType`: 1–256 of `^[\w+=,.@:/-]+$`.
    static let principalId = KMSStringRule(
        length: 1...256,
        pattern: ("^[\\w+=,.@:/-]+$", false, { isAlphanumeric($0) || "_+=,.@:/-".unicodeScalars.contains($0) }))
    /// `PolicyNameType`: 1–128 of `[\w]+`.
    static let policyName = KMSStringRule(length: 1...128, pattern: ("[\\w]+", false, { isAlphanumeric($0) || $0 == "_" }))
    /// `MarkerType`: 1–1,024 of `[\u0020-\u00FF]*`.
    static let marker = KMSStringRule(
        length: 1...1024, pattern: ("[\\u0020-\\u00FF]*", true, { (0x20...0xFF).contains($0.value) }))
    /// `PolicyType`: 1–131,072 of `[\u0009\u000A\u000D\u0020-\u00FF]+`.
    static let policy = KMSStringRule(
        length: 1...131_072,
        pattern: (
            "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", false,
            { [0x09, 0x0A, 0x0D].contains($0.value) || (0x20...0xFF).contains($0.value) }
        ))
    /// `XksKeyIdType`: 1–128 of `^[a-zA-Z0-9-_.]+$`.
    static let xksKeyId = KMSStringRule(
        length: 1...128, pattern: ("^[a-zA-Z0-9-_.]+$", false, { isAlphanumeric($0) || "-_.".unicodeScalars.contains($0) }))

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }
}
