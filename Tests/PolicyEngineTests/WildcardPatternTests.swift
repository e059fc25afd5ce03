import Testing

@testable import PolicyEngine

/// The linear-time matcher against the plain definition of `*` and `?`, on many random cases.
@Suite("Wildcard patterns")
struct WildcardPatternTests {
    /// A small deterministic generator (SplitMix64), so a failure names a reproducible case.
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// The definition, character by character, by recursion with memory.
    private static func reference(_ pattern: [Character], _ text: [Character]) -> Bool {
        var memo: [Int: Bool] = [:]
        func match(_ p: Int, _ t: Int) -> Bool {
            let key = p * (text.count + 1) + t
            if let known = memo[key] { return known }
            let result: Bool
            if p == pattern.count {
                result = t == text.count
            } else if pattern[p] == "*" {
                result = match(p + 1, t) || (t < text.count && match(p, t + 1))
            } else if t < text.count && (pattern[p] == "?" || pattern[p] == text[t]) {
                result = match(p + 1, t + 1)
            } else {
                result = false
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    @Test("Agrees with the definition on 20,000 random patterns and texts, with one- to four-byte characters")
    func agreesWithTheDefinition() {
        let letters: [Character] = ["a", "b", "é", "€", "😀"]
        var random = Generator(state: 2026)
        for _ in 0..<20_000 {
            let pattern = (0..<random.next(9)).map { _ in (letters + ["*", "?", "a"])[random.next(8)] }
            let text = (0..<random.next(12)).map { _ in letters[random.next(random.next(2) == 0 ? 2 : letters.count)] }
            let expected = Self.reference(pattern, text)
            let got = WildcardPattern(glob: String(pattern)).matches(String(text))
            #expect(got == expected, "\(String(pattern)) against \(String(text))")
            if got != expected { return }
        }
    }

    @Test("Matches a stretch of a larger text, as ARN segments are matched")
    func matchesAStretch() {
        let text = Array("xx:orders-eu:yy".utf8)
        text.withUnsafeBufferPointer { buffer in
            #expect(WildcardPattern(glob: "orders-*").matches(buffer, from: 3, to: 12))
            #expect(WildcardPattern(glob: "*-eu").matches(buffer, from: 3, to: 12))
            #expect(WildcardPattern(glob: "*rd?rs*").matches(buffer, from: 3, to: 12))
            #expect(!WildcardPattern(glob: "*yy").matches(buffer, from: 3, to: 12))
            #expect(!WildcardPattern(glob: "?").matches(buffer, from: 3, to: 3))
            #expect(WildcardPattern(glob: "*").matches(buffer, from: 3, to: 3))
        }
    }

    @Test("A long pattern against a long text that almost matches gives the right answer")
    func longNearMisses() {
        let text = String(repeating: "a", count: 20_000)
        #expect(!WildcardPattern(glob: "*" + String(repeating: "a", count: 3_000) + "b").matches(text))
        #expect(!WildcardPattern(glob: "*" + String(repeating: "a?", count: 1_500) + "b*").matches(text))
        #expect(WildcardPattern(glob: "*" + String(repeating: "a?", count: 1_500) + "*").matches(text))
        #expect(WildcardPattern(glob: "a*" + String(repeating: "a", count: 3_000) + "*a").matches(text))
    }
}
