/// Case-insensitive comparison without allocating for ASCII text.
enum CaseFolding {
    /// Whether `text` equals `lowercased` (already lowercase) ignoring case.
    static func equal(_ text: String, lowercased: String) -> Bool {
        var textBytes = text.utf8.makeIterator()
        var otherBytes = lowercased.utf8.makeIterator()
        while true {
            switch (textBytes.next(), otherBytes.next()) {
            case (nil, nil): return true
            case (let byte?, let other?) where byte < 0x80 && other < 0x80:
                guard WildcardPattern.asciiLowercased(byte) == other else { return false }
            case (nil, _), (_, nil): return false
            default:
                // Non-ASCII: let the standard library fold the whole strings.
                return text.lowercased() == lowercased
            }
        }
    }
}
