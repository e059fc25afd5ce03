/// The list items of a flattened Query parameter set (`Attribute.1.Name`,
/// `ActionNames.member.2`), found in one pass over its names: for each list head (the name up
/// to and including the dot before an index, `Attribute.` or `ActionNames.member.`) the distinct
/// positive indices under it.
///
/// Looking a list up scans nothing, so decoding a request costs time in proportion to its
/// size however many items it has (a per-list scan of every name made a 1.4 MB batch cost
/// seconds of CPU, before its signature was even checked).
public struct FlattenedListIndex: Sendable {
    private let indices: [Substring: [Int]]

    /// How many dots of a name are looked at. The deepest member any API here has, a batch
    /// entry's attribute's list value (`SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.
    /// StringListValue.1`), has six. Each dot's head is hashed whole, so without a bound a name
    /// of many short segments (`x.1.1.1…`) costs time in the square of its length.
    static let deepestDot = 8

    /// The index of `names`: every segment between dots made of ASCII digits, without a leading
    /// zero and above 0, is an item index of the head before it (`Attribute.1x`, `Attribute.+1`
    /// and `Attribute.01` are not items: members are looked up by the index's plain digits).
    /// Segments past the `deepestDot`th dot are not looked at.
    public init(names: some Sequence<String>) {
        var found: [Substring: Set<Int>] = [:]
        for name in names {
            var segmentStart = name.startIndex
            var dots = 0
            while dots < Self.deepestDot, let dot = name[segmentStart...].firstIndex(of: ".") {
                dots += 1
                let next = name.index(after: dot)
                let segmentEnd = name[next...].firstIndex(of: ".") ?? name.endIndex
                let segment = name[next..<segmentEnd]
                if segment.first != "0", segment.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let index = Int(segment), index > 0 {
                    found[name[..<next], default: []].insert(index)
                }
                segmentStart = next
            }
        }
        indices = found.mapValues { $0.sorted() }
    }

    /// The item indices under `head` (which ends with a dot), in numeric order.
    public func indices(under head: String) -> [Int] {
        indices[Substring(head)] ?? []
    }
}
