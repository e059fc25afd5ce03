/// One message for a FIFO queue, ready to be written into a send request.
struct FIFOMessage {
    /// The body as a JSON string literal.
    let quotedBody: String
    /// Its `MessageGroupId`.
    let groupId: String
    /// Its `MessageDeduplicationId`, unique in the queue.
    let deduplicationId: String
}
