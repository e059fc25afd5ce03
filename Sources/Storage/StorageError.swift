/// Failures of the storage layer itself.
public enum StorageError: Error, CustomStringConvertible {
    /// Stored bytes could not be decoded.
    case corrupt(String)

    /// A description without any stored payload.
    public var description: String {
        switch self {
        case .corrupt(let what): return "corrupt stored data: \(what)"
        }
    }
}
