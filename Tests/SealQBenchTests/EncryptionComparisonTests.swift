import Testing

@testable import SealQBench

@Suite("sse-compare: paired steps without and with encryption")
struct EncryptionComparisonTests {
    func configuration(rounds: Int = 3, attributes: [String: String] = [:]) -> BenchmarkConfiguration {
        BenchmarkConfiguration(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", scenario: .sseCompare, queueAttributes: attributes,
            rounds: rounds)
    }

    @Test("Each round measures send, batch and pipeline off and on, alternating which goes first")
    func steps() {
        let steps = configuration(rounds: 3).steps
        #expect(steps.count == 3 * 3 * 2)
        let scenarios = steps.map(\.scenario)
        #expect(Array(scenarios.prefix(6)) == [.send, .send, .batch, .batch, .pipeline, .pipeline])
        #expect(steps[0].encryption == .off && steps[1].encryption == .asConfigured, "round 1 starts without encryption")
        #expect(steps[6].encryption == .asConfigured && steps[7].encryption == .off, "round 2 starts with it")
        #expect(steps[12].encryption == .off, "round 3 starts without again")
        #expect(steps.filter { $0.encryption == .off }.count == 9 && steps.allSatisfy { $0.queue == .standard })
    }

    @Test("The unencrypted queue drops the KMS settings and turns SSE-SQS off; the other keeps what was asked")
    func queueAttributes() {
        let asked = ["KmsMasterKeyId": "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds": "60", "VisibilityTimeout": "45"]
        #expect(BenchmarkEncryption.off.queueAttributes(asked) == ["SqsManagedSseEnabled": "false", "VisibilityTimeout": "45"])
        #expect(BenchmarkEncryption.asConfigured.queueAttributes(asked) == asked)
        #expect(BenchmarkEncryption.off.queueAttributes([:]) == ["SqsManagedSseEnabled": "false"])
    }

    @Test("Zero rounds, or SSE switched off for both sides, are refused")
    func validation() throws {
        #expect(throws: BenchmarkError.self) { try configuration(rounds: 0).validate() }
        #expect(throws: BenchmarkError.self) { try configuration(attributes: ["SqsManagedSseEnabled": "false"]).validate() }
        try configuration(attributes: ["KmsMasterKeyId": "alias/aws/sqs"]).validate()
        try configuration().validate()
    }

    @Test("The median of the rounds' ratios")
    func median() {
        #expect(BenchmarkReport.median([]) == 0)
        #expect(BenchmarkReport.median([0.9, 1.1, 0.8]) == 0.9)
        #expect(BenchmarkReport.median([1.0, 0.5, 0.75, 0.25]) == 0.625)
    }
}
