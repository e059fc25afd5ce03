/// Lets whoever runs a send learn, inside the transaction that stores its messages, what the
/// send stored: CloudTrail's SendMessage and SendMessageBatch records name the messages a call
/// made, and a record commits in the transaction of its call's first change.
public enum StoredSends {
    /// One message a send stored, or on a FIFO queue the one it was a duplicate of.
    public struct Item: Sendable, Equatable {
        /// The batch entry's id; nil for SendMessage.
        public var entryId: String?
        /// The message id and, on a FIFO queue, its sequence number.
        public var sent: SentMessage
        /// Whether the queue seals its messages (SSE on): then nothing derived from the payload,
        /// not even its MD5, may be kept beside them.
        public var sealed = false
    }

    /// Hears the stored messages of each send made on its task, in entry order, inside the
    /// storing transaction (again, should that transaction be retried).
    public final class Observer: Sendable {
        let stored: @Sendable ([Item]) -> Void

        /// An observer calling `stored`.
        public init(_ stored: @escaping @Sendable ([Item]) -> Void) {
            self.stored = stored
        }
    }

    /// The observer of the sends made on this task, if any.
    @TaskLocal public static var observer: Observer?
}
