/// A request-side ARN (or any string compared as one), split once at its first five colons.
struct ArnText: Sendable {
    /// The UTF-8 bytes.
    let bytes: [UInt8]
    /// Offsets of the first five colons (fewer when the text has fewer).
    let colons: [Int]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var colons: [Int] = []
        colons.reserveCapacity(5)
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: ":") {
            colons.append(offset)
            if colons.count == 5 { break }
        }
        self.colons = colons
    }
}
