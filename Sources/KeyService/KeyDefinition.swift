import Foundation

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

    /// Parses one definition file's JSON; `file` names it in errors.
    public static func parse(_ data: Data, file: String) throws -> KeyDefinition {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw KeyServiceError(.validation, "\(file): not a JSON object")
        }
        let known: Set<String> = ["Alias", "Description", "KeySpec", "KeyUsage", "Rotation", "Policy", "Tags"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw KeyServiceError(.validation, "\(file): unknown member \(unknown); expected \(known.sorted().joined(separator: ", "))")
        }
        guard let alias = object["Alias"] as? String else { throw KeyServiceError(.validation, "\(file): Alias is required") }
        do { try KeyService.checkAliasName(alias) } catch { throw KeyServiceError(error.code, "\(file): \(error.message)") }
        guard let spec = ManagedKey.Spec(rawValue: object["KeySpec"] as? String ?? "SYMMETRIC_DEFAULT") else {
            throw KeyServiceError(.validation, "\(file): KeySpec must be SYMMETRIC_DEFAULT or HMAC_256")
        }
        if let usage = object["KeyUsage"] as? String, usage != spec.usage {
            throw KeyServiceError(.validation, "\(file): KeyUsage of a \(spec.rawValue) key is \(spec.usage)")
        }
        guard let rotation = (object["Rotation"] ?? [String: Any]()) as? [String: Any] else {
            throw KeyServiceError(.validation, "\(file): Rotation must be an object")
        }
        // Typed strictly: "true" or "400" in quotes is a mistake to report, not rotation off.
        guard !(rotation["Enabled"] is String), let enabled = (rotation["Enabled"] ?? false) as? Bool else {
            throw KeyServiceError(.validation, "\(file): Rotation.Enabled must be true or false")
        }
        guard !(rotation["PeriodInDays"] is String), let period = (rotation["PeriodInDays"] ?? 365) as? Int else {
            throw KeyServiceError(.validation, "\(file): Rotation.PeriodInDays must be a number of days")
        }
        guard (90...2560).contains(period) else { throw KeyServiceError(.validation, "\(file): Rotation.PeriodInDays must be 90–2560") }
        if enabled && spec != .symmetricDefault {
            throw KeyServiceError(.validation, "\(file): key spec \(spec.rawValue) does not support rotation")
        }
        var policy: String?
        if let value = object["Policy"] {
            guard JSONSerialization.isValidJSONObject(value) else { throw KeyServiceError(.validation, "\(file): Policy must be an object") }
            policy = String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
        }
        guard let tags = (object["Tags"] ?? [String: String]()) as? [String: String] else {
            throw KeyServiceError(.validation, "\(file): Tags must be an object of strings")
        }
        do { try KeyService.checkTags(tags) } catch { throw KeyServiceError(error.code, "\(file): \(error.message)") }
        return KeyDefinition(
            alias: alias, description: object["Description"] as? String ?? "", spec: spec,
            rotationEnabled: enabled, rotationPeriodDays: period, policy: policy, tags: tags)
    }
}

extension KeyService {
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
