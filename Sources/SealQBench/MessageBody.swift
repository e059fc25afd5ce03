/// The bodies the benchmark sends: a tag that tells measured messages from prefilled ones, padded to size.
enum MessageBody {
    /// Bodies of messages sent during a measured phase start with this.
    static let measuredTag = "sealq-bench:measured:"
    /// Bodies of prefilled messages start with this.
    static let prefillTag = "sealq-bench:prefill::"
    /// The smallest body that still holds a whole tag.
    static let minimumSize = measuredTag.utf8.count

    /// A body of exactly `size` ASCII bytes starting with `tag`.
    static func make(tag: String, size: Int) -> String {
        let filler = "abcdefghijklmnopqrstuvwxyz0123456789"
        var body = tag
        body.reserveCapacity(size)
        while body.utf8.count < size {
            body += filler.prefix(size - body.utf8.count)
        }
        return body
    }

    /// A prefill body for a FIFO queue that tells its place: the prefill tag, then `g<group>#<position>;`
    /// (position 0 is the group's first message), padded to `size` (longer when the place does not fit).
    static func fifoPrefill(group: Int, position: Int, size: Int) -> String {
        make(tag: prefillTag + "g\(group)#\(position);", size: size)
    }

    /// The group and position of a body made by ``fifoPrefill(group:position:size:)``; nil for any other body.
    static func fifoPlace(of body: String) -> (group: Int, position: Int)? {
        var bytes = body.utf8[...]
        guard bytes.starts(with: prefillTag.utf8) else { return nil }
        bytes = bytes.dropFirst(prefillTag.utf8.count)
        func number(after marker: UInt8) -> Int? {
            guard bytes.first == marker else { return nil }
            bytes = bytes.dropFirst()
            var value = 0
            var digits = 0
            while let byte = bytes.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 18 {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                bytes = bytes.dropFirst()
            }
            return digits > 0 ? value : nil
        }
        guard let group = number(after: UInt8(ascii: "g")), let position = number(after: UInt8(ascii: "#")),
            bytes.first == UInt8(ascii: ";")
        else { return nil }
        return (group, position)
    }
}
