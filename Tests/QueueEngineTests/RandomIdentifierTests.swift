import Testing

@testable import QueueEngine

@Suite("Random identifiers")
struct RandomIdentifierTests {
    private static func isUUIDText(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        return groups == [8, 4, 4, 4, 12] && text.allSatisfy { "0123456789abcdef-".contains($0) }
    }

    @Test("uuid() is a random version-4 UUID with the RFC 9562 variant, never repeated")
    func version4() {
        let ids = (0..<10_000).map { _ in RandomIdentifier.uuid() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            #expect(Self.isUUIDText(id))
            #expect(Array(id)[14] == "4")
            #expect("89ab".contains(Array(id)[19]))
        }
    }

    @Test("timeOrderedUUID is version 7: the time in its first 48 bits, random after, sorting by time")
    func version7() {
        let milliseconds: Int64 = 1_795_000_000_123
        let id = RandomIdentifier.timeOrderedUUID(milliseconds: milliseconds)
        #expect(Self.isUUIDText(id))
        let hex = id.replacingOccurrences(of: "-", with: "")
        #expect(Int64(hex.prefix(12), radix: 16) == milliseconds)
        #expect(Array(id)[14] == "7")
        #expect("89ab".contains(Array(id)[19]))
        let sameMillisecond = (0..<1_000).map { _ in RandomIdentifier.timeOrderedUUID(milliseconds: milliseconds) }
        #expect(Set(sameMillisecond).count == 1_000, "the random bits tell ids of one millisecond apart")
        let later = (1...1_000).map { RandomIdentifier.timeOrderedUUID(milliseconds: milliseconds + Int64($0)) }
        #expect(later.sorted() == later)
        #expect(sameMillisecond.allSatisfy { $0 < later[0] })
    }
}
