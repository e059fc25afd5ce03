/// Turns byte offsets of a UTF-8 document into lines and columns.
///
/// Built once per document (one pass over the bytes); each lookup is a binary search over the
/// line starts, so locating every value of a long one-line document stays linear.
struct TextLocator {
    /// Byte offsets at which each line starts; the first is 0.
    private var lineStarts: [Int] = [0]
    /// For every byte offset, how many Unicode scalars start before it.
    private var scalarsBefore: [Int32]

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        scalarsBefore = []
        scalarsBefore.reserveCapacity(bytes.count + 1)
        var scalars: Int32 = 0
        for (offset, byte) in bytes.enumerated() {
            scalarsBefore.append(scalars)
            // Continuation bytes (10xxxxxx) do not start a scalar.
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte == UInt8(ascii: "\n") { lineStarts.append(offset + 1) }
        }
        scalarsBefore.append(scalars)
    }

    /// The line and column of `offset`, which may be the document's length (its end).
    func location(of offset: Int) -> JSONLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let column = Int(scalarsBefore[offset] - scalarsBefore[lineStarts[low]]) + 1
        return JSONLocation(line: low + 1, column: column, offset: offset)
    }
}
