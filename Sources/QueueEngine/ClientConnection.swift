/// The connection of the request running on this task, as far as the engine needs to know it:
/// a long poll whose client has gone stops before it claims messages that nobody would get
/// (they would stay hidden for their visibility timeout).
public enum ClientConnection {
    /// Whether the client has closed its connection; set by the server around each request,
    /// nil (never closed) elsewhere.
    @TaskLocal public static var isClosed: (@Sendable () -> Bool)?

    /// Whether the client of the current request has closed its connection.
    static var closed: Bool { isClosed?() ?? false }
}
