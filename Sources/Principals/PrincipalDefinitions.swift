import WireJSON

/// The contents of `policies/principals.json`, checked for shape but not yet linked to groups
/// and policies.
struct PrincipalDefinitions {
    /// One user or role.
    struct Entry {
        var kind: Principal.Kind
        var name: String
        var path: String
        var groups: [String]
        var policyNames: [String]
        var tags: [String: String]
    }

    /// One group.
    struct Group {
        var name: String
        var policyNames: [String]
    }

    var entries: [Entry] = []
    var groups: [Group] = []

    private static let topLevelKeys: Set<String> = ["Users", "Roles", "Groups"]

    /// Parses the file's text; errors name `file`.
    static func parse(_ text: String, file: String) throws(PrincipalCatalog.LoadError) -> PrincipalDefinitions {
        let document: JSONValue
        do { document = try JSONParser.parse(Array(text.utf8)) } catch {
            throw PrincipalCatalog.LoadError(description: "\(file): \(error)")
        }
        guard case .object(let members) = document else {
            throw PrincipalCatalog.LoadError(description: "\(file): the document must be an object with Users, Roles and Groups")
        }
        if let unknown = members.keys.sorted().first(where: { !topLevelKeys.contains($0) }) {
            throw PrincipalCatalog.LoadError(description: "\(file): unknown member \(unknown); expected Users, Roles or Groups")
        }
        var definitions = PrincipalDefinitions()
        let reader = Reader(file: file)
        for item in try reader.list(members["Users"], "Users") {
            definitions.entries.append(try reader.entry(item, kind: .user, allowed: ["Name", "Path", "Groups", "Policies", "Tags"]))
        }
        for item in try reader.list(members["Roles"], "Roles") {
            definitions.entries.append(try reader.entry(item, kind: .role, allowed: ["Name", "Path", "Policies", "Tags"]))
        }
        for item in try reader.list(members["Groups"], "Groups") {
            let fields = try reader.object(item, "Groups", allowed: ["Name", "Policies"])
            let name = try reader.name(fields["Name"], in: "Groups")
            definitions.groups.append(Group(name: name, policyNames: try reader.strings(fields["Policies"], "\(name).Policies")))
        }
        return definitions
    }

    /// Typed access to the JSON with errors that say where.
    private struct Reader {
        let file: String

        func fail(_ message: String) -> PrincipalCatalog.LoadError {
            PrincipalCatalog.LoadError(description: "\(file): \(message)")
        }

        func list(_ value: JSONValue?, _ name: String) throws(PrincipalCatalog.LoadError) -> [JSONValue] {
            guard let value else { return [] }
            guard case .array(let items) = value else { throw fail("\(name) must be a list") }
            return items
        }

        func object(_ value: JSONValue, _ where_: String, allowed: Set<String>) throws(PrincipalCatalog.LoadError) -> [String: JSONValue] {
            guard case .object(let fields) = value else { throw fail("each entry of \(where_) must be an object") }
            if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw fail("unknown member \(unknown) in \(where_); expected \(allowed.sorted().joined(separator: ", "))")
            }
            return fields
        }

        func name(_ value: JSONValue?, in where_: String) throws(PrincipalCatalog.LoadError) -> String {
            guard let name = value?.string else { throw fail("an entry of \(where_) has no Name") }
            guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy(Self.isNameCharacter) else {
                throw fail("\(where_) name \"\(name)\" must be 1 to 64 of A–Z a–z 0–9 and +=,.@_-")
            }
            return name
        }

        func strings(_ value: JSONValue?, _ where_: String) throws(PrincipalCatalog.LoadError) -> [String] {
            guard let value else { return [] }
            guard case .array(let items) = value else { throw fail("\(where_) must be a list of names") }
            var names: [String] = []
            for item in items {
                guard let text = item.string else { throw fail("\(where_) must be a list of names") }
                names.append(text)
            }
            return names
        }

        func entry(_ value: JSONValue, kind: Principal.Kind, allowed: Set<String>) throws(PrincipalCatalog.LoadError) -> Entry {
            let listName = kind == .user ? "Users" : "Roles"
            let fields = try object(value, listName, allowed: allowed)
            let name = try name(fields["Name"], in: listName)
            let path = fields["Path"]?.string ?? "/"
            guard path.hasPrefix("/"), path.hasSuffix("/"), path.count <= 512,
                path.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E })
            else { throw fail("\(name): Path must begin and end with / (for example /teams/orders/)") }
            var tags: [String: String] = [:]
            if let tagValue = fields["Tags"] {
                guard case .object(let tagMembers) = tagValue else { throw fail("\(name): Tags must be an object of strings") }
                for (key, tag) in tagMembers {
                    guard let text = tag.string, (1...128).contains(key.count), text.count <= 256 else {
                        throw fail("\(name): tag \(key) must be a string (keys 1–128, values up to 256 characters)")
                    }
                    tags[key] = text
                }
            }
            return Entry(
                kind: kind, name: name, path: path, groups: try strings(fields["Groups"], "\(name).Groups"),
                policyNames: try strings(fields["Policies"], "\(name).Policies"), tags: tags)
        }

        private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "+", "=", ",", ".", "@", "_", "-": true
            default: false
            }
        }
    }
}
