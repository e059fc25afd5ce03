import Foundation
import KeyService
import PolicyEngine
import SealQServer
import WireFormat

/// How `sealq policy who-can` prints its answer: readable text, or JSON for scripts.
enum WhoCanOutput {
    /// One block per principal: the allowing statements with their request conditions, then
    /// the denies that still apply when their conditions hold.
    static func text(_ grants: [AccessReport.Grant], action: String, resource: String) -> String {
        var lines = ["\(action) on \(resource)"]
        if grants.isEmpty { lines.append("  nobody: no known principal is allowed") }
        for grant in grants {
            lines.append(grant.principal == "*" ? "  * (anyone, including unsigned callers)" : "  \(grant.principal)")
            for reason in grant.allowedBy { lines += describe(reason, verb: "allowed by") }
            for keyGrant in grant.grants { lines += describe(keyGrant) }
            for reason in grant.unless { lines += describe(reason, verb: "unless denied by") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"Action", "Resource", "Principals": [{"Principal", "AllowedBy": [...], "Unless": [...]}]}`.
    static func json(_ grants: [AccessReport.Grant], action: String, resource: String) -> String {
        let principals = grants.map { grant in
            OutputNode.structure([
                ("Principal", .text(grant.principal)), ("Anonymous", .boolean(grant.principal == "*")),
                ("AllowedBy", .list(itemName: "member", grant.allowedBy.map(node))),
                ("Grants", .list(itemName: "member", grant.grants.map(node))),
                ("Unless", .list(itemName: "member", grant.unless.map(node))),
            ])
        }
        let document = OutputNode.structure([
            ("Action", .text(action)), ("Resource", .text(resource)), ("Principals", .list(itemName: "member", principals)),
        ])
        return String(decoding: AWSCLIJSONWriter.document(document), as: UTF8.self)
    }

    private static func describe(_ reason: AccessReport.Reason, verb: String) -> [String] {
        let kind = reason.kind == .resource ? "resource policy" : "identity policy"
        let sid = reason.sid.map { " statement \($0)" } ?? " a statement"
        var lines = ["    \(verb) \(kind) \(reason.policyId)\(sid) (line \(reason.position.line), column \(reason.position.column))"]
        if reason.conditions.isEmpty {
            lines.append("      always")
        } else {
            for condition in reason.conditions {
                lines.append("      when \(condition.operator) \(condition.key) \(condition.policyValues.joined(separator: ", "))")
            }
        }
        return lines
    }

    /// A KMS grant: its id, operations and encryption-context constraint (never its token).
    private static func describe(_ grant: KeyGrant) -> [String] {
        var lines = ["    allowed by grant \(grant.grantId) (\(grant.operations.joined(separator: ", ")))"]
        if let equals = grant.contextEquals {
            lines.append("      when the encryption context equals \(pairs(equals))")
        } else if let subset = grant.contextSubset {
            lines.append("      when the encryption context includes \(pairs(subset))")
        } else {
            lines.append("      always")
        }
        return lines
    }

    private static func pairs(_ context: [String: String]) -> String {
        context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    private static func node(_ grant: KeyGrant) -> OutputNode {
        var members: [(String, OutputNode)] = [
            ("GrantId", .text(grant.grantId)), ("Operations", .list(itemName: "member", grant.operations.map { .text($0) })),
        ]
        func map(_ context: [String: String]) -> OutputNode { .structure(context.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value)) }) }
        if let equals = grant.contextEquals { members.append(("EncryptionContextEquals", map(equals))) }
        if let subset = grant.contextSubset { members.append(("EncryptionContextSubset", map(subset))) }
        return .structure(members)
    }

    private static func node(_ reason: AccessReport.Reason) -> OutputNode {
        var members: [(String, OutputNode)] = [
            ("PolicyId", .text(reason.policyId)), ("PolicyType", .text(reason.kind == .resource ? "resource" : "identity")),
        ]
        if let sid = reason.sid { members.append(("Sid", .text(sid))) }
        members += [
            ("Line", .number(Int64(reason.position.line))), ("Column", .number(Int64(reason.position.column))),
            (
                "Conditions",
                .list(
                    itemName: "member",
                    reason.conditions.map {
                        .structure([
                            ("Operator", .text($0.operator)), ("Key", .text($0.key)),
                            ("Values", .list(itemName: "member", $0.policyValues.map { .text($0) })),
                        ])
                    })
            ),
        ]
        return .structure(members)
    }
}
