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
}
