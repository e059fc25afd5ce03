/// The FIFO messages one connection sends, in the order it sends them.
///
/// Message `k` of a phase (counted over all its connections) goes to group `g<k mod groups>`, so the
/// phase as a whole deals its messages round-robin over the groups, and has the deduplication id
/// `<idPrefix><k>`, unique in the queue as long as each phase on it uses its own prefix.
struct FIFOMessageSource {
    /// Which messages of the phase this connection sends.
    enum Share {
        /// Messages `first`, `first + stride`, `first + 2 × stride`, … without end: `stride` connections
        /// take the messages in turn. Bodies are all the same.
        case interleaved(first: Int, stride: Int)
        /// The messages below `goal` whose group is one of this `connection`'s, the groups being dealt
        /// round-robin over `connections`. Each group is then sent by a single connection, in order,
        /// so its order in the queue is known: each body tells its place
        /// (``MessageBody/fifoPrefill(group:position:size:)``). With fewer groups than connections, some
        /// connections send nothing.
        case ownedGroups(connection: Int, connections: Int, goal: Int)
    }

    private let share: Share
    private let groups: Int
    private let idPrefix: String
    private let size: Int
    private let plainBody: String
    /// Interleaved: the next message index. Owned groups: the next round (each round sends one
    /// message of each owned group).
    private var counter: Int
    /// Owned groups: the next owned group of the round, as an index among the owned groups.
    private var slot = 0

    /// - Parameters:
    ///   - tag: the start of each interleaved body (``MessageBody/measuredTag`` or ``MessageBody/prefillTag``);
    ///     owned-group bodies are always prefill bodies that tell their place.
    ///   - size: the body size in bytes.
    ///   - idPrefix: starts each deduplication id; each phase on a queue needs its own.
    init(share: Share, groups: Int, tag: String, size: Int, idPrefix: String) {
        self.share = share
        self.groups = groups
        self.idPrefix = idPrefix
        self.size = size
        plainBody = JSONText.quoted(MessageBody.make(tag: tag, size: size))
        if case .interleaved(let first, _) = share { counter = first } else { counter = 0 }
    }

    /// The next message, or nil when this connection has sent its share.
    mutating func next() -> FIFOMessage? {
        switch share {
        case .interleaved(_, let stride):
            let index = counter
            counter += stride
            return FIFOMessage(
                quotedBody: plainBody, groupId: "g" + String(index % groups), deduplicationId: idPrefix + String(index))
        case .ownedGroups(let connection, let connections, let goal):
            let group = connection + slot * connections
            guard group < groups else { return nil }
            let index = counter * groups + group
            // Indexes grow with (round, slot), so the first one at or past the goal ends the share.
            guard index < goal else { return nil }
            let position = counter
            slot += 1
            if connection + slot * connections >= groups {
                slot = 0
                counter += 1
            }
            let body = MessageBody.fifoPrefill(group: group, position: position, size: size)
            return FIFOMessage(
                quotedBody: JSONText.quoted(body), groupId: "g" + String(group),
                deduplicationId: idPrefix + String(index))
        }
    }
}
