import WireJSON
import NIOCore

/// The `Successful` and `Failed` lists of a `SendMessageBatch` or `DeleteMessageBatch` answer.
struct SQSBatchResult {
    /// Ids of the entries that succeeded.
    let successfulIds: [String]
    /// Ids of the entries that failed.
    let failedIds: [String]
    /// `Code: Message` of each entry that failed.
    let failures: [String]

    /// Reads a 2xx batch answer.
    init(parsing body: ByteBuffer) throws {
        let json = try JSONValue(parsing: body)
        successfulIds = (json["Successful"]?.array ?? []).compactMap { $0["Id"]?.string }
        let failed = json["Failed"]?.array ?? []
        failedIds = failed.compactMap { $0["Id"]?.string }
        failures = failed.map { entry in
            "\(entry["Code"]?.string ?? "UnknownError"): \(entry["Message"]?.string ?? "")"
        }
    }
}
