/// A `*`/`?` pattern compiled to bytes and matched without regular expressions: `*` matches any
/// run of characters (possibly empty), `?` exactly one character.
struct WildcardPattern: Sendable, Hashable {
    /// One compiled element of the pattern.
    enum Element: Sendable, Hashable {
        /// This exact UTF-8 byte.
        case byte(UInt8)
        /// `*`: any run of characters, possibly empty.
        case anyRun
        /// `?`: exactly one character.
        case anyOne
    }

    let elements: [Element]

    init(elements: [Element]) {
        self.elements = elements
    }

    /// Compiles `text`, reading `*` and `?` as wildcards; `lowercase` folds ASCII letters (for actions).
    init(glob text: String, lowercase: Bool = false) {
        self.init(elements: Self.elements(glob: text, lowercase: lowercase))
    }

    /// The elements of `text`, reading `*` and `?` as wildcards.
    static func elements(glob text: String, lowercase: Bool = false) -> [Element] {
        text.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "*"): .anyRun
            case UInt8(ascii: "?"): .anyOne
            default: .byte(lowercase ? asciiLowercased(byte) : byte)
            }
        }
    }

    /// The elements of `text` taken literally (no wildcards).
    static func elements(literal text: String) -> [Element] {
        text.utf8.map { .byte($0) }
    }

    /// Whether the whole of `text` matches.
    func matches(_ text: String) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ matches($0, from: 0, to: $0.count) }) {
            return result
        }
        return Array(text.utf8).withUnsafeBufferPointer { matches($0, from: 0, to: $0.count) }
    }

    /// Whether `text[from..<to]` matches, exactly (case-sensitively).
    ///
    /// The classic greedy scan: on a mismatch, the most recent `*` absorbs one more character and
    /// the scan resumes after it; linear for patterns with one `*`, O(n·m) at worst.
    func matches(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        var element = 0
        var index = from
        var starElement = -1
        var starIndex = from
        while index < to {
            if element < elements.count {
                switch elements[element] {
                case .anyRun:
                    starElement = element
                    starIndex = index
                    element += 1
                    continue
                case .anyOne:
                    element += 1
                    index = Self.nextCharacter(text, after: index, limit: to)
                    continue
                case .byte(let expected):
                    if expected == text[index] {
                        element += 1
                        index += 1
                        continue
                    }
                }
            }
            guard starElement >= 0 else { return false }
            element = starElement + 1
            starIndex = Self.nextCharacter(text, after: starIndex, limit: to)
            index = starIndex
        }
        while element < elements.count, elements[element] == .anyRun { element += 1 }
        return element == elements.count
    }

    /// The offset of the character after the one starting at `index` (skipping UTF-8 continuation bytes).
    private static func nextCharacter(_ text: UnsafeBufferPointer<UInt8>, after index: Int, limit: Int) -> Int {
        var next = index + 1
        while next < limit, text[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
