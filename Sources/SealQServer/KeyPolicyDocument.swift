import KMSWire
import PolicyEngine
import Principals
import WireJSON

/// What KMS requires of a key policy's text, whoever sets it: CreateKey, PutKeyPolicy, or a key
/// definition in `keys/` (the lockout safety check, which depends on the caller, is
/// `KeyPolicyRule.keepsPolicyControl`).
enum KeyPolicyDocument {
    /// The largest key policy KMS takes, in bytes.
    static let maximumSize = 32_768

    /// Parses `text` as a key policy of `account`, refusing what KMS refuses: more than 32 KiB,
    /// a malformed document, an Allow with NotPrincipal, `ForAllValues` on a single-valued key,
    /// and users or roles of `account` that `catalog` does not define.
    static func parse(_ text: String, account: String?, catalog: PrincipalCatalog) throws(KMSError) -> Policy {
        // The model: "If the key policy exceeds the length constraint, KMS returns a LimitExceededException".
        guard text.utf8.count <= maximumSize else { throw KMSError.limitExceeded("The key policy is larger than 32 KB.") }
        let policy: Policy
        do { policy = try Policy.parse(text, kind: .resource, id: "key policy") } catch {
            throw KMSError.malformedPolicyDocument("The new key policy is malformed: \(error.message)")
        }
        // As for queue policies: under Allow, NotPrincipal would hand the key to whoever it names not.
        if policy.statements.contains(where: \.allowsWithNotPrincipal) {
            throw KMSError.malformedPolicyDocument("NotPrincipal must be used with \"Effect\":\"Deny\".")
        }
        if let key = overlyPermissiveConditionKey(in: text) {
            throw KMSError.malformedPolicyDocument(
                "OverlyPermissiveCondition: ForAllValues cannot be used with \(key), which holds a single value.")
        }
        if let account, !namedPrincipalsExist(in: text, account: account, catalog) {
            throw KMSError.malformedPolicyDocument("Policy contains a statement with one or more invalid principals.")
        }
        return policy
    }

    /// A condition key that a `ForAllValues` operator tests although it holds one value per
    /// request (`kms:EncryptionContext:KEY`, `aws:RequestTag/KEY`): KMS refuses such a policy,
    /// since the test also passes when the key is missing.
    private static func overlyPermissiveConditionKey(in text: String) -> String? {
        guard let document = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        for statement in document["Statement"].map({ $0.array ?? [$0] }) ?? [] {
            guard case .object(let operators)? = statement["Condition"] else { continue }
            for (name, tests) in operators where name.lowercased().hasPrefix("forallvalues:") {
                guard case .object(let keys) = tests else { continue }
                if let key = keys.keys.sorted().first(where: {
                    let key = $0.lowercased()
                    return key.hasPrefix("kms:encryptioncontext:") || key.hasPrefix("aws:requesttag/")
                }) {
                    return key
                }
            }
        }
        return nil
    }

    /// Whether every user and role of `account` a statement's Principal or NotPrincipal names is
    /// defined: KMS requires the principals of a key policy to exist.
    private static func namedPrincipalsExist(in text: String, account: String, _ catalog: PrincipalCatalog) -> Bool {
        guard let document = try? JSONParser.parse(Array(text.utf8)) else { return true }
        let statements = document["Statement"].map { $0.array ?? [$0] } ?? []
        let named = statements.flatMap { statement in
            ["Principal", "NotPrincipal"].flatMap { element -> [String] in
                guard let aws = statement[element]?["AWS"] else { return [] }
                return aws.array?.compactMap(\.string) ?? aws.string.map { [$0] } ?? []
            }
        }
        let local = "arn:aws:iam::\(account):"
        let sessions = "arn:aws:sts::\(account):assumed-role/"
        return named.allSatisfy { arn in
            if arn.hasPrefix(sessions) {
                // A session names its role: the role must exist.
                let role = arn.dropFirst(sessions.count).split(separator: "/").first.map(String.init) ?? ""
                return catalog.principals.values.contains { $0.kind == .role && $0.name == role }
            }
            guard arn.hasPrefix(local + "user/") || arn.hasPrefix(local + "role/") else { return true }
            return catalog.principal(arn: arn) != nil
        }
    }
}
