import NIOPosix
import WireJSON

/// The setup and cleanup calls of the `kms` scenario (create its key, schedule its deletion), each
/// on a fresh connection, with a timeout.
struct KMSControlClient: Sendable {
    let configuration: BenchmarkConfiguration
    let group: MultiThreadedEventLoopGroup

    /// Creates a symmetric encryption key and returns its id and ARN.
    func createKey(description: String) async throws -> (keyId: String, arn: String) {
        let answer = try await call(.createKey, payload: KMSBodies.createKey(description: description))
        guard let keyId = answer["KeyMetadata"]?["KeyId"]?.string else {
            throw BenchmarkError.unexpectedResponse(action: "CreateKey", "no KeyMetadata.KeyId")
        }
        return (keyId, answer["KeyMetadata"]?["Arn"]?.string ?? keyId)
    }

    /// Schedules the deletion of `keyId` after `days` days (7 to 30).
    func scheduleKeyDeletion(keyId: String, days: Int = 7) async throws {
        _ = try await call(.scheduleKeyDeletion, payload: KMSBodies.scheduleKeyDeletion(keyId: keyId, days: days))
    }

    private func call(_ action: KMSRequestFactory.Action, payload: JSONPayload) async throws -> JSONValue {
        let request = KMSRequestFactory(configuration: configuration).request(action, payload: payload)
        return try await ControlExchange.call(
            request, action: action.rawValue, endpoint: configuration.endpoint, group: group)
    }
}
