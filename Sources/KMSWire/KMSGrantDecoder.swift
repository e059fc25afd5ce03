/// Reads the grant operations' inputs.
enum KMSGrantDecoder {
    static func read(_ action: KMSAction, _ input: inout KMSInput) throws(KMSError) -> KMSRequest {
        switch action {
        case .createGrant:
            let keyId = try input.requiredString("KeyId", .keyId)
            let grantee = try input.requiredString("GranteePrincipal", .principalId)
            let retiring = try input.string("RetiringPrincipal", .principalId)
            let operations = try input.enumerations("Operations", KMSGrantOperation.self, required: true) ?? []
            let constraints = try input.structure("Constraints") { (nested: inout KMSInput) throws(KMSError) in
                KMSGrantConstraints(
                    encryptionContextSubset: try nested.stringMap("EncryptionContextSubset"),
                    encryptionContextEquals: try nested.stringMap("EncryptionContextEquals"))
            }
            return .createGrant(
                KMSRequest.CreateGrant(
                    keyId: keyId, granteePrincipal: grantee, retiringPrincipal: retiring, operations: operations,
                    constraints: constraints, grantTokens: try input.grantTokens(), name: try input.string("Name", .grantName),
                    dryRun: try input.bool("DryRun") ?? false))
        case .listGrants:
            let paging = try input.paging(limits: 1...100)
            let keyId = try input.requiredString("KeyId", .keyId)
            let grantId = try input.string("GrantId", .grantId)
            let grantee = try input.string("GranteePrincipal", .principalId)
            return .listGrants(KMSRequest.ListGrants(keyId: keyId, grantId: grantId, granteePrincipal: grantee, paging: paging))
        case .revokeGrant:
            let keyId = try input.requiredString("KeyId", .keyId)
            let grantId = try input.requiredString("GrantId", .grantId)
            return .revokeGrant(keyId: keyId, grantId: grantId, dryRun: try input.bool("DryRun") ?? false)
        case .retireGrant:
            return .retireGrant(
                KMSRequest.RetireGrant(
                    grantToken: try input.string("GrantToken", .grantToken, secret: true), keyId: try input.string("KeyId", .keyId),
                    grantId: try input.string("GrantId", .grantId), dryRun: try input.bool("DryRun") ?? false))
        default:
            let paging = try input.paging(limits: 1...100)
            return .listRetirableGrants(retiringPrincipal: try input.requiredString("RetiringPrincipal", .principalId), paging: paging)
        }
    }
}
