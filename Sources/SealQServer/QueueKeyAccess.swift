import KeyService
import Principals

/// Stage 3 for the key uses SQS makes on a caller's behalf: when an SSE-KMS queue needs a
/// data key (GenerateDataKey on send, Decrypt on receive), the caller must be allowed that use
/// of the queue's KMS key by KMS's rule, with `kms:ViaService` set to the queue service.
struct QueueKeyAccess: Sendable {
    let rule: KeyPolicyRule
    let directory: PrincipalDirectory
    let region: String

    /// Throws `AccessDeniedException` unless the caller of `use` may make it.
    func authorize(_ use: EnvelopeSealer.KeyUse) throws(KeyServiceError) {
        let action = "kms:\(use.operation)"
        guard let arn = use.caller.principalArn, let principal = directory.principal(arn: arn) else {
            throw KeyServiceError(.accessDenied, "An anonymous caller is not authorized to perform: \(action) on resource: \(use.key.arn)")
        }
        var headers: [String: String] = [:]
        if let agent = use.caller.userAgent { headers["user-agent"] = agent }
        let call = IncomingCall(method: "POST", path: "/", query: "", headers: headers, body: [], sourceIP: use.caller.sourceIP, host: "")
        let allowed = rule.allows(
            KeyPolicyRule.Use(
                action: action, grantOperation: use.operation, key: use.key, context: use.encryptionContext,
                viaService: "sqs.\(region).amazonaws.com", requestKeys: use.requestedAs.map(KeyPolicyRule.requestAlias) ?? []),
            identity: Authenticator.Identity(principal: principal, accessKeyId: nil), principal: principal, call: call)
        guard allowed else {
            throw KeyServiceError(
                .accessDenied, "User: \(principal.arn) is not authorized to perform: \(action) on resource: \(use.key.arn)")
        }
    }
}
