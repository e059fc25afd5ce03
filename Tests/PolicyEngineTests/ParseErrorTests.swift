import PolicyEngine
import Testing

/// A malformed document, the kind it is parsed as, and the error it must raise.
struct ParseErrorCase: CustomTestStringConvertible, Sendable {
    let name: String
    let text: String
    let kind: PolicyKind
    let code: String
    let line: Int
    let column: Int
    let messageFragment: String

    init(_ name: String, _ text: String, kind: PolicyKind = .identity, _ code: String, _ line: Int, _ column: Int, _ messageFragment: String) {
        self.name = name
        self.text = text
        self.kind = kind
        self.code = code
        self.line = line
        self.column = column
        self.messageFragment = messageFragment
    }

    var testDescription: String { name }
}

enum ParseErrorCases {
    /// A statement on line 3, its elements from column 5 of the following lines.
    static func statement(_ body: String) -> String {
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\n\(body)\n  }\n}"
    }

    static let all: [ParseErrorCase] = [
        .init("JSON syntax error points at the offending character", "{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}", "JSON_SYNTAX_ERROR", 3, 3, "expected ',' or '}'"),
        .init("unterminated document", "{\"Statement\": [", "JSON_SYNTAX_ERROR", 1, 16, "unexpected end of input"),
        .init("the document must be an object", "[]", "DATA_TYPE_MISMATCH", 1, 1, "must be an object"),
        .init("unknown top-level element", "{\"Version\": \"2012-10-17\", \"Statment\": []}", "INVALID_POLICY_ELEMENT", 1, 27, "Statment"),
        .init("missing Statement", "{\"Version\": \"2012-10-17\"}", "MISSING_STATEMENT", 1, 1, "Statement"),
        .init("unknown Version", "{\"Version\": \"2012-10-18\", \"Statement\": []}", "INVALID_VERSION", 1, 13, "2012-10-17"),
        .init("Version must be a string", "{\"Version\": 2012, \"Statement\": []}", "INVALID_VERSION", 1, 13, "Version"),
        .init("Statement of the wrong type", "{\"Statement\": \"Allow\"}", "DATA_TYPE_MISMATCH", 1, 15, "Statement"),
        .init("duplicate top-level key", "{\"Statement\": [], \"Statement\": []}", "JSON_SYNTAX_ERROR", 1, 19, "Duplicate key 'Statement'"),
        .init("missing Effect", statement("    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), "MISSING_EFFECT", 3, 16, "Effect"),
        .init("invalid Effect", statement("    \"Effect\": \"allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), "INVALID_EFFECT", 4, 15, "Invalid effect"),
        .init("missing Action", statement("    \"Effect\": \"Allow\",\n    \"Resource\": \"*\""), "MISSING_ACTION", 3, 16, "must contain actions"),
        .init("missing Resource", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\""), "MISSING_RESOURCE", 3, 16, "must contain resources"),
        .init("both Action and NotAction", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"NotAction\": \"sqs:DeleteQueue\",\n    \"Resource\": \"*\""), "UNSUPPORTED_ELEMENT_COMBINATION", 6, 5, "both Action and NotAction"),
        .init("both Resource and NotResource", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"NotResource\": \"*\""), "UNSUPPORTED_ELEMENT_COMBINATION", 7, 5, "both Resource and NotResource"),
        .init("unknown statement element", statement("    \"Effect\": \"Allow\",\n    \"Actions\": \"sqs:*\",\n    \"Resource\": \"*\""), "INVALID_POLICY_ELEMENT", 5, 5, "Actions"),
        .init("Principal in an identity policy", statement("    \"Effect\": \"Allow\",\n    \"Principal\": \"*\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), "UNSUPPORTED_PRINCIPAL", 5, 5, "Has prohibited field Principal"),
        .init("NotPrincipal in an identity policy", statement("    \"Effect\": \"Deny\",\n    \"NotPrincipal\": {\"AWS\": \"111122223333\"},\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), "UNSUPPORTED_PRINCIPAL", 5, 5, "NotPrincipal"),
        .init("missing Principal in a resource policy", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), kind: .resource, "MISSING_PRINCIPAL", 3, 16, "Missing required field Principal"),
        .init("both Principal and NotPrincipal", statement("    \"Effect\": \"Allow\",\n    \"Principal\": \"*\",\n    \"NotPrincipal\": \"*\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), kind: .resource, "UNSUPPORTED_ELEMENT_COMBINATION", 6, 5, "Principal and NotPrincipal"),
        .init("partial wildcard in a principal ARN", statement("    \"Effect\": \"Allow\",\n    \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:user/*\"},\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), kind: .resource, "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", 5, 26, "Invalid principal"),
        .init("malformed principal", statement("    \"Effect\": \"Allow\",\n    \"Principal\": {\"AWS\": \"alice\"},\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), kind: .resource, "INVALID_PRINCIPAL_FORMAT", 5, 26, "Invalid principal in policy"),
        .init("unknown principal type", statement("    \"Effect\": \"Allow\",\n    \"Principal\": {\"IAM\": \"111122223333\"},\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), kind: .resource, "INVALID_PRINCIPAL_KEY", 5, 19, "IAM"),
        .init("Principal string other than *", statement("    \"Effect\": \"Allow\",\n    \"Principal\": \"111122223333\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), kind: .resource, "INVALID_PRINCIPAL_FORMAT", 5, 18, "Principal"),
        .init("action without a vendor", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"SendMessage\",\n    \"Resource\": \"*\""), "INVALID_ACTION", 5, 15, "prefaced by a vendor"),
        .init("wildcard in an action vendor", statement("    \"Effect\": \"Allow\",\n    \"Action\": [\"sqs:SendMessage\", \"sq*:Get*\"],\n    \"Resource\": \"*\""), "INVALID_SERVICE_IN_ACTION", 5, 35, "Vendor"),
        .init("Action of the wrong type", statement("    \"Effect\": \"Allow\",\n    \"Action\": 7,\n    \"Resource\": \"*\""), "DATA_TYPE_MISMATCH", 5, 15, "string or an array of strings"),
        .init("Action array holding a number", statement("    \"Effect\": \"Allow\",\n    \"Action\": [\"sqs:*\", 7],\n    \"Resource\": \"*\""), "DATA_TYPE_MISMATCH", 5, 25, "must hold strings"),
        .init("malformed resource ARN", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"orders\""), "INVALID_ARN_RESOURCE", 6, 17, "must be in ARN format"),
        .init("short resource ARN without a trailing *", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"arn:aws:sqs:us-east-1\""), "INVALID_ARN_RESOURCE", 6, 17, "ARN format"),
        .init("wildcard in a resource service", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"arn:aws:sq*:us-east-1:111122223333:q\""), "INVALID_SERVICE", 6, 17, "cannot contain regexes"),
        .init("unknown condition operator", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"StringEqualz\": {\"aws:username\": \"a\"}}"), "INVALID_CONDITION_OPERATOR", 7, 19, "Invalid Condition type : StringEqualz"),
        .init("unknown set qualifier", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"ForSomeValues:StringEquals\": {\"aws:TagKeys\": \"a\"}}"), "INVALID_CONDITION_OPERATOR", 7, 19, "ForSomeValues"),
        .init("condition block of the wrong type", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": \"a\"}"), "DATA_TYPE_MISMATCH", 7, 35, "must be an object"),
        .init("condition value of the wrong type", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": {\"aws:username\": {\"a\": 1}}}"), "DATA_TYPE_MISMATCH", 7, 52, "string, number or boolean"),
        .init("condition value null", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": {\"aws:username\": [\"a\", null]}}"), "DATA_TYPE_MISMATCH", 7, 58, "not null"),
        .init("non-numeric NumericEquals value", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"NumericEquals\": {\"s3:max-keys\": \"ten\"}}"), "INVALID_CONDITION_DATA_TYPE", 7, 52, "must be a number"),
        .init("invalid date", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"DateLessThan\": {\"aws:CurrentTime\": \"2020-13-01\"}}"), "INVALID_CONDITION_DATA_TYPE", 7, 55, "ISO 8601"),
        .init("invalid CIDR", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/33\"}}"), "INVALID_CONDITION_DATA_TYPE", 7, 49, "CIDR"),
        .init("invalid Bool value", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"yes\"}}"), "INVALID_CONDITION_DATA_TYPE", 7, 51, "true or false"),
        .init("invalid base64", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"BinaryEquals\": {\"k\": \"abc\"}}"), "INVALID_CONDITION_DATA_TYPE", 7, 41, "base64"),
        .init("condition keys differing only in case", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": {\"aws:username\": \"a\", \"AWS:UserName\": \"b\"}}"), "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", 7, 57, "AWS:UserName"),
        .init("variable without a closing brace", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"arn:aws:sqs:*:*:${aws:username\""), "MISSING_BRACE_IN_VARIABLE", 6, 17, "closing brace"),
        .init("variable default without quotes", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"StringEquals\": {\"aws:username\": \"${aws:PrincipalTag/x, none}\"}}"), "MISSING_QUOTE_IN_VARIABLE", 7, 52, "single quotes"),
        .init("empty variable", statement("    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"arn:aws:sqs:*:*:${}\""), "EMPTY_VARIABLE", 6, 17, "names no key"),
        .init("Sid of the wrong type", statement("    \"Sid\": 1,\n    \"Effect\": \"Allow\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), "DATA_TYPE_MISMATCH", 4, 12, "Sid"),
        .init("statement array holding a string", "{\"Statement\": [\"Allow\"]}", "DATA_TYPE_MISMATCH", 1, 16, "Statement must be an object"),
        .init("duplicate statement element", statement("    \"Effect\": \"Allow\",\n    \"Effect\": \"Deny\",\n    \"Action\": \"sqs:*\",\n    \"Resource\": \"*\""), "JSON_SYNTAX_ERROR", 5, 5, "Duplicate key 'Effect'"),
    ]
}

@Suite struct ParseErrorTests {
    @Test(arguments: ParseErrorCases.all)
    func malformedPolicyIsRefusedWithItsPosition(_ testCase: ParseErrorCase) {
        do {
            _ = try Policy.parse(testCase.text, kind: testCase.kind, id: "p")
            Issue.record("\(testCase.name): parsed without error")
        } catch {
            #expect(error.code == testCase.code, "\(testCase.name): \(error)")
            #expect(error.position == SourcePosition(line: testCase.line, column: testCase.column), "\(testCase.name): \(error)")
            #expect(error.message.contains(testCase.messageFragment), "\(testCase.name): \(error)")
        }
    }

    @Test func descriptionCarriesTheLineAndColumn() {
        let error = PolicyError(code: "MISSING_ACTION", message: "Policy statement must contain actions.", position: SourcePosition(line: 3, column: 16))
        #expect(error.description == "line 3, column 16: Policy statement must contain actions.")
    }

    @Test func absurdInputsAreRefusedWithoutCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: PolicyError.self) { try Policy.parse(deep, kind: .identity, id: "p") }
        let huge = "{\"Statement\": [], \"Id\": \"" + String(repeating: "x", count: 300_000) + "\"}"
        #expect(throws: PolicyError.self) { try Policy.parse(huge, kind: .identity, id: "p") }
        #expect(throws: PolicyError.self) { try Policy.parse("{\"Statement\": 1e999}", kind: .identity, id: "p") }
        #expect(throws: PolicyError.self) { try Policy.parse("", kind: .identity, id: "p") }
        let bigNumber = #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericEquals": {"k": "1e999"}}}}"#
        #expect(throws: PolicyError.self) { try Policy.parse(bigNumber, kind: .identity, id: "p") }
    }

    @Test func parsedPolicyKeepsItsParts() throws {
        let text = "{\n  \"Version\": \"2008-10-17\",\n  \"Id\": \"q\",\n  \"Statement\": [\n    {\"Sid\": \"A\", \"Effect\": \"Deny\", \"Action\": \"sqs:*\", \"Resource\": \"*\",\n     \"Condition\": {\"Bool\": {\"aws:SecureTransport\": false}}}\n  ]\n}"
        let policy = try Policy.parse(text, kind: .identity, id: "mine")
        #expect(policy.id == "mine" && policy.kind == .identity && policy.version == "2008-10-17" && policy.text == text)
        #expect(policy.statements.count == 1)
        let statement = policy.statements[0]
        #expect(statement.sid == "A" && statement.effect == .deny && statement.index == 0)
        #expect(statement.start == SourcePosition(line: 5, column: 5))
        #expect(statement.end == SourcePosition(line: 6, column: 60))
        #expect(statement.conditionKeys == ["aws:SecureTransport"])
    }

    @Test func singleStatementObjectAndEmptyArrayAreAccepted() throws {
        let single = try Policy.parse(#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#, kind: .identity, id: "p")
        #expect(single.statements.count == 1 && single.version == nil)
        let empty = try Policy.parse(#"{"Version": "2012-10-17", "Statement": []}"#, kind: .identity, id: "p")
        #expect(empty.statements.isEmpty)
    }
}
