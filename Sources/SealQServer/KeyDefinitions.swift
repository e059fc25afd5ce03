import Foundation
import KMSWire
import KeyService
import Logging
import PolicyEngine
import Principals

/// The `keys/*.json` definitions, applied at every start: missing keys are created, drift is
/// logged (never corrected or destroyed silently).
///
/// A definition that does not parse stops the start, and so does the key policy of a key about
/// to be made that CreateKey would refuse (`KeyPolicyDocument`'s checks, and KMS's lockout
/// safety check for the admin), since a definition never changes a key once made. A key that
/// exists is left to its drift report: its policy naming a user since deleted, say, must not
/// stop the daemon (KMS keeps such a policy working).
struct KeyDefinitions {
    /// The directory holding the definitions.
    let directory: String
    /// The principals a key policy may name; its admin must keep control of every defined key.
    let catalog: PrincipalCatalog

    /// Checks every definition, then creates the keys that are missing and logs the drift of the others.
    func apply(to keys: KeyService, logger: Logger) async throws {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var definitions: [KeyDefinition] = []
        for file in files {
            let path = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let definition = try KeyDefinition.parse(data, file: path)
            if let text = definition.policy, !keys.hasKey(of: definition) { try checkPolicy(text, file: path, keyArn: keys.keyArn("*")) }
            definitions.append(definition)
        }
        let (created, drift) = try await keys.apply(definitions)
        for alias in created { logger.notice("key created from its definition", metadata: ["key.alias": "\(alias)"]) }
        for difference in drift { logger.warning("key differs from its definition in \(directory): \(difference)") }
    }

    /// A defined key policy must pass the checks CreateKey makes, and let the admin change it
    /// later (directly, or through the account's IAM policies).
    private func checkPolicy(_ text: String, file: String, keyArn: String) throws {
        let admin = catalog.principal(named: PrincipalCatalog.adminName)
        let policy: Policy
        do {
            policy = try KeyPolicyDocument.parse(text, account: admin?.accountId, catalog: catalog)
        } catch {
            throw KeyServiceError(.validation, "\(file): the key policy is refused: \(error.message ?? error.type)")
        }
        guard let admin else { return }
        let request = AuthorizationRequest(action: "kms:PutKeyPolicy", resource: keyArn, principal: admin.requestPrincipal, context: admin.conditionKeys)
        let evaluation = PolicyEvaluator.evaluate(request, identityPolicies: admin.policies, resourcePolicy: policy)
        guard evaluation.decision != .explicitDeny && KeyPolicyRule.policiesAllow(evaluation) else {
            throw KeyServiceError(.validation, "\(file): the key policy would lock the admin out of the key (it could never change the policy again)")
        }
    }
}
