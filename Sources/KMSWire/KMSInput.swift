import Foundation
import WireJSON

/// Reads one request object's members against the KMS model, collecting every constraint violation in AWS's
/// wording (`Value '…' at 'keyId' failed to satisfy constraint: …`) and failing at once, with
/// `SerializationException`, on a member of the wrong JSON type or a blob that is not base64.
struct KMSInput {
    private let object: [String: JSONValue]
    /// The path prefix of nested members (`tags.1.member.`); empty at the top level.
    private let path: String
    /// The violations found so far, in the order the members were read.
    private(set) var violations: [String] = []

    init(object: [String: JSONValue], path: String = "") {
        self.object = object
        self.path = path
    }

    /// Throws `ValidationException` listing every violation, if there were any.
    func finish() throws(KMSError) {
        if !violations.isEmpty { throw .validation(violations) }
    }

    /// AWS's path for `member`: the member name with a lowercase first letter, after any prefix.
    func at(_ member: String) -> String {
        path + member.prefix(1).lowercased() + member.dropFirst()
    }

    mutating func violate(_ valueText: String?, at member: String, _ constraint: String) {
        let value = valueText.map { "Value '\($0)'" } ?? "Value"
        violations.append("\(value) at '\(at(member))' failed to satisfy constraint: \(constraint)")
    }

    mutating func missing(_ member: String) {
        violations.append("Value null at '\(at(member))' failed to satisfy constraint: Member must not be null")
    }

    /// The value of `member`; JSON null reads as absent.
    private func value(_ member: String) -> JSONValue? {
        if case .null? = object[member] { return nil }
        return object[member]
    }

    static func mismatch(_ member: String, _ value: JSONValue, expected: String) -> KMSError {
        .serialization("\(value.typeName) can not be converted to \(expected) for member \(member)")
    }

    // MARK: Scalars

    /// A string member, checked against `rule`; a missing required member is a violation.
    /// A `secret` member (a grant token) is never quoted in a violation.
    mutating func string(_ member: String, _ rule: KMSStringRule, required: Bool = false, secret: Bool = false) throws(KMSError) -> String? {
        guard let value = value(member) else {
            if required { missing(member) }
            return nil
        }
        guard case .string(let text) = value else { throw Self.mismatch(member, value, expected: "String") }
        for constraint in rule.violations(of: text) { violate(secret ? "(not shown)" : text, at: member, constraint) }
        return text
    }

    /// A required string member; "" when it is missing (the violation makes `finish()` throw).
    mutating func requiredString(_ member: String, _ rule: KMSStringRule) throws(KMSError) -> String {
        try string(member, rule, required: true) ?? ""
    }

    /// An integer member within `range`.
    mutating func integer(_ member: String, _ range: ClosedRange<Int>) throws(KMSError) -> Int? {
        guard let value = value(member) else { return nil }
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 else {
            throw Self.mismatch(member, value, expected: "Integer")
        }
        let integer = Int(number)
        if integer < range.lowerBound {
            violate(String(integer), at: member, "Member must have value greater than or equal to \(range.lowerBound)")
        } else if integer > range.upperBound {
            violate(String(integer), at: member, "Member must have value less than or equal to \(range.upperBound)")
        }
        return integer
    }

    /// A boolean member.
    func bool(_ member: String) throws(KMSError) -> Bool? {
        guard let value = value(member) else { return nil }
        guard case .bool(let flag) = value else { throw Self.mismatch(member, value, expected: "Boolean") }
        return flag
    }

    /// A blob member (base64 in JSON) of `length` bytes. Sensitive members (`Plaintext`, `Message`) are named
    /// without their value in a violation, as KMS does; others show the JVM's buffer description.
    mutating func blob(
        _ member: String, _ length: ClosedRange<Int>, sensitive: Bool = false, required: Bool = false
    ) throws(KMSError) -> [UInt8]? {
        guard let value = value(member) else {
            if required { missing(member) }
            return nil
        }
        guard case .string(let text) = value else { throw Self.mismatch(member, value, expected: "Blob") }
        guard let data = Data(base64Encoded: text) else {
            throw .serialization("Base64 encoded value of \(member) is invalid.")
        }
        let bytes = [UInt8](data)
        let shown = sensitive ? nil : "java.nio.HeapByteBuffer[pos=0 lim=\(bytes.count) cap=\(bytes.count)]"
        if bytes.count < length.lowerBound {
            violate(shown, at: member, "Member must have length greater than or equal to \(length.lowerBound)")
        } else if bytes.count > length.upperBound {
            violate(shown, at: member, "Member must have length less than or equal to \(length.upperBound)")
        }
        return bytes
    }

    /// A member of a model enum; a value the model allows but the type lacks is `UnsupportedOperationException`.
    mutating func enumeration<Value: KMSModelEnum>(
        _ member: String, _ type: Value.Type, modelValues: [String] = Value.modelValues, required: Bool = false
    ) throws(KMSError) -> Value? {
        guard let text = try string(member, .any, required: required) else { return nil }
        if let value = Value(rawValue: text) { return value }
        if modelValues.contains(text) {
            throw .unsupportedOperation("\(member) \(text) is not supported by this key service.")
        }
        violate(text, at: member, "Member must satisfy enum value set: [\(modelValues.joined(separator: ", "))]")
        return nil
    }

    // MARK: Collections

    /// A list of strings of `count` items, each checked against `rule` (`grantTokens.1.member`).
    /// A `secret` list (grant tokens) is never quoted in a violation.
    mutating func strings(
        _ member: String, count: ClosedRange<Int>? = nil, each rule: KMSStringRule, required: Bool = false, secret: Bool = false
    ) throws(KMSError) -> [String]? {
        guard let items = try list(member, required: required) else { return nil }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item else { throw Self.mismatch(member, item, expected: "String") }
            result.append(text)
        }
        if let count {
            let shown = secret ? "[\(result.count) values not shown]" : "[" + result.joined(separator: ", ") + "]"
            if result.count < count.lowerBound {
                violate(shown, at: member, "Member must have length greater than or equal to \(count.lowerBound)")
            } else if result.count > count.upperBound {
                violate(shown, at: member, "Member must have length less than or equal to \(count.upperBound)")
            }
        }
        for (index, text) in result.enumerated() {
            for constraint in rule.violations(of: text) {
                violate(secret ? "(not shown)" : text, at: "\(member).\(index + 1).member", constraint)
            }
        }
        return result
    }

    /// `GrantTokens`: 0–10 tokens of 1–8,192 characters; empty when absent.
    mutating func grantTokens() throws(KMSError) -> [String] {
        try strings("GrantTokens", count: 0...10, each: .length(1...8192), secret: true) ?? []
    }

    /// A list of model enum values; AWS reports a bad item against the whole list.
    mutating func enumerations<Value: KMSModelEnum>(
        _ member: String, _ type: Value.Type, required: Bool = false
    ) throws(KMSError) -> [Value]? {
        guard let texts = try strings(member, each: .any, required: required) else { return nil }
        let values = texts.compactMap(Value.init(rawValue:))
        if values.count != texts.count {
            violate(
                "[" + texts.joined(separator: ", ") + "]", at: member,
                "Member must satisfy constraint: [Member must satisfy enum value set: [\(Value.modelValues.joined(separator: ", "))]]")
        }
        return values
    }

    /// A string-to-string map (an encryption context); no constraints in the model.
    func stringMap(_ member: String) throws(KMSError) -> [String: String]? {
        guard let value = value(member) else { return nil }
        guard case .object(let members) = value else { throw Self.mismatch(member, value, expected: "Map") }
        var result: [String: String] = [:]
        for (key, item) in members {
            guard case .string(let text) = item else { throw Self.mismatch(member, item, expected: "String") }
            result[key] = text
        }
        return result
    }

    /// A structure member, read by a nested input whose violations join these.
    mutating func structure<Value>(
        _ member: String, _ read: (inout KMSInput) throws(KMSError) -> Value
    ) throws(KMSError) -> Value? {
        guard let value = value(member) else { return nil }
        guard case .object(let members) = value else { throw Self.mismatch(member, value, expected: "Structure") }
        var nested = KMSInput(object: members, path: at(member) + ".")
        let result = try read(&nested)
        violations += nested.violations
        return result
    }

    /// `Tags`: each `TagKey` 1–128 and `TagValue` 0–256 characters, both required.
    mutating func tags(required: Bool = false) throws(KMSError) -> [KMSTag]? {
        guard let items = try list("Tags", required: required) else { return nil }
        var tags: [KMSTag] = []
        for (index, item) in items.enumerated() {
            guard case .object(let members) = item else { throw Self.mismatch("Tags", item, expected: "Tag") }
            var nested = KMSInput(object: members, path: at("Tags") + ".\(index + 1).member.")
            let key = try nested.requiredString("TagKey", .length(1...128))
            let value = try nested.requiredString("TagValue", .length(0...256))
            violations += nested.violations
            tags.append(KMSTag(key: key, value: value))
        }
        return tags
    }

    /// `Limit` (1–1000) and `Marker`.
    mutating func paging(limits: ClosedRange<Int> = 1...1000) throws(KMSError) -> KMSPaging {
        KMSPaging(limit: try integer("Limit", limits), marker: try string("Marker", .marker))
    }

    private mutating func list(_ member: String, required: Bool) throws(KMSError) -> [JSONValue]? {
        guard let value = value(member) else {
            if required { missing(member) }
            return nil
        }
        guard case .array(let items) = value else { throw Self.mismatch(member, value, expected: "List") }
        return items
    }
}
