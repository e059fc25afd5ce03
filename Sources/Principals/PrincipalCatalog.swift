import Foundation
import PolicyEngine
import SealCrypto
import WireJSON

/// The principals of `policies/`: users, roles and groups with their tags and attached identity
/// policies, loaded once at start.
///
/// `policies/principals.json` defines the principals (see policies/README.md); every other
/// `policies/*.json` file is a managed identity policy named by its file name. A user named
/// `admin` always exists: the admin credentials of the data directory belong to it, and unless
/// `principals.json` defines it otherwise it has the built-in `AdministratorAccess` policy.
public struct PrincipalCatalog: Sendable {
    /// A definition that cannot be loaded: the message names the file, and the line and column
    /// where that is known.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        /// The error, beginning with the file it is in.
        public var description: String
    }

    /// The name of the principal the admin credentials belong to.
    public static let adminName = "admin"
    /// The name of the file defining principals.
    public static let principalsFile = "principals.json"

    /// The account the principals belong to.
    public let accountId: String
    /// Principals by name (user and role names share one namespace).
    public let principals: [String: Principal]
    /// Managed policies by name.
    public let policies: [String: Policy]
    /// Groups by name, with their member user names.
    public let groups: [String: [String]]
    /// Groups by name, with their attached policies.
    public let groupPolicies: [String: [Policy]]

    /// The principal called `name`.
    public func principal(named name: String) -> Principal? { principals[name] }

    /// The principal whose ARN (or, for a role, whose session's ARN) is `arn`.
    public func principal(arn: String) -> Principal? {
        principals.values.first { $0.arn == arn || $0.principalArn == arn }
    }

    /// Loads `directory` for account `accountId`; a missing directory means only the admin.
    public static func load(directory: String, accountId: String) throws(LoadError) -> PrincipalCatalog {
        var policies = ["AdministratorAccess": administratorAccess]
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw LoadError(description: "\(directory) is a file, not a directory of principal and policy definitions")
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for file in files where file.hasSuffix(".json") && file != principalsFile {
            let name = String(file.dropLast(".json".count))
            let path = directory + "/" + file
            do {
                policies[name] = try Policy.parse(try readText(path), kind: .identity, id: name)
            } catch let error as PolicyError {
                throw LoadError(description: "\(path): \(error)")
            } catch {
                throw LoadError(description: "\(path): \(error)")
            }
        }
        let path = directory + "/" + principalsFile
        let definitions: PrincipalDefinitions
        if FileManager.default.fileExists(atPath: path) {
            definitions = try PrincipalDefinitions.parse(try readText(path), file: path)
        } else {
            definitions = PrincipalDefinitions()
        }
        return try build(definitions, policies: policies, accountId: accountId, file: path)
    }

    private static func build(
        _ definitions: PrincipalDefinitions, policies: [String: Policy], accountId: String, file: String
    ) throws(LoadError) -> PrincipalCatalog {
        var groupPolicyNames: [String: [String]] = [:]
        var groupMembers: [String: [String]] = [:]
        // IAM: names "are not distinguished by case", so Bob and bob are one name defined twice.
        var groupNames: [String: String] = [:]
        for group in definitions.groups {
            if let earlier = groupNames.updateValue(group.name, forKey: group.name.lowercased()) {
                let why = earlier == group.name ? "" : " (as \(earlier): IAM does not tell names apart by case)"
                throw LoadError(description: "\(file): group \(group.name) is defined twice\(why)")
            }
            groupPolicyNames[group.name] = group.policyNames
            groupMembers[group.name] = []
        }
        var entries = definitions.entries
        if !entries.contains(where: { $0.name == adminName }) {
            entries.append(.init(kind: .user, name: adminName, path: "/", groups: [], policyNames: ["AdministratorAccess"], tags: [:]))
        }
        var principals: [String: Principal] = [:]
        var principalNames: [String: String] = [:]
        for entry in entries {
            if let earlier = principalNames.updateValue(entry.name, forKey: entry.name.lowercased()) {
                let why = earlier == entry.name
                    ? "users and roles share names" : "as \(earlier): IAM does not tell names apart by case, and users and roles share names"
                throw LoadError(description: "\(file): the name \(entry.name) is defined twice (\(why))")
            }
            var names = entry.policyNames
            for group in entry.groups {
                guard let attached = groupPolicyNames[group] else {
                    throw LoadError(description: "\(file): \(entry.name) is in group \(group), which is not defined")
                }
                names += attached.filter { !names.contains($0) }
                groupMembers[group, default: []].append(entry.name)
            }
            var attached: [Policy] = []
            for name in names {
                guard let policy = policies[name] else {
                    throw LoadError(description: "\(file): \(entry.name) attaches policy \(name), but there is no \(name).json")
                }
                attached.append(policy)
            }
            principals[entry.name] = principal(entry, accountId: accountId, policies: attached)
        }
        var resolvedGroupPolicies: [String: [Policy]] = [:]
        for (group, names) in groupPolicyNames {
            var attached: [Policy] = []
            for name in names {
                guard let policy = policies[name] else {
                    throw LoadError(description: "\(file): group \(group) attaches policy \(name), but there is no \(name).json")
                }
                attached.append(policy)
            }
            resolvedGroupPolicies[group] = attached
        }
        return PrincipalCatalog(
            accountId: accountId, principals: principals, policies: policies, groups: groupMembers, groupPolicies: resolvedGroupPolicies)
    }

    private static func principal(_ entry: PrincipalDefinitions.Entry, accountId: String, policies: [Policy]) -> Principal {
        let iamArn = "arn:aws:iam::\(accountId):\(entry.kind.rawValue)\(entry.path)\(entry.name)"
        let uniqueId = (entry.kind == .user ? "AIDA" : "AROA") + stableSuffix(iamArn)
        switch entry.kind {
        case .user:
            return Principal(
                kind: .user, name: entry.name, accountId: accountId, arn: iamArn, principalArn: iamArn, userId: uniqueId,
                tags: entry.tags, policies: policies)
        case .role:
            return Principal(
                kind: .role, name: entry.name, accountId: accountId,
                arn: "arn:aws:sts::\(accountId):assumed-role/\(entry.name)/\(Principal.roleSessionName)", principalArn: iamArn,
                userId: "\(uniqueId):\(Principal.roleSessionName)", tags: entry.tags, policies: policies)
        }
    }

    /// 17 base-32 characters derived from `arn`, so unique ids stay the same across restarts.
    private static func stableSuffix(_ arn: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String(Digest.sha256(Array(arn.utf8)).prefix(17).map { alphabet[Int($0) % 32] })
    }

    private static func readText(_ path: String) throws(LoadError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError(description: "\(path): cannot be read") }
        guard let text = String(validating: [UInt8](data), as: UTF8.self) else { throw LoadError(description: "\(path): is not UTF-8") }
        return text
    }

    /// The built-in policy of the admin user: every action on every resource.
    static let administratorAccess: Policy = {
        let text = #"{"Version":"2012-10-17","Statement":[{"Sid":"AdministratorAccess","Effect":"Allow","Action":"*","Resource":"*"}]}"#
        do { return try Policy.parse(text, kind: .identity, id: "AdministratorAccess") } catch { fatalError("built-in policy: \(error)") }
    }()
}
