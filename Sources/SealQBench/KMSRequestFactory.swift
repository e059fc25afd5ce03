/// Builds SigV4-signed KMS JSON 1.1 (TrentService) requests for one connection.
///
/// Not thread-safe (neither is its signer): each connection owns one, on its event loop.
final class KMSRequestFactory {
    /// The KMS operations the benchmark calls.
    enum Action: String {
        case createKey = "CreateKey"
        case scheduleKeyDeletion = "ScheduleKeyDeletion"
        case encrypt = "Encrypt"
        case decrypt = "Decrypt"
        case generateDataKey = "GenerateDataKey"
    }

    private let signer: AWSJSONRequestSigner

    /// A factory signing with the credentials and region of `configuration`.
    init(configuration: BenchmarkConfiguration) {
        signer = AWSJSONRequestSigner(configuration: configuration, service: .kms)
    }

    /// A signed `POST /` calling `action` with `payload`.
    func request(_ action: Action, payload: JSONPayload) -> BenchRequest {
        signer.request(action.rawValue, payload: payload)
    }
}
