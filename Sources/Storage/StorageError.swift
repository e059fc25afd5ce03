/// Failures of the storage layer itself.
public enum StorageError: Error, CustomStringConvertible {
    /// Stored bytes could not be decoded.
    case corrupt(String)
    /// A database file an offline tool cannot open: its path, and why.
    case cannotOpen(path: String, reason: String)

    /// A description without any stored payload.
    public var description: String {
        switch self {
        case .corrupt(let what): return "corrupt stored data: \(what)"
        case .cannotOpen(let path, let reason): return "cannot open \(path) (\(reason))"
        }
    }
}
