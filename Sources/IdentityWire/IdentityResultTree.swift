import WireFormat

/// Builds the protocol-neutral answer trees of the identity operations, with the model's member names in the
/// model's order; the XML and awscli-JSON encoders both walk them.
enum IdentityResultTree {
    /// `SimulatePolicyResponse`.
    static func simulation(_ result: SimulationResult) -> OutputNode {
        var members: [(String, OutputNode)] = [
            ("EvaluationResults", evaluationResults(result.evaluationResults)), ("IsTruncated", .boolean(result.isTruncated)),
        ]
        if let marker = result.marker { members.append(("Marker", .text(marker))) }
        return .structure(members)
    }

    /// The `EvaluationResults` list.
    static func evaluationResults(_ results: [EvaluationResult]) -> OutputNode {
        list(results.map(evaluationResult))
    }

    /// `GetCallerIdentityResponse`.
    static func callerIdentity(_ identity: CallerIdentity) -> OutputNode {
        .structure([("UserId", .text(identity.userId)), ("Account", .text(identity.account)), ("Arn", .text(identity.arn))])
    }

    /// `CreateAccessKeyResponse`: the key with its secret.
    static func createdAccessKey(_ key: AccessKeyDescription, secretAccessKey: String) -> OutputNode {
        .structure([
            ("AccessKey", .structure([
                ("UserName", .text(key.userName)), ("AccessKeyId", .text(key.accessKeyId)), ("Status", .text(key.status)),
                ("SecretAccessKey", .text(secretAccessKey)), ("CreateDate", .text(key.createDate)),
            ]))
        ])
    }

    /// `ListAccessKeysResponse`: the keys' metadata, never a secret.
    static func accessKeyList(_ keys: [AccessKeyDescription], nextMarker: String?) -> OutputNode {
        let listed = keys.map { key in
            OutputNode.structure([
                ("UserName", .text(key.userName)), ("AccessKeyId", .text(key.accessKeyId)), ("Status", .text(key.status)),
                ("CreateDate", .text(key.createDate)),
            ])
        }
        return page("AccessKeyMetadata", listed, nextMarker: nextMarker)
    }

    /// One page of an IAM listing: the items under `name`, `IsTruncated`, and the `Marker` of
    /// the next page when there is one.
    private static func page(_ name: String, _ items: [OutputNode], nextMarker: String?) -> OutputNode {
        var members: [(String, OutputNode)] = [(name, list(items)), ("IsTruncated", .boolean(nextMarker != nil))]
        if let nextMarker { members.append(("Marker", .text(nextMarker))) }
        return .structure(members)
    }

    /// `GetAccessKeyLastUsedResponse`: `N/A` for the service and region, and no date, when the
    /// key has no known use.
    static func accessKeyLastUse(userName: String, _ use: AccessKeyLastUse?) -> OutputNode {
        var lastUsed: [(String, OutputNode)] = []
        if let use { lastUsed.append(("LastUsedDate", .text(use.lastUsedDate))) }
        lastUsed.append(("ServiceName", .text(use?.serviceName ?? "N/A")))
        lastUsed.append(("Region", .text(use?.region ?? "N/A")))
        return .structure([("UserName", .text(userName)), ("AccessKeyLastUsed", .structure(lastUsed))])
    }

    /// A `User`: its tags only `withTags` (GetUser), as ListUsers leaves them out.
    static func user(_ user: UserDescription, withTags: Bool) -> OutputNode {
        var members: [(String, OutputNode)] = [
            ("Path", .text(user.path)), ("UserName", .text(user.userName)), ("UserId", .text(user.userId)), ("Arn", .text(user.arn)),
            ("CreateDate", .text(user.createDate)),
        ]
        if withTags, !user.tags.isEmpty {
            members.append(("Tags", list(user.tags.map { .structure([("Key", .text($0.key)), ("Value", .text($0.value))]) })))
        }
        return .structure(members)
    }

    /// `ListUsersResponse`.
    static func userList(_ users: [UserDescription], nextMarker: String?) -> OutputNode {
        page("Users", users.map { user($0, withTags: false) }, nextMarker: nextMarker)
    }

    /// A list of nodes; IAM names each item `member`.
    static func list(_ items: [OutputNode]) -> OutputNode {
        .list(itemName: "member", items)
    }

    private static func evaluationResult(_ result: EvaluationResult) -> OutputNode {
        var members: [(String, OutputNode)] = [("EvalActionName", .text(result.evalActionName))]
        if let resource = result.evalResourceName { members.append(("EvalResourceName", .text(resource))) }
        members.append(("EvalDecision", .text(result.evalDecision.rawValue)))
        members.append(("MatchedStatements", list(result.matchedStatements.map(statement))))
        members.append(("MissingContextValues", list(result.missingContextValues.map { .text($0) })))
        if let allowed = result.allowedByOrganizations {
            members.append(("OrganizationsDecisionDetail", .structure([("AllowedByOrganizations", .boolean(allowed))])))
        }
        if let allowed = result.allowedByPermissionsBoundary { members.append(boundaryDetail(allowed)) }
        if let details = result.evalDecisionDetails { members.append(("EvalDecisionDetails", decisionDetails(details))) }
        if let specific = result.resourceSpecificResults {
            members.append(("ResourceSpecificResults", list(specific.map(resourceSpecificResult))))
        }
        return .structure(members)
    }

    private static func resourceSpecificResult(_ result: ResourceSpecificResult) -> OutputNode {
        var members: [(String, OutputNode)] = [
            ("EvalResourceName", .text(result.evalResourceName)),
            ("EvalResourceDecision", .text(result.evalResourceDecision.rawValue)),
            ("MatchedStatements", list(result.matchedStatements.map(statement))),
            ("MissingContextValues", list(result.missingContextValues.map { .text($0) })),
        ]
        if let details = result.evalDecisionDetails { members.append(("EvalDecisionDetails", decisionDetails(details))) }
        if let allowed = result.allowedByPermissionsBoundary { members.append(boundaryDetail(allowed)) }
        return .structure(members)
    }

    private static func statement(_ statement: SimulatedStatement) -> OutputNode {
        var members: [(String, OutputNode)] = []
        if let id = statement.sourcePolicyId { members.append(("SourcePolicyId", .text(id))) }
        if let type = statement.sourcePolicyType { members.append(("SourcePolicyType", .text(type.rawValue))) }
        if let start = statement.startPosition { members.append(("StartPosition", position(start))) }
        if let end = statement.endPosition { members.append(("EndPosition", position(end))) }
        return .structure(members)
    }

    private static func position(_ position: Position) -> OutputNode {
        .structure([("Line", .number(Int64(position.line))), ("Column", .number(Int64(position.column)))])
    }

    private static func boundaryDetail(_ allowed: Bool) -> (String, OutputNode) {
        ("PermissionsBoundaryDecisionDetail", .structure([("AllowedByPermissionsBoundary", .boolean(allowed))]))
    }

    /// A map in key order, so the XML and the JSON agree on it.
    private static func decisionDetails(_ details: [String: EvalDecision]) -> OutputNode {
        .map(
            entryName: "entry", keyName: "key", valueName: "value",
            details.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value.rawValue)) })
    }
}
