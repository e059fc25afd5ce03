import ServiceLifecycle

/// A long-running part of the daemon, named in logs by its type alone. ServiceLifecycle logs
/// each service's description at debug level, and Swift's default description prints every
/// stored property, nested ones too: the admin's credentials, keys and whatever a service holds.
protocol NamedService: Service, CustomStringConvertible {}

extension NamedService {
    /// The service's type name, and nothing it holds.
    var description: String { String(describing: Self.self) }
}
