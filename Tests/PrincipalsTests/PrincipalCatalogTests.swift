import Foundation
import PolicyEngine
import Testing

@testable import Principals

@Suite("PrincipalCatalog: policies/ loading")
struct PrincipalCatalogTests {
    static let sendPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}"#
    static let denyPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"*"}]}"#

    func directory(principals: String, policies: [String: String] = ["send": sendPolicy, "deny": denyPolicy]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("principals.json", principals)
        for (name, text) in policies { try directory.write(name + ".json", text) }
        return directory
    }

    func loadError(_ directory: TemporaryDirectory) -> String {
        do {
            _ = try PrincipalCatalog.load(directory: directory.path, accountId: "123456789012")
            return "loaded"
        } catch {
            return error.description
        }
    }

    @Test("Users, roles and groups become principals with ARNs, tags and their own and their groups' policies")
    func loadsPrincipals() throws {
        let directory = try directory(principals: """
            {"Users": [{"Name": "producer", "Path": "/teams/", "Groups": ["guarded"], "Policies": ["send"], "Tags": {"team": "orders"}}],
             "Roles": [{"Name": "reader", "Policies": ["send"]}],
             "Groups": [{"Name": "guarded", "Policies": ["deny"]}]}
            """)
        let catalog = try PrincipalCatalog.load(directory: directory.path, accountId: "123456789012")
        let producer = try #require(catalog.principal(named: "producer"))
        #expect(producer.arn == "arn:aws:iam::123456789012:user/teams/producer")
        #expect(producer.principalArn == producer.arn)
        #expect(producer.tags == ["team": "orders"])
        #expect(producer.policies.map(\.id) == ["send", "deny"])
        #expect(producer.userId.hasPrefix("AIDA") && producer.userId.count == 21)
        let reader = try #require(catalog.principal(named: "reader"))
        #expect(reader.arn == "arn:aws:sts::123456789012:assumed-role/reader/sealq")
        #expect(reader.principalArn == "arn:aws:iam::123456789012:role/reader")
        #expect(reader.userId.hasPrefix("AROA") && reader.userId.hasSuffix(":sealq"))
        #expect(catalog.groups["guarded"] == ["producer"])
        #expect(catalog.groupPolicies["guarded"]?.map(\.id) == ["deny"])
    }

    @Test("Unique ids are the same on every load, and differ between principals")
    func stableIds() throws {
        let directory = try directory(principals: #"{"Users": [{"Name": "a"}, {"Name": "b"}]}"#)
        let first = try PrincipalCatalog.load(directory: directory.path, accountId: "123456789012")
        let second = try PrincipalCatalog.load(directory: directory.path, accountId: "123456789012")
        #expect(first.principal(named: "a")?.userId == second.principal(named: "a")?.userId)
        #expect(first.principal(named: "a")?.userId != first.principal(named: "b")?.userId)
    }

    @Test("Without principals.json only the admin exists, with the built-in AdministratorAccess")
    func builtInAdmin() throws {
        let directory = try TemporaryDirectory()
        let catalog = try PrincipalCatalog.load(directory: directory.path, accountId: "123456789012")
        #expect(catalog.principals.keys.sorted() == ["admin"])
        #expect(catalog.principal(named: "admin")?.policies.map(\.id) == ["AdministratorAccess"])
        let missing = try PrincipalCatalog.load(directory: directory.path + "/absent", accountId: "123456789012")
        #expect(missing.principal(named: "admin")?.arn == "arn:aws:iam::123456789012:user/admin")
    }

    @Test("A policies/ admin replaces the built-in one")
    func definedAdmin() throws {
        let directory = try directory(principals: #"{"Users": [{"Name": "admin", "Policies": ["deny"]}]}"#)
        let catalog = try PrincipalCatalog.load(directory: directory.path, accountId: "123456789012")
        #expect(catalog.principal(named: "admin")?.policies.map(\.id) == ["deny"])
    }

    @Test(
        "Bad definitions are refused with the file and what is wrong",
        arguments: [
            (#"{"Users": [{"Name": "a", "Groups": ["nope"]}]}"#, "is in group nope, which is not defined"),
            (#"{"Users": [{"Name": "a", "Policies": ["nope"]}]}"#, "attaches policy nope, but there is no nope.json"),
            (#"{"Users": [{"Name": "a"}], "Roles": [{"Name": "a"}]}"#, "the name a is defined twice"),
            (#"{"Users": [{"Name": "bob"}, {"Name": "Bob"}]}"#, "the name Bob is defined twice (as bob: IAM does not tell names apart by case"),
            (#"{"Users": [{"Name": "ADMIN"}]}"#, "the name admin is defined twice (as ADMIN"),
            (#"{"Groups": [{"Name": "ops"}, {"Name": "OPS"}]}"#, "group OPS is defined twice (as ops: IAM does not tell names apart by case)"),
            (#"{"Users": [{"Name": "a b"}]}"#, "name \"a b\" must be 1 to 64"),
            (#"{"Users": [{"Name": "a", "Password": "x"}]}"#, "unknown member Password"),
            (#"{"Users": [{"Name": "a", "Path": "teams"}]}"#, "Path must begin and end with /"),
            (#"{"Admins": []}"#, "unknown member Admins"),
            (#"{"Groups": [{"Name": "g", "Policies": ["nope"]}]}"#, "group g attaches policy nope"),
            (#"{"Users": [{"Name": "a", "Tags": {"team": 1}}]}"#, "tag team must be a string"),
        ])
    func refusesBadDefinitions(text: String, expected: String) throws {
        let message = loadError(try directory(principals: text))
        #expect(message.contains("principals.json: "), "\(message)")
        #expect(message.contains(expected), "\(message)")
    }

    @Test("Malformed JSON in principals.json names the line and column")
    func malformedPrincipals() throws {
        let message = loadError(try directory(principals: "{\n  \"Users\": [\n    {\"Name\": \"a\",}\n  ]\n}"))
        #expect(message.contains("principals.json: "), "\(message)")
        #expect(message.contains("line 3"), "\(message)")
    }

    @Test("A policy file that does not parse is refused with its path, line and column")
    func malformedPolicy() throws {
        let bad = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:*\", \"Resource\": \"*\", \"Condition\": {\"StringEqualz\": {\"a:b\": \"c\"}}}]\n}"
        let message = loadError(try directory(principals: "{}", policies: ["broken": bad]))
        #expect(message.contains("broken.json: "), "\(message)")
        #expect(message.contains("line 3"), "\(message)")
        #expect(message.contains("StringEqualz"), "\(message)")
    }
}
