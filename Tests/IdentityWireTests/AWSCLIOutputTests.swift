import WireFormat
import Testing

@testable import IdentityWire

@Suite("awscli JSON output")
struct AWSCLIOutputTests {
    private func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    @Test("A simulation prints as awscli prints it: EvaluationResults only, 4-space indents, final newline")
    func simulationJSON() {
        #expect(text(AWSCLIOutput.simulation(ResultFixtures.simulation)) == ExpectedOutput.simulationJSON + "\n")
    }

    @Test("--explain adds a top-level Explanation after EvaluationResults, one entry per result")
    func explainedJSON() {
        let output = text(AWSCLIOutput.simulation(ResultFixtures.simulation, explanation: ResultFixtures.explanation))
        #expect(output == ExpectedOutput.explainedJSON + "\n")
        #expect(output.hasPrefix(ExpectedOutput.simulationJSON.dropLast(2) + ",\n    \"Explanation\": ["))
    }

    @Test("No results is an empty list, as awscli prints it")
    func emptySimulation() {
        #expect(text(AWSCLIOutput.simulation(SimulationResult(evaluationResults: []))) == "{\n    \"EvaluationResults\": []\n}\n")
    }

    @Test("Caller identity prints UserId, Account, Arn in model order")
    func callerIdentity() {
        let identity = CallerIdentity(userId: "AIDAEXAMPLE", account: "000000000000", arn: "arn:aws:iam::000000000000:user/admin")
        #expect(
            text(AWSCLIOutput.callerIdentity(identity))
                == "{\n    \"UserId\": \"AIDAEXAMPLE\",\n    \"Account\": \"000000000000\",\n"
                + "    \"Arn\": \"arn:aws:iam::000000000000:user/admin\"\n}\n")
    }

    @Test("Strings escape as Python's json.dumps(ensure_ascii=False) does")
    func pythonEscaping() {
        let node = IdentityResultTree.callerIdentity(CallerIdentity(userId: "q\"b\\s/\u{8}\u{C}\n\r\t\u{1}\u{1F}\u{7F}é🙂", account: "", arn: ""))
        // json.dumps({"UserId": 'q"b\\s/\b\f\n\r\t\x01\x1f\x7fé🙂'}, indent=4, ensure_ascii=False)
        #expect(
            text(AWSCLIJSONWriter.document(node)).hasPrefix(
                "{\n    \"UserId\": \"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\u{7F}é🙂\",\n"))
    }
}
