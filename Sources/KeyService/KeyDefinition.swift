import Foundation
import WireJSON

/// A key declared in `keys/`: what should exist, by alias. Applied at start: created when
/// missing, never destroyed, and any difference from the live key reported as drift.
public struct KeyDefinition: Sendable, Equatable {
    /// `alias/NAME`: how the definition finds its key.
    public var alias: String
    /// The key's description.
    public var description: String
    /// `SYMMETRIC_DEFAULT` or `HMAC_256`.
    public var spec: ManagedKey.Spec
    /// Whether automatic rotation should be on.
    public var rotationEnabled: Bool
    /// Days between automatic rotations (90–2,560).
    public var rotationPeriodDays: Int
    /// The key policy (JSON text), or nil for the default policy.
    public var policy: String?
    /// Tags.
    public var tags: [String: String]

    /// A definition as given.
    public init(
        alias: String, description: String, spec: ManagedKey.Spec, rotationEnabled: Bool, rotationPeriodDays: Int, policy: String?,
        tags: [String: String]
    ) {
        self.alias = alias
        self.description = description
        self.spec = spec
        self.rotationEnabled = rotationEnabled
        self.rotationPeriodDays = rotationPeriodDays
        self.policy = policy
        self.tags = tags
    }

    /// Parses one definition file's JSON; `file` names it in errors. The JSON is read strictly,
    /// as request bodies are: a trailing comma, a repeated member or a value of another type
    /// (`"Enabled": 1`) is refused, not guessed at.
    public static func parse(_ data: Data, file: String) throws -> KeyDefinition {
        let document: LocatedJSON
        do { document = try JSONParser.parseLocated([UInt8](data)) } catch {
            throw KeyServiceError(.validation, "\(file): not valid JSON (\(error))")
        }
        guard case .object = document.value else { throw KeyServiceError(.validation, "\(file): not a JSON object") }
        if let repeated = repeatedMember(in: document) {
            throw KeyServiceError(
                .validation,
                "\(file): line \(repeated.keyStart.line), column \(repeated.keyStart.column): member \(repeated.key) is given twice in its object")
        }
        let object = try members(of: document, "the definition", file: file)
        let known: Set<String> = ["Alias", "Description", "KeySpec", "KeyUsage", "Rotation", "Policy", "Tags"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw KeyServiceError(.validation, "\(file): unknown member \(unknown); expected \(known.sorted().joined(separator: ", "))")
        }
        guard let given = object["Alias"] else { throw KeyServiceError(.validation, "\(file): Alias is required") }
        let alias = try string(given, "Alias", file: file)
        do { try KeyService.checkAliasName(alias) } catch { throw KeyServiceError(error.code, "\(file): \(error.message)") }
        let description = try object["Description"].map { try string($0, "Description", file: file) } ?? ""
        // As CreateKey's Description: at most 8192 UTF-16 units.
        guard description.utf16.count <= 8192 else {
            throw KeyServiceError(.validation, "\(file): Description must be at most 8192 characters")
        }
        let specName = try object["KeySpec"].map { try string($0, "KeySpec", file: file) } ?? "SYMMETRIC_DEFAULT"
        guard let spec = ManagedKey.Spec(rawValue: specName) else {
            throw KeyServiceError(.validation, "\(file): KeySpec must be SYMMETRIC_DEFAULT or HMAC_256")
        }
        if let usage = try object["KeyUsage"].map({ try string($0, "KeyUsage", file: file) }), usage != spec.usage {
            throw KeyServiceError(.validation, "\(file): KeyUsage of a \(spec.rawValue) key is \(spec.usage)")
        }
        let rotation = try object["Rotation"].map { try members(of: $0, "Rotation", file: file) } ?? [:]
        var enabled = false
        if let value = rotation["Enabled"] {
            guard case .bool(let flag) = value.value else {
                throw KeyServiceError(.validation, "\(file): Rotation.Enabled must be true or false, not a \(value.typeName)")
            }
            enabled = flag
        }
        var period = 365
        if let value = rotation["PeriodInDays"] {
            guard case .number(let days, _) = value.value, let whole = Int(exactly: days) else {
                throw KeyServiceError(.validation, "\(file): Rotation.PeriodInDays must be a number of days")
            }
            period = whole
        }
        if let unknown = rotation.keys.sorted().first(where: { $0 != "Enabled" && $0 != "PeriodInDays" }) {
            throw KeyServiceError(.validation, "\(file): unknown member Rotation.\(unknown); expected Enabled, PeriodInDays")
        }
        guard (90...2560).contains(period) else { throw KeyServiceError(.validation, "\(file): Rotation.PeriodInDays must be 90–2560") }
        if enabled && spec != .symmetricDefault {
            throw KeyServiceError(.validation, "\(file): key spec \(spec.rawValue) does not support rotation")
        }
        var policy: String?
        if let value = object["Policy"] {
            guard case .object = value.value else { throw KeyServiceError(.validation, "\(file): Policy must be an object") }
            // As written: the key policy's own parser then refuses what it would refuse in PutKeyPolicy.
            policy = String(decoding: data[data.startIndex + value.start.offset..<data.startIndex + value.end.offset], as: UTF8.self)
        }
        let tagMembers = try object["Tags"].map { try members(of: $0, "Tags", file: file) } ?? [:]
        var tags: [String: String] = [:]
        for (key, value) in tagMembers {
            guard case .string(let text) = value.value else { throw KeyServiceError(.validation, "\(file): Tags must be an object of strings") }
            tags[key] = text
        }
        do {
            try KeyService.checkTags(tags)
            try KeyService.checkTagCase(tags)
        } catch { throw KeyServiceError(error.code, "\(file): \(error.message)") }
        return KeyDefinition(
            alias: alias, description: description, spec: spec,
            rotationEnabled: enabled, rotationPeriodDays: period, policy: policy, tags: tags)
    }

    /// The first member, anywhere in `value` (the key policy included), whose key its object
    /// already has: JSON leaves its meaning open, so it is refused rather than one copy dropped.
    private static func repeatedMember(in value: LocatedJSON) -> LocatedJSON.Member? {
        switch value.value {
        case .object(let members):
            var keys: Set<String> = []
            for member in members {
                guard keys.insert(member.key).inserted else { return member }
                if let repeated = repeatedMember(in: member.value) { return repeated }
            }
            return nil
        case .array(let elements): return elements.lazy.compactMap(repeatedMember).first
        default: return nil
        }
    }

    /// The members of the object `value` by key (none is repeated).
    private static func members(of value: LocatedJSON, _ element: String, file: String) throws -> [String: LocatedJSON] {
        guard case .object(let members) = value.value else {
            throw KeyServiceError(.validation, "\(file): \(element) must be an object, not a \(value.typeName)")
        }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The text of the string `value`, the member `name`.
    private static func string(_ value: LocatedJSON, _ name: String, file: String) throws -> String {
        guard case .string(let text) = value.value else {
            throw KeyServiceError(.validation, "\(file): \(name) must be a string, not a \(value.typeName)")
        }
        return text
    }
}

extension KeyService {
    /// Whether the key `definition` describes exists: its alias names a key. `apply` then only
    /// compares the two.
    public func hasKey(of definition: KeyDefinition) -> Bool {
        alias(named: definition.alias).flatMap { key(keyId: $0.targetKeyId) } != nil
    }

    /// Applies `definitions`: creates each missing key (with its alias, rotation, policy and
    /// tags) and returns, for existing ones, how the live key differs. Nothing is destroyed or
    /// changed behind the operator's back.
    public func apply(_ definitions: [KeyDefinition]) async throws -> (created: [String], drift: [String]) {
        var created: [String] = []
        var drift: [String] = []
        for definition in definitions {
            guard let alias = alias(named: definition.alias), let key = key(keyId: alias.targetKeyId) else {
                let key = try await createKey(
                    description: definition.description, spec: definition.spec, policy: definition.policy, tags: definition.tags)
                if definition.rotationEnabled { try await enableKeyRotation(key.keyId, periodDays: definition.rotationPeriodDays) }
                try await createAlias(definition.alias, target: key.keyId)
                created.append(definition.alias)
                continue
            }
            var differences: [String] = []
            if key.description != definition.description { differences.append("Description") }
            if key.spec != definition.spec { differences.append("KeySpec") }
            if key.rotationEnabled != definition.rotationEnabled { differences.append("Rotation.Enabled") }
            if definition.rotationEnabled && key.rotationPeriodDays != definition.rotationPeriodDays {
                differences.append("Rotation.PeriodInDays")
            }
            if let policy = definition.policy, !Self.sameJSON(policy, key.policy) { differences.append("Policy") }
            if key.tags != definition.tags { differences.append("Tags") }
            if key.state != .enabled { differences.append("KeyState (\(key.state.rawValue))") }
            if !differences.isEmpty { drift.append("\(definition.alias) (\(key.keyId)): \(differences.joined(separator: ", "))") }
        }
        return (created, drift)
    }

    /// Whether two JSON texts hold the same document (keys in any order, any spacing).
    private static func sameJSON(_ left: String, _ right: String) -> Bool {
        func canonical(_ text: String) -> Data? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return nil }
            return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        }
        guard let a = canonical(left), let b = canonical(right) else { return left == right }
        return a == b
    }
}
