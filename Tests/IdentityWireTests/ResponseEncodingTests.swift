import WireFormat
import Testing

@testable import IdentityWire

@Suite("Query XML answers and errors")
struct ResponseEncodingTests {
    private func text(_ response: EncodedResponse) -> String {
        String(decoding: response.body, as: UTF8.self)
    }

    @Test("A simulation answer is IAM's non-flattened XML, byte for byte")
    func simulationXML() {
        let response = IdentityResponseEncoder.encode(ResultFixtures.simulation, operation: .custom, requestId: "req-1")
        #expect(text(response) == ExpectedOutput.simulationXML)
        #expect(response.status == 200)
        #expect(response.headers.map { "\($0.0): \($0.1)" } == ["Content-Type: text/xml", "x-amzn-RequestId: req-1"])
    }

    @Test("SimulatePrincipalPolicy names its envelope after itself; no results is an empty list, no marker is absent")
    func principalEnvelope() {
        let response = IdentityResponseEncoder.encode(
            SimulationResult(evaluationResults: []), operation: .principal(policySourceArn: "arn:aws:iam::000000000000:user/alice"),
            requestId: "req-2")
        #expect(
            text(response)
                == #"<?xml version="1.0"?><SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">"#
                + "<SimulatePrincipalPolicyResult><EvaluationResults></EvaluationResults><IsTruncated>false</IsTruncated>"
                + "</SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata>"
                + "</SimulatePrincipalPolicyResponse>")
    }

    @Test("A matched statement writes only the members it has")
    func sparseStatement() {
        let result = SimulationResult(evaluationResults: [
            EvaluationResult(
                evalActionName: "sqs:ReceiveMessage", evalDecision: .explicitDeny,
                matchedStatements: [SimulatedStatement(sourcePolicyId: "ResourcePolicy", sourcePolicyType: .resourcePolicy)])
        ])
        #expect(
            text(IdentityResponseEncoder.encode(result, operation: .custom, requestId: "r")).contains(
                "<member><EvalActionName>sqs:ReceiveMessage</EvalActionName><EvalDecision>explicitDeny</EvalDecision>"
                    + "<MatchedStatements><member><SourcePolicyId>ResourcePolicy</SourcePolicyId><SourcePolicyType>Resource Policy"
                    + "</SourcePolicyType></member></MatchedStatements><MissingContextValues></MissingContextValues></member>"))
    }

    @Test("GetCallerIdentity answers in STS's namespace with UserId, Account, Arn")
    func callerIdentityXML() {
        let identity = CallerIdentity(userId: "AIDAEXAMPLE", account: "000000000000", arn: "arn:aws:iam::000000000000:user/admin")
        #expect(
            text(IdentityResponseEncoder.encode(identity, requestId: "req-3"))
                == #"<?xml version="1.0"?><GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#
                + "<GetCallerIdentityResult><UserId>AIDAEXAMPLE</UserId><Account>000000000000</Account>"
                + "<Arn>arn:aws:iam::000000000000:user/admin</Arn></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>req-3</RequestId></ResponseMetadata></GetCallerIdentityResponse>")
    }

    @Test("Errors are an ErrorResponse in the service's namespace, escaped, with the error's status")
    func errorXML() {
        let iam = IdentityResponseEncoder.encode(IdentityError.invalidInput("bad <policy> & 'x'"), service: .iam, requestId: "req-4")
        #expect(iam.status == 400)
        #expect(
            text(iam)
                == #"<?xml version="1.0"?><ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>"#
                + "<Type>Sender</Type><Code>InvalidInput</Code><Message>bad &lt;policy&gt; &amp; &apos;x&apos;</Message>"
                + "</Error><RequestId>req-4</RequestId></ErrorResponse>")
        let sts = IdentityResponseEncoder.encode(IdentityError.internalFailure, service: .sts, requestId: "req-5")
        #expect(sts.status == 500)
        #expect(text(sts).hasPrefix(#"<?xml version="1.0"?><ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#))
        #expect(text(sts).contains("<Type>Receiver</Type><Code>InternalFailure</Code>"))
    }
}
