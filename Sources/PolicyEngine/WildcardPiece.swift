/// A run of a wildcard pattern between two `*`s: literal UTF-8 bytes and `?`s, so a fixed
/// number of characters. It is matched at a given place, ending at a given place, or searched
/// for leftmost in a stretch of text, each in time linear in the text.
struct WildcardPiece: Sendable {
    /// `.byte` and `.anyOne` elements only.
    let elements: [WildcardPattern.Element]
    /// For a piece without `?`: its bytes and their KMP failure function (the length of the
    /// longest proper prefix of `bytes[...i]` that is also its suffix).
    private let bytes: [UInt8]
    private let failure: [Int]
    /// For a piece with `?`: its characters, `nil` standing for `?`, each literal one as its
    /// UTF-8 bytes packed into an integer (`key(of:)`).
    private let characters: [UInt64?]?

    /// Beyond this many mask words (8 MiB), a `?` piece is searched for place by place instead.
    private static let maskWordBudget = 1 << 20

    init(_ elements: [WildcardPattern.Element]) {
        self.elements = elements
        guard !elements.contains(.anyOne) else {
            bytes = []
            failure = []
            var characters: [UInt64?] = []
            var current: [UInt8] = []
            func flush() {
                if !current.isEmpty { characters.append(Self.key(of: current[...])) }
                current = []
            }
            for element in elements {
                switch element {
                case .byte(let byte):
                    if byte & 0xC0 != 0x80 { flush() }
                    current.append(byte)
                case .anyOne:
                    flush()
                    characters.append(nil)
                case .anyRun:
                    break
                }
            }
            flush()
            self.characters = characters
            return
        }
        bytes = elements.compactMap { if case .byte(let byte) = $0 { byte } else { nil } }
        var failure = [Int](repeating: 0, count: bytes.count)
        var length = 0
        for index in bytes.indices.dropFirst() {
            while length > 0 && bytes[index] != bytes[length] { length = failure[length - 1] }
            if bytes[index] == bytes[length] { length += 1 }
            failure[index] = length
        }
        self.failure = failure
        characters = nil
    }

    /// The end of this piece matched at `start`, within `limit`; nil when it does not match there.
    func match(_ text: UnsafeBufferPointer<UInt8>, at start: Int, limit: Int) -> Int? {
        var index = start
        for element in elements {
            guard index < limit else { return nil }
            switch element {
            case .byte(let expected):
                guard text[index] == expected else { return nil }
                index += 1
            case .anyOne:
                index = WildcardPattern.nextCharacter(text, after: index, limit: limit)
            case .anyRun:
                break
            }
        }
        return index
    }

    /// The start of this piece matched so that it ends at `end`, not before `lowerBound`; nil
    /// when it does not match there.
    func matchEnding(_ text: UnsafeBufferPointer<UInt8>, at end: Int, lowerBound: Int) -> Int? {
        var index = end
        for element in elements.reversed() {
            guard index > lowerBound else { return nil }
            switch element {
            case .byte(let expected):
                guard text[index - 1] == expected else { return nil }
                index -= 1
            case .anyOne:
                index -= 1
                while index > lowerBound && text[index] & 0xC0 == 0x80 { index -= 1 }
            case .anyRun:
                break
            }
        }
        return index
    }

    /// The end of this piece's leftmost match in `text[from..<to]`, or nil when there is none.
    func firstMatchEnd(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard let characters else { return firstBytesMatchEnd(text, from: from, to: to) }
        return firstCharactersMatchEnd(characters, text, from: from, to: to)
    }

    /// Knuth–Morris–Pratt over the bytes. A match cannot start inside a character: the piece
    /// starts with a character's first byte, which no continuation byte equals.
    private func firstBytesMatchEnd(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var matched = 0
        var index = from
        while index < to {
            let byte = text[index]
            while matched > 0 && byte != bytes[matched] { matched = failure[matched - 1] }
            if byte == bytes[matched] { matched += 1 }
            index += 1
            if matched == bytes.count { return index }
        }
        return nil
    }

    /// Shift-And over characters: bit `i` of the state says the last `i + 1` characters read
    /// match the piece's first `i + 1`; one pass over the text, a word operation per 64 characters
    /// of the piece.
    private func firstCharactersMatchEnd(_ characters: [UInt64?], _ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        let count = characters.count
        let words = (count + 63) / 64
        var anyMask = [UInt64](repeating: 0, count: words)
        for (position, character) in characters.enumerated() where character == nil {
            anyMask[position / 64] |= 1 << UInt64(position % 64)
        }
        var masks: [UInt64: [UInt64]] = [:]
        for (position, character) in characters.enumerated() {
            guard let character else { continue }
            if masks[character] == nil {
                guard (masks.count + 1) * words <= Self.maskWordBudget else { return placeByPlaceMatchEnd(text, from: from, to: to) }
                masks[character] = anyMask
            }
            masks[character]![position / 64] |= 1 << UInt64(position % 64)
        }
        let last = (word: (count - 1) / 64, bit: UInt64(1) << UInt64((count - 1) % 64))
        var state = [UInt64](repeating: 0, count: words)
        var index = from
        while index < to {
            let next = WildcardPattern.nextCharacter(text, after: index, limit: to)
            let mask = masks[Self.key(of: text[index..<next])] ?? anyMask
            var carry: UInt64 = 1
            for word in 0..<words {
                let shifted = state[word] >> 63
                state[word] = ((state[word] << 1) | carry) & mask[word]
                carry = shifted
            }
            index = next
            if state[last.word] & last.bit != 0 { return index }
        }
        return nil
    }

    /// The leftmost match tried at each character in turn (for a piece whose masks would be too
    /// large: thousands of distinct characters).
    private func placeByPlaceMatchEnd(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var index = from
        while index < to {
            if let end = match(text, at: index, limit: to) { return end }
            index = WildcardPattern.nextCharacter(text, after: index, limit: to)
        }
        return nil
    }

    /// A character's UTF-8 bytes packed into one integer, with their count; one longer than 4
    /// bytes (not UTF-8) gets a key no piece character has.
    private static func key(of character: some Collection<UInt8>) -> UInt64 {
        guard character.count <= 4 else { return .max }
        return character.reduce(UInt64(character.count)) { $0 << 8 | UInt64($1) }
    }
}
