/// The connection of the request running on this task, as far as the engine needs to know it:
/// a long poll whose client has gone stops before it claims messages that nobody would get
/// (they would stay hidden for their visibility timeout).
public final class ClientConnection: Sendable {
    /// The connection of the current request; set by the server around each request, nil
    /// (never closed) elsewhere.
    @TaskLocal public static var current: ClientConnection?

    private let closed: @Sendable () -> Bool

    /// A connection that `closed` says has been closed by its client.
    public init(closed: @escaping @Sendable () -> Bool) {
        self.closed = closed
    }

    /// Whether the client of the current request has closed its connection.
    static var currentIsClosed: Bool { current?.closed() ?? false }
}
