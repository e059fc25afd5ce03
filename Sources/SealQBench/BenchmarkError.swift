/// Why a benchmark could not run or had to stop.
public enum BenchmarkError: Error, Sendable, CustomStringConvertible {
    /// A setting is out of range or cannot be read.
    case invalidConfiguration(String)
    /// No credentials were given and none were found.
    case missingCredentials(String)
    /// The daemon could not be reached.
    case unreachable(BenchmarkEndpoint, String)
    /// A setup or cleanup call (CreateQueue, DeleteQueue) was refused.
    case requestFailed(action: String, status: Int, body: String)
    /// The daemon answered something that is not the expected SQS JSON.
    case unexpectedResponse(action: String, String)
    /// Requests were in flight but nothing was answered for too long.
    case serverStalled(seconds: Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): "invalid configuration: \(reason)"
        case .missingCredentials(let reason): "no credentials: \(reason)"
        case .unreachable(let endpoint, let reason): "cannot connect to \(endpoint): \(reason)"
        case .requestFailed(let action, let status, let body): "\(action) failed with HTTP \(status): \(body)"
        case .unexpectedResponse(let action, let reason): "unexpected \(action) response: \(reason)"
        case .serverStalled(let seconds): "the server answered nothing for \(seconds) s; stopped"
        }
    }
}
