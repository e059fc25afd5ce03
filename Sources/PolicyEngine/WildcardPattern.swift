/// A `*`/`?` pattern compiled to bytes and matched without regular expressions: `*` matches any
/// run of characters (possibly empty), `?` exactly one character.
///
/// Matching takes time linear in the text for any pattern: the pieces between `*`s have fixed
/// lengths, so the first is matched at the start, the last at the end, and each other piece
/// at its leftmost place after the one before (KMP for a piece without `?`, a bit-parallel
/// Shift-And scan for one with). Policies and request values are both caller-supplied, and the
/// textbook backtracking scan costs text length × pattern length: seconds for one request.
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
    /// The runs of elements between `*`s, in order, without empty ones.
    private let pieces: [WildcardPiece]
    /// Whether the pattern starts, and ends, with `*`.
    private let openStart: Bool
    private let openEnd: Bool

    init(elements: [Element]) {
        self.elements = elements
        openStart = elements.first == .anyRun
        openEnd = elements.last == .anyRun
        pieces = elements.split(separator: .anyRun).map { WildcardPiece(Array($0)) }
    }

    static func == (lhs: WildcardPattern, rhs: WildcardPattern) -> Bool { lhs.elements == rhs.elements }

    func hash(into hasher: inout Hasher) { hasher.combine(elements) }

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
    func matches(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        guard !pieces.isEmpty else { return openStart || from == to }
        var start = from
        var end = to
        var free = pieces[...]
        if !openStart {
            guard let after = pieces[0].match(text, at: start, limit: end) else { return false }
            if pieces.count == 1 && !openEnd { return after == end }
            start = after
            free = free.dropFirst()
        }
        if !openEnd {
            guard let begin = free.last?.matchEnding(text, at: end, lowerBound: start) else { return false }
            end = begin
            free = free.dropLast()
        }
        for piece in free {
            guard let after = piece.firstMatchEnd(text, from: start, to: end) else { return false }
            start = after
        }
        return true
    }

    /// The offset of the character after the one starting at `index` (skipping UTF-8 continuation bytes).
    static func nextCharacter(_ text: UnsafeBufferPointer<UInt8>, after index: Int, limit: Int) -> Int {
        var next = index + 1
        while next < limit, text[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
