import PolicyEngine
import Testing

/// Keys that differ only in case: one condition key, and when their values differ, every
/// reading of it.
@Suite struct AmbiguousKeyTests {
    @Test func differentValuesMakeAKeyAmbiguousAndEachReadingHoldsOne() throws {
        var context = ConditionContext()
        context.add("aws:RequestTag/env", ["prod"])
        context.add("aws:RequestTag/ENV", ["dev"])
        context.add("aws:RequestTag/team", ["a"])
        context.add("aws:RequestTag/TEAM", ["a"])
        #expect(context.ambiguousKeys == ["aws:requesttag/env"])
        #expect(context.values("aws:requesttag/env") == ["dev", "prod"])
        let readings = try #require(context.readings(limit: 16, of: { _ in true }))
        #expect(readings.map { $0.values("aws:RequestTag/env") ?? [] } == [["dev"], ["prod"]])
        #expect(readings.allSatisfy { $0.ambiguousKeys.isEmpty && $0.values("aws:RequestTag/team") == ["a", "a"] })
    }

    @Test func tooManyReadingsAreRefused() {
        var context = ConditionContext()
        for key in ["a", "b", "c", "d", "e"] {
            context.add("kms:EncryptionContext:\(key)", ["1"])
            context.add("kms:EncryptionContext:\(key.uppercased())", ["2"])
        }
        #expect(context.readings(limit: 16, of: { _ in true }) == nil, "2^5 readings")
        #expect(ConditionContext().readings(limit: 1, of: { _ in true })?.count == 1)
    }
}
