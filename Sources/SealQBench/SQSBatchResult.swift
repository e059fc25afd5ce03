import NIOCore

/// The `Successful` and `Failed` lists of a `SendMessageBatch` or `DeleteMessageBatch` answer.
struct SQSBatchResult {
    /// Ids of the entries that succeeded.
    let successfulIds: [String]
    /// `Code: Message` of each entry that failed.
    let failures: [String]

    /// Reads a 2xx batch answer.
    init(parsing body: ByteBuffer) throws {
        let json = try JSONValue(parsing: body)
        successfulIds = (json["Successful"]?.array ?? []).compactMap { $0["Id"]?.string }
        failures = (json["Failed"]?.array ?? []).map { entry in
            "\(entry["Code"]?.string ?? "UnknownError"): \(entry["Message"]?.string ?? "")"
        }
    }
}
