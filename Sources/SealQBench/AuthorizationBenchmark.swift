import Foundation
import PolicyEngine
import SigV4

/// The per-request cost of the access-control stages, measured in this process (no daemon):
/// evaluating a 20-statement identity policy with 10 conditions for an `sqs:SendMessage` call
/// (condition context built as the server builds it, the allowing statement last), and
/// verifying the SigV4 signature of a 1 KiB SendMessage request (derived keys cached, as in
/// the server). Every call is timed on its own, so the report gives quantiles, not just means.
public struct AuthorizationBenchmark: Sendable {
    /// One measured operation.
    public typealias Measurement = CallMeasurement

    /// Calls timed per measurement, after a tenth as many warm-up calls.
    public var calls: Int

    /// A benchmark timing `calls` calls of each operation.
    public init(calls: Int = 200_000) {
        self.calls = calls
    }

    /// Runs both measurements; throws when the fixtures do not give the expected answers.
    public func run() throws -> [Measurement] {
        [try authorization(), try verification()]
    }

    /// A policy of 20 statements — 10 of them with one condition each, of different operator
    /// families — for a caller whose only allowing statement is the last one.
    static func policy() throws -> Policy {
        var statements: [String] = []
        let conditions = [
            #"{"StringEquals": {"aws:PrincipalTag/team": "orders"}}"#,
            #"{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}"#,
            #"{"DateLessThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}"#,
            #"{"NumericLessThan": {"aws:EpochTime": "946684800"}}"#,
            #"{"Bool": {"aws:SecureTransport": "true"}}"#,
            #"{"StringLike": {"aws:userid": "AROA*"}}"#,
            #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#,
            #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["secret"]}}"#,
            #"{"StringEqualsIgnoreCase": {"aws:ResourceTag/env": "PROD"}}"#,
            #"{"StringNotEquals": {"aws:PrincipalAccount": "000000000000"}}"#,
        ]
        for index in 0..<19 {
            let condition = index < conditions.count ? #", "Condition": \#(conditions[index])"# : ""
            statements.append(
                #"{"Sid": "S\#(index)", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": "arn:aws:sqs:*:*:team\#(index)-*"\#(condition)}"#)
        }
        statements.append(
            #"{"Sid": "Orders", "Effect": "Allow", "Action": "sqs:Send*", "Resource": "arn:aws:sqs:us-east-1:000000000000:orders-*"}"#)
        let text = #"{"Version": "2012-10-17", "Statement": [\#(statements.joined(separator: ", "))]}"#
        return try Policy.parse(text, kind: .identity, id: "bench")
    }

    private func authorization() throws -> Measurement {
        let policy = try Self.policy()
        let principal = RequestPrincipal(arn: "arn:aws:iam::000000000000:user/producer", accountId: "000000000000")
        func decide() -> Decision {
            var context = ConditionContext()
            context.set("aws:SourceIp", ["127.0.0.1"], type: .ip)
            context.set("aws:CurrentTime", ["2026-11-25T17:00:00Z"], type: .date)
            context.set("aws:EpochTime", ["1795626000"], type: .numeric)
            context.set("aws:SecureTransport", ["false"], type: .boolean)
            context.set("aws:PrincipalArn", [principal.arn])
            context.set("aws:PrincipalAccount", ["000000000000"])
            context.set("aws:PrincipalType", ["User"])
            context.set("aws:userid", ["AIDAEXAMPLE"])
            context.set("aws:username", ["producer"])
            context.set("aws:PrincipalTag/team", ["fulfilment"])
            let request = AuthorizationRequest(
                action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:000000000000:orders-new", principal: principal,
                context: context)
            return PolicyEvaluator.evaluate(request, identityPolicies: [policy], resourcePolicy: nil, reportingMissingKeys: false).decision
        }
        guard decide() == .allowed else { throw BenchmarkError.unexpectedResponse(action: "authorize", "the benchmark policy does not allow its request") }
        return time("authorize: 20 statements, 10 conditions", decide)
    }

    private func verification() throws -> Measurement {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let body = Array(("Action=SendMessage&QueueUrl=http%3A%2F%2F127.0.0.1%3A9324%2F000000000000%2Forders-new&MessageBody="
            + String(repeating: "x", count: 1024) + "&Version=2012-11-05").utf8)
        var clock = AmzDateClock()
        let amzDate = clock.now()
        let signer = RequestSigner(accessKeyId: "AKIABENCHMARK0000001", secretAccessKey: secret, region: "us-east-1", service: "sqs")
        let unsigned = [("host", "127.0.0.1:9324"), ("content-type", "application/x-www-form-urlencoded; charset=utf-8")]
        var headers = Dictionary(uniqueKeysWithValues: unsigned)
        for (name, value) in signer.sign(method: "POST", path: "/", query: "", headers: unsigned, payload: body, amzDate: amzDate) {
            headers[name.lowercased()] = value
        }
        let request = SignatureVerifier.Request(
            method: "POST", path: "/", query: "", queryParameters: [:], headers: headers, body: body)
        let verifier = SignatureVerifier(region: "us-east-1", secrets: { $0 == "AKIABENCHMARK0000001" ? secret : nil })
        let now = Int64(Date().timeIntervalSince1970)
        func verify() -> Bool { (try? verifier.verify(request, service: "sqs", now: now)) != nil }
        guard verify() else { throw BenchmarkError.unexpectedResponse(action: "verify", "the benchmark request does not verify") }
        return time("verify SigV4: 1 KiB SendMessage", verify)
    }

    private func time<Result>(_ name: String, _ operation: () -> Result) -> Measurement {
        CallTimer.time(name, calls: calls, operation)
    }
}
